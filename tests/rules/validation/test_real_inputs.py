"""Validation rules on real manifests: the corpus (which kubeconform accepts) and kubectl's own
output. Everything reported must be something the apiserver rejects."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kubelint.rules.catalogue import load_rules
from kubelint.rules.runner import lint_texts, make_plan

VALIDATION = [r for r in load_rules() if r.category == "validation"]

# Every validation finding in the valid corpus folders, each checked by hand: unfilled
# placeholders the apiserver rejects, and one duplicate port (a warning; server-side apply fails).
CORPUS_FINDINGS = {
    ("kubernetes__ingress-nginx/deploy/static/provider/aws/nlb-with-tls-termination/deploy.yaml",
     "KL112"),  # containerPort 80/TCP declared as both http and https
    ("kubernetes__ingress-nginx/docs/examples/auth/oauth-external-auth/oauth2-proxy.yaml",
     "KL153"),  # host: __INGRESS_HOST__
    ("kubernetes__ingress-nginx/docs/examples/docker-registry/ingress-with-tls.yaml", "KL153"),
    ("kubernetes__ingress-nginx/docs/examples/docker-registry/ingress-without-tls.yaml", "KL153"),
    ("kubernetes__website/content/en/examples/application/job/job-tmpl.yaml", "KL100"),
    ("kubernetes__ingress-nginx/docs/examples/customization/ssl-dh-param/ssl-dh-param.yaml",
     "KL160"),  # data: "...base64 encoded data..." is not base64
}  # fmt: skip


def _lint(texts: dict[str, str]):
    return [f for f in lint_texts(texts, make_plan(VALIDATION)) if f.code.startswith("KL1")]


def test_corpus_has_only_the_known_rejections(corpus: Path) -> None:
    texts = {}
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        if folder.name in ("broken", "templated"):
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
                texts[str(path.relative_to(corpus))] = path.read_text("utf-8", "replace")
    assert len(texts) > 700
    found = _lint(texts)
    assert {(f.source, f.code) for f in found} == CORPUS_FINDINGS, [
        f"{f.source}:{f.line} {f.code} {f.message[:80]}" for f in found
    ]
    assert all(f.line > 1 and f.ref is not None and f.path for f in found)


def test_broken_corpus_placeholders_are_found(corpus: Path) -> None:
    path = corpus / "broken/zegl__kube-score/parser/testdata/invalid-yaml.yaml"
    found = _lint({"invalid-yaml.yaml": path.read_text()})
    assert {(f.code, f.path_text) for f in found} >= {
        ("KL100", "metadata.name"),  # ${APP}-service
        ("KL130", "spec.selector.app"),  # ${APP}
    }


KUBECTL = [
    "create deployment web --image=nginx:1.27 --replicas=3 --port=8080",
    "create job migrate --image=busybox",
    "create cronjob report --image=busybox --schedule=*/5 * * * *",
    "create service nodeport web --tcp=80:8080 --node-port=30080",
    "create service clusterip headless --clusterip=None",
    "create service externalname db --external-name=db.example.com",
    "create service loadbalancer lb --tcp=443:8443",
    "create ingress web --rule=shop.example.com/api*=web:80 --rule=*.example.com/=web:http",
    "create poddisruptionbudget web --selector=app=web --min-available=50%",
    "create quota q --hard=cpu=2,memory=1G,pods=10",
    "create configmap settings --from-literal=mode=fast",
    "create priorityclass high --value=1000",
    "create namespace team-a",
]


def _kubectl(args: str) -> str:
    head, _, schedule = args.partition("--schedule=")
    argv = ["kubectl", *head.split(), *([f"--schedule={schedule}"] if schedule else [])]
    argv += ["--dry-run=client", "-o", "yaml"]
    return subprocess.run(argv, capture_output=True, check=True, timeout=30, text=True).stdout


def test_kubectl_dry_run_output_is_clean() -> None:
    try:
        texts = {f"{i}.yaml": _kubectl(args) for i, args in enumerate(KUBECTL)}
    except FileNotFoundError:
        pytest.skip("kubectl is not installed")
    assert all("kind:" in t for t in texts.values())
    assert _lint(texts) == []
