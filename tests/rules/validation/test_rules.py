"""Each validation rule on small manifests: what it reports (path and apiserver wording) and
what it must leave alone."""

from __future__ import annotations

import pytest

from kubelint.rules.engine import Settings

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
{spec}"""


def pod(spec: str) -> str:
    return POD.format(spec=spec)


def container(extra: str = "", name: str = "app") -> str:
    return f"  containers:\n    - name: {name}\n      image: nginx\n{extra}"


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {selector}
  template:
    metadata:
      labels: {labels}
    spec:
      containers: [{{name: web, image: nginx}}]
"""

CASES = [
    # KL100 names per kind
    ("KL100", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: My.Config\n",
     [("metadata.name", 'Invalid value: "My.Config": a lowercase RFC 1123 subdomain')]),
    ("KL100", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: my.config\n", []),
    ("KL100", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team.a\n",
     [("metadata.name", "must not contain dots")]),
    ("KL100", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
     "  name: system:controller:Foo\n", []),
    ("KL100", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: a/b\n",
     [("metadata.name", "may not contain '/'")]),
    ("KL100", "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: web-\n", []),
    ("KL100", "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: Web-\n",
     [("metadata.generateName", 'Invalid value: "Web-"')]),
    ("KL100", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: " + "a" * 53 + "\n",
     [("metadata.name", "must be no more than 52 characters")]),
    ("KL100", "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n"
     "  name: widgets.example.com\nspec:\n  group: example.org\n  names: {plural: widgets}\n",
     [("metadata.name", 'must be spec.names.plural+"."+spec.group')]),
    ("KL100", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: 12\n", []),  # schema's job
    # KL101
    ("KL101", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: " + "n" * 64
     + "\n", [("metadata.namespace", "must be no more than 63 characters")]),
    ("KL101", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n  namespace: Not_Used\n",
     []),  # cluster-scoped: ignored
    # KL102 labels, also on templates
    ("KL102", DEPLOYMENT.format(selector="{matchLabels: {app: web}}",
                                labels='{app: web, "a/b/c": x}'),
     [('spec.template.metadata.labels["a/b/c"]', "a valid label key must consist")]),
    ("KL102", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n"
     "    app.kubernetes.io/name: x\n    empty: ''\n    flag: true\n", []),
    # KL103 annotations: case-insensitive keys and the total size
    ("KL103", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n"
     "    Example.COM/Owner: x\n", []),
    ("KL103", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n"
     "    big: " + "x" * (256 * 1024) + "\n",
     [("metadata.annotations", "Too long: may not be more than 262144 bytes")]),
    # KL110 container names, across init and regular containers
    ("KL110", pod("  initContainers: [{name: app, image: busybox}]\n" + container()),
     [("spec.containers[0].name", 'Duplicate value: "app"')]),
    ("KL110", pod(container(name="App_1")),
     [("spec.containers[0].name", "a lowercase RFC 1123 label")]),
    # KL111 container ports
    ("KL111", pod(container("      ports:\n        - {containerPort: 0}\n"
                            "        - {containerPort: 70000, hostPort: -1}\n")),
     [("spec.containers[0].ports[0].containerPort", "must be between 1 and 65535, inclusive"),
      ("spec.containers[0].ports[1].containerPort", "Invalid value: 70000"),
      ("spec.containers[0].ports[1].hostPort", "Invalid value: -1")]),
    ("KL111", pod(container("      ports:\n        - {name: metrics-endpoint, containerPort: 1}\n"
                            "        - {name: web, containerPort: 2}\n"
                            "        - {name: web, containerPort: 3}\n")),
     [("spec.containers[0].ports[0].name", "must be no more than 15 characters"),
      ("spec.containers[0].ports[2].name", 'Duplicate value: "web"')]),
    ("KL111", pod(container("      ports: [{containerPort: 80, hostPort: 80}]\n")
                  + "    - name: b\n      image: nginx\n"
                  "      ports: [{containerPort: 81, hostPort: 80}]\n"),
     [("spec.containers[1].ports[0].hostPort", 'Duplicate value: "TCP//80"')]),
    ("KL111", pod(container('      ports: [{containerPort: "80"}]\n')), []),  # schema's job
    ("KL111", pod(container("      ports: [{containerPort: 80, hostPort: 80, hostIP: 10.0.0.1},"
                            " {containerPort: 81, hostPort: 80, hostIP: 10.0.0.2}]\n")), []),
    # KL112
    ("KL112", pod(container("      ports: [{containerPort: 53}, {containerPort: 53, "
                            "protocol: UDP}, {containerPort: 53, protocol: TCP}]\n")),
     [("spec.containers[0].ports[2]", "duplicate port definition 53/TCP")]),
    # KL113 probes and hooks
    ("KL113", pod(container("      readinessProbe: {periodSeconds: 5}\n")),
     [("spec.containers[0].readinessProbe", "must specify a handler type")]),
    ("KL113", pod(container("      startupProbe: {exec: {command: [true]}, successThreshold: 2}\n"
                            "      readinessProbe: {grpc: {port: 0}, successThreshold: 2}\n")),
     [("spec.containers[0].startupProbe.successThreshold", "Invalid value: 2: must be 1"),
      ("spec.containers[0].readinessProbe.grpc.port", "must be between 1 and 65535")]),
    ("KL113", pod(container("      livenessProbe: {httpGet: {port: Metrics_Port}}\n"
                            "      lifecycle:\n        preStop: {sleep: {seconds: 5}}\n")),
     [("spec.containers[0].livenessProbe.httpGet.port", 'Invalid value: "Metrics_Port"')]),
    ("KL113", pod(container("      livenessProbe: {exec: {command: [x]}, periodSeconds: -1, "
                            "failureThreshold: -2}\n")),
     [("spec.containers[0].livenessProbe.periodSeconds", "must be greater than or equal to 0"),
      ("spec.containers[0].livenessProbe.failureThreshold", "Invalid value: -2")]),
    # KL114 env
    ("KL114", pod(container("      env:\n        - {name: 'A=B', value: x}\n"
                            "        - name: POD\n          valueFrom: {}\n"
                            "        - name: BOTH\n          valueFrom:\n"
                            "            fieldRef: {fieldPath: metadata.name}\n"
                            "            secretKeyRef: {name: s, key: k}\n"
                            "      envFrom: [{prefix: 'X=', configMapRef: {name: c}}]\n")),
     [("spec.containers[0].env[0].name", "printable ASCII characters other than '='"),
      ("spec.containers[0].env[1].valueFrom", "must specify one of: `fieldRef`"),
      ("spec.containers[0].env[2].valueFrom", "may not have more than one field specified"),
      ("spec.containers[0].envFrom[0].prefix", 'Invalid value: "X="')]),
    ("KL114", pod(container("      env: [{name: 1st.var, value: x}, {name: 'MY VAR', "
                            "value: y}]\n")), []),  # relaxed names (Kubernetes >= 1.32)
    # KL115 restart policy per controller
    ("KL115", DEPLOYMENT.format(selector="{matchLabels: {app: web}}", labels="{app: web}")
     .replace("    spec:\n", "    spec:\n      restartPolicy: OnFailure\n"),
     [("spec.template.spec.restartPolicy", 'Unsupported value: "OnFailure": supported values: '
       '"Always"')]),
    ("KL115", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: "
     "'@daily'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
     "          restartPolicy: Always\n          containers: [{name: c, image: c}]\n",
     [("spec.jobTemplate.spec.template.spec.restartPolicy", 'Unsupported value: "Always"')]),
    ("KL115", pod("  restartPolicy: Never\n" + container()), []),  # a bare Pod may use any
    # KL116-KL118 pod spec
    ("KL116", pod("  initContainers: [{name: init, image: ''}]\n  containers: [{name: a}]\n"),
     [("spec.initContainers[0].image", "Required value"),
      ("spec.containers[0].image", "Required value")]),
    ("KL117", pod(container() + "  tolerations:\n    - {operator: Equal, value: x}\n"
                  "    - {key: a, tolerationSeconds: 60, effect: NoSchedule}\n"
                  "    - {operator: Exists}\n    - {key: b, value: 'not valid'}\n"),
     [("spec.tolerations[0].operator", "operator must be Exists when `key` is empty"),
      ("spec.tolerations[1].effect", "effect must be 'NoExecute' when `tolerationSeconds` is set"),
      ("spec.tolerations[3].value", 'Invalid value: "not valid"')]),
    ("KL118", pod(container() + "  subdomain: svc.a\n  serviceAccountName: Builder\n"
                  "  nodeSelector: {disk: fast ssd}\n  dnsPolicy: None\n"
                  "  activeDeadlineSeconds: 0\n"),
     [("spec.subdomain", "must not contain dots"),
      ("spec.serviceAccountName", 'Invalid value: "Builder"'),
      ("spec.nodeSelector.disk", 'Invalid value: "fast ssd"'),
      ("spec.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None"),
      ("spec.activeDeadlineSeconds", "must be between 1 and 2147483647, inclusive")]),
    ("KL118", pod(container() + "  dnsPolicy: None\n  dnsConfig:\n"
                  "    nameservers: [1.1.1.1, 8.8.8.8, 9.9.9.9, dns.local]\n"),
     [("spec.dnsConfig.nameservers", "must not have more than 3 nameservers"),
      ("spec.dnsConfig.nameservers[3]", "must be valid IP address")]),
    # KL160 / KL161 ConfigMaps and Secrets
    ("KL160", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  a: x\n"
     "  ..b: y\nbinaryData:\n  a: eA==\n  c: not base64!\n",
     [('data["..b"]', "must not start with '..'"),
      ("data.a", "duplicate of key present in binaryData"),
      ("binaryData.c", "illegal base64 data")]),
    ("KL160", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n"
     "  password: |\n    c2VjcmV0\n    c2VjcmV0\nstringData:\n  user.name: plain text\n", []),
    ("KL160", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  big: "
     + "x" * (1024 * 1024 + 1) + "\n", [("data", "Too long: may not be more than 1048576 bytes")]),
    ("KL161", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
     "type: kubernetes.io/dockerconfigjson\nstringData:\n  .dockerconfigjson: '{auths: {}}'\n",
     [("stringData[\".dockerconfigjson\"]", "<secret contents redacted>")]),
    ("KL161", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
     "type: kubernetes.io/service-account-token\n",
     [("metadata", "annotations[kubernetes.io/service-account.name]: Required value")]),
    ("KL161", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n"
     "type: kubernetes.io/basic-auth\ndata: {password: cGFzcw==}\n", []),
    # KL170 / KL171 RBAC
    ("KL170", "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n"
     "rules:\n  - {nonResourceURLs: [/healthz], resources: [pods], verbs: [get]}\n"
     "  - {apiGroups: [apps], verbs: []}\n",
     [("rules[0].nonResourceURLs", "namespaced rules cannot apply to non-resource URLs"),
      ("rules[0].nonResourceURLs", "rules cannot apply to both regular resources and"),
      ("rules[1].verbs", "verbs must contain at least one value"),
      ("rules[1].resources", "resource rules must supply at least one resource")]),
    ("KL170", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n"
     "  name: r\nrules:\n  - {nonResourceURLs: [/metrics], verbs: [get]}\n", []),
    ("KL171", "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n"
     "  name: b\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}\n"
     "subjects:\n  - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}\n"
     "  - {kind: Group, name: devs, apiGroup: ''}\n  - {kind: Robot, name: r2}\n",
     [("roleRef.kind", 'Unsupported value: "Role": supported values: "ClusterRole"'),
      ("subjects[2].kind", 'Unsupported value: "Robot"')]),
    # KL120 quantities
    ("KL120", pod(container("      resources:\n        limits: {cpu: 2 cores, memory: -1Mi, "
                            "nvidia.com/gpu: 1}\n")
                  + "  overhead: {cpu: 1x}\n  volumes:\n    - name: v\n"
                  "      emptyDir: {sizeLimit: 1GB}\n"),
     [("spec.containers[0].resources.limits.cpu", 'Invalid value: "2 cores": quantities must'),
      ("spec.containers[0].resources.limits.memory", "must be greater than or equal to 0"),
      ("spec.overhead.cpu", 'Invalid value: "1x"'),
      ("spec.volumes[0].emptyDir.sizeLimit", 'Invalid value: "1GB"')]),
    ("KL120", "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n"
     "  accessModes: [ReadWriteOnce]\n  resources:\n    requests: {storage: 10gb}\n",
     [("spec.resources.requests.storage", 'Invalid value: "10gb"')]),
    ("KL120", "apiVersion: v1\nkind: ResourceQuota\nmetadata:\n  name: q\nspec:\n"
     "  hard: {pods: 10, requests.cpu: '1.5', limits.memory: 2e9}\n", []),
    # KL121 requests <= limits (pod-level resources too)
    ("KL121", pod(container("      resources:\n        requests: {cpu: '1.5'}\n"
                            "        limits: {cpu: 1500m}\n")
                  + "  resources:\n    requests: {memory: 2Gi}\n    limits: {memory: 2G}\n"),
     [("spec.resources.requests.memory", "must be less than or equal to memory limit of 2G")]),
    ("KL121", pod(container("      resources:\n        requests: {nvidia.com/gpu: 1, "
                            "hugepages-2Mi: 4Mi}\n        limits: {hugepages-2Mi: 8Mi}\n")),
     [("spec.containers[0].resources.limits", "Limit must be set for non overcommitable "
       "resources (nvidia.com/gpu)"),
      ("spec.containers[0].resources.requests.hugepages-2Mi",
       "must be equal to hugepages-2Mi limit of 8Mi")]),
    ("KL121", pod(container("      resources:\n        requests: {example.com/dongle: 2, "
                            "kubernetes.io/x: 1}\n        limits: {example.com/dongle: '2'}\n")),
     []),
    # KL122 / KL123 volumes and mounts
    ("KL122", pod(container() + "  volumes:\n    - {name: a, emptyDir: {}}\n"
                  "    - {name: a, configMap: {name: c}}\n    - {name: B}\n"),
     [("spec.volumes[1].name", 'Duplicate value: "a"'),
      ("spec.volumes[2].name", 'Invalid value: "B"')]),
    ("KL123", pod(container("      volumeMounts:\n        - {name: a, mountPath: /x}\n"
                            "        - {name: b, mountPath: /x}\n")
                  + "  volumes: [{name: a, emptyDir: {}}, {name: b, emptyDir: {}}]\n"),
     [("spec.containers[0].volumeMounts[1].mountPath", 'Invalid value: "/x": must be unique')]),
    ("KL123", "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n"
     "  serviceName: db\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata:\n"
     "      labels: {app: db}\n    spec:\n      containers:\n        - name: db\n"
     "          image: postgres\n          volumeMounts: [{name: data, mountPath: /data}]\n"
     "  volumeClaimTemplates:\n    - metadata: {name: data}\n", []),
    # KL130 selector syntax wherever selectors are
    ("KL130", pod(container() + "  affinity:\n    podAntiAffinity:\n"
                  "      requiredDuringSchedulingIgnoredDuringExecution:\n"
                  "        - topologyKey: kubernetes.io/hostname\n          labelSelector:\n"
                  "            matchExpressions: [{key: app, operator: Exists, values: [x]}]\n"),
     [("spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
       ".labelSelector.matchExpressions[0].values", "may not be specified when `operator` is "
       "'Exists' or 'DoesNotExist'")]),
    ("KL130", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n"
     "  selector: {app: web server}\n  ports: [{port: 80}]\n",
     [("spec.selector.app", 'Invalid value: "web server"')]),
    ("KL130", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\n"
     "spec:\n  podSelector: {}\n  ingress:\n    - from:\n        - namespaceSelector:\n"
     "            matchLabels: {kubernetes.io/metadata.name: -bad}\n",
     [('spec.ingress[0].from[0].namespaceSelector.matchLabels["kubernetes.io/metadata.name"]',
       'Invalid value: "-bad"')]),
    # KL131 selector vs template labels
    ("KL131", DEPLOYMENT.format(selector="{}", labels="{app: web}"),
     [("spec.selector", "empty selector is invalid for deployment")]),
    ("KL131", DEPLOYMENT.format(
        selector="{matchExpressions: [{key: tier, operator: NotIn, values: [db]}]}",
        labels="{app: web}"), []),
    ("KL131", DEPLOYMENT.format(
        selector="{matchExpressions: [{key: tier, operator: Exists}]}", labels="{app: web}"),
     [("spec.template.metadata.labels", "`selector` does not match template `labels`")]),
    ("KL131", "apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: rc\nspec:\n"
     "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n"
     "      containers: [{name: web, image: nginx}]\n", []),  # selector defaults to labels
    ("KL131", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\nspec:\n"
     "  manualSelector: true\n  selector: {matchLabels: {job: j}}\n  template:\n    spec:\n"
     "      restartPolicy: Never\n      containers: [{name: j, image: j}]\n",
     [("spec.template", "`selector` does not match template `labels`")]),
    # KL132 counts
    ("KL132", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
     "  schedule: '@daily'\n  successfulJobsHistoryLimit: -3\n  jobTemplate:\n    spec:\n"
     "      backoffLimit: 3\n      template:\n        spec:\n"
     "          restartPolicy: Never\n          containers: [{name: c, image: c}]\n",
     [("spec.successfulJobsHistoryLimit", "Invalid value: -3: must be greater than or equal")]),
    ("KL137", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
     "  schedule: '@daily'\n  startingDeadlineSeconds: 3000000000\n  jobTemplate:\n    spec:\n"
     "      backoffLimit: 3000000000\n      template:\n        spec:\n"
     "          restartPolicy: Never\n          containers:\n            - name: c\n"
     "              image: c\n              ports: [{containerPort: -5000000000}]\n",
     [("spec.jobTemplate.spec.backoffLimit", "out of range for int32 (-2147483648..2147483647)"),
      ("spec.jobTemplate.spec.template.spec.containers[0].ports[0].containerPort",
       "Invalid value: -5000000000: out of range for int32")]),  # startingDeadline is int64
    ("KL132", DEPLOYMENT.format(selector="{matchLabels: {app: web}}", labels="{app: web}")
     .replace("spec:\n  selector", "spec:\n  minReadySeconds: 600\n"
              "  progressDeadlineSeconds: 600\n  selector"),
     [("spec.progressDeadlineSeconds", "must be greater than minReadySeconds")]),
    # KL135 rolling updates (defaults: Deployment 25%/25%, DaemonSet maxUnavailable 1, surge 0)
    ("KL135", "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\nspec:\n"
     "  updateStrategy:\n    rollingUpdate: {maxUnavailable: 0%}\n",
     [("spec.updateStrategy.rollingUpdate.maxUnavailable", "may not be 0 when `maxSurge` is 0")]),
    ("KL135", "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\nspec:\n"
     "  updateStrategy:\n    rollingUpdate: {maxUnavailable: 0, maxSurge: 10%}\n", []),
    ("KL135", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n"
     "  strategy:\n    rollingUpdate: {maxUnavailable: 0}\n", []),
    ("KL135", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n"
     "  strategy:\n    rollingUpdate: {maxUnavailable: 150%, maxSurge: 200%}\n",
     [("spec.strategy.rollingUpdate.maxUnavailable", "must not be greater than 100%")]),
    ("KL135", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n"
     "  strategy:\n    type: Recreate\n    rollingUpdate: {maxSurge: 1}\n",
     [("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")]),
    # KL136 generated Job selectors
    ("KL136", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n"
     "  selector: {matchLabels: {batch.kubernetes.io/controller-uid: 5f1e9a}}\n",
     [("spec.selector", "`selector` not auto-generated")]),  # copied from kubectl get -o yaml
    ("KL136", "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n"
     "  selector: {matchLabels: {job-name: pi}}\n", []),  # matches the generated labels
    ("KL136", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
     "  schedule: '@daily'\n  jobTemplate:\n    spec:\n      manualSelector: true\n"
     "      selector: {matchLabels: {a: b}}\n",
     [("spec.jobTemplate.spec.selector", "`selector` will be auto-generated"),
      ("spec.jobTemplate.spec.manualSelector", 'Unsupported value: true')]),
    # KL133 / KL134 CronJobs
    ("KL133", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
     "  schedule: CRON_TZ=Europe/Paris 0 3 * * *\n",
     [("spec.schedule", "cannot use TZ or CRON_TZ in schedule, use timeZone field instead")]),
    ("KL133", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
     "  schedule: 0 0 * *\n", [("spec.schedule", "expected exactly 5 fields, found 4")]),
    ("KL134", "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n"
     "  schedule: '@daily'\n  timeZone: Local\n",
     [("spec.timeZone", "timeZone must be an explicit time zone")]),
    # KL140-KL142 Services
    ("KL140", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector: {a: b}\n",
     [("spec", "ports: Required value")]),
    ("KL140", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  clusterIP: None\n"
     "  selector: {a: b}\n", []),  # headless services may omit ports
    ("KL140", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n"
     "    - {name: dns, port: 53, protocol: UDP, targetPort: 0}\n"
     "    - {name: dns-tcp, port: 53, targetPort: dns_tcp}\n"
     "    - {name: DNS, port: 53, protocol: UDP, targetPort: 70000}\n",
     [("spec.ports[1].targetPort", 'Invalid value: "dns_tcp"'),
      ("spec.ports[2].name", 'Invalid value: "DNS"'),
      ("spec.ports[2].targetPort", "Invalid value: 70000"),
      ("spec.ports[2]", 'Duplicate value: "53/UDP"')]),
    ("KL141", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n"
     "  ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]\n",
     [("spec.ports[1].nodePort", 'Duplicate value: "30080/TCP"')]),
    ("KL142", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n"
     "  type: ExternalName\n  clusterIP: 10.0.0.1\n  ports: [{port: 80, nodePort: 30001}]\n",
     [("spec", "externalName: Required value"),
      ("spec.clusterIP", "must be empty for ExternalName services"),
      ("spec.ports[0].nodePort", "Forbidden: may not be used when `type` is 'ExternalName'")]),
    ("KL142", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n"
     "  type: ExternalName\n  externalName: db.example.com.\n", []),
    ("KL142", "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n"
     "  clusterIP: 10.0.0.300\n  ports: [{port: 80}]\n",
     [("spec.clusterIP", "must be a valid IP address")]),
    # KL150-KL153
    ("KL150", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: h\n"
     "spec:\n  minReplicas: 0\n  maxReplicas: 0\n",
     [("spec.minReplicas", "must be greater than or equal to 1"),
      ("spec.maxReplicas", "must be greater than 0")]),
    ("KL151", "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n"
     "  minAvailable: 150%\n", [("spec.minAvailable", "must not be greater than 100%")]),
    ("KL151", "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\nspec:\n"
     "  maxUnavailable: half\n", [("spec.maxUnavailable", "a valid percent string must be")]),
    ("KL152", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: n\n"
     "spec:\n  podSelector: {}\n  egress:\n    - to:\n        - ipBlock: {cidr: 10.0.0.0/33}\n"
     "        - ipBlock: {cidr: '::/0', except: [10.0.0.0/8]}\n          podSelector: {}\n"
     "        - {}\n      ports: [{port: http, endPort: 90}, {port: 100, endPort: 90}, "
     "{endPort: 90}]\n",
     [("spec.egress[0].to[0].ipBlock.cidr", 'Invalid value: "10.0.0.0/33": must be a valid CIDR'),
      ("spec.egress[0].to[1]", "may not specify both ipBlock and another peer"),
      ("spec.egress[0].to[1].ipBlock.except[0]", "must be a strict subset of `cidr`"),
      ("spec.egress[0].to[2]", "must specify a peer"),
      ("spec.egress[0].ports[0].endPort", "may not be specified when `port` is non-numeric"),
      ("spec.egress[0].ports[2]", "port: Required value: when endPort is specified"),
      ("spec.egress[0].ports[1].endPort", "must be greater than or equal to `port`")]),
    ("KL153", "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n"
     "  defaultBackend:\n    resource: {apiGroup: x, kind: Bucket, name: b}\n"
     "    service: {name: web, port: {number: 80}}\n  rules:\n    - host: 10.0.0.1\n"
     "    - host: '*.example.com'\n      http:\n        paths:\n"
     "          - {path: api, pathType: Prefix, backend: {service: {name: 1web, port: {}}}}\n",
     [("spec.defaultBackend", "cannot set both service and resource backends"),
      ("spec.rules[0].host", "must be a DNS name, not an IP address"),
      ("spec.rules[1].http.paths[0].backend.service.name", 'Invalid value: "1web"'),
      ("spec.rules[1].http.paths[0].backend.service.port", "port name or port number is required"),
      ("spec.rules[1].http.paths[0].path", 'Invalid value: "api": must be an absolute path')]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "text", "expected"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_rule(lint, code, text, expected) -> None:
    found = lint(code, text)
    assert len(found) == len(expected), found
    for want_path, fragment in expected:  # in any order: the runner sorts by location
        hits = [m for p, m in found if p == want_path and fragment in m]
        assert hits, (want_path, fragment, found)


def test_strict_env_names_before_1_32(lint) -> None:
    text = pod(container("      env: [{name: 1st.var, value: x}]\n"))
    found = lint("KL114", text, Settings(kubernetes_version="1.31"))
    assert found and "must not start with a digit" in found[0][1]


def test_node_port_range_is_configurable(lint) -> None:
    text = ("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n"
            "  ports: [{port: 80, nodePort: 8080}]\n")  # fmt: skip
    assert lint("KL141", text, Settings(node_port_range=(1, 9999))) == []
    assert "range of valid ports is 30000-32767" in lint("KL141", text)[0][1]


TARGET = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: {namespace}
spec:
  selector: {{app: web}}
  ports: [{{port: 80, targetPort: http}}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector: {{matchLabels: {{app: web}}}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      initContainers: [{{name: sidecar, image: envoy, restartPolicy: Always,
                         ports: [{{name: {port}, containerPort: 8080}}]}}]
      containers: [{{name: web, image: nginx}}]
"""


def test_target_port_names_come_from_selected_pods_in_the_namespace(lint) -> None:
    assert lint("KL143", TARGET.format(namespace="shop", port="http")) == []
    assert lint("KL143", TARGET.format(namespace="other", port="admin")) == []  # selects none
    found = lint("KL143", TARGET.format(namespace="shop", port="admin"))
    assert found == [
        (
            "spec.ports[0].targetPort",
            'targetPort "http" is not a container port name of the selected pods (Deployment web)',
        )
    ]


def test_null_container_is_a_container_without_a_name(lint) -> None:
    """`- null` in a container list passes the schema stage, but decodes to an empty container
    the apiserver rejects for its missing name (found by the fuzz campaign)."""
    text = (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n"
        "  initContainers: [null]\n  containers:\n  - null\n  - {name: a, image: nginx:1}\n"
    )
    assert sorted(lint("KL110", text)) == [
        ("spec.containers[0]", "name: Required value"),
        ("spec.initContainers[0]", "name: Required value"),
    ]
