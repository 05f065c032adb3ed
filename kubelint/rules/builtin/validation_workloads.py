"""Workload integer fields the schema does not bound, rolling-update parameters, CronJob
schedules and time zones."""

from __future__ import annotations

from collections.abc import Iterator

from kubelint.k8s.cron import CronError, is_time_zone, parse_schedule
from kubelint.k8s.validation import invalid, is_int
from kubelint.model import JsonPath, Severity
from kubelint.rules.builtin._validation import int_or_percent, is_zero, mapping
from kubelint.rules.engine import ObjectView, Violation, object_rule

DEPLOYMENT_UPDATE = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    rollingUpdate: {{maxUnavailable: 0, maxSurge: {surge}}}
  selector:
    matchLabels: {{app: web}}
  template:
    metadata:
      labels: {{app: web}}
    spec:
      containers: [{{name: web, image: nginx}}]
"""

_DEPLOYMENT = ("replicas", "minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds")
_JOB = ("parallelism", "completions", "backoffLimit", "activeDeadlineSeconds",
        "ttlSecondsAfterFinished", "backoffLimitPerIndex", "maxFailedIndexes")  # fmt: skip
_CRONJOB = ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit")
NON_NEGATIVE: dict[tuple[str, str], tuple[str, ...]] = {
    ("apps", "Deployment"): _DEPLOYMENT,
    ("extensions", "Deployment"): _DEPLOYMENT,
    ("apps", "ReplicaSet"): ("replicas", "minReadySeconds"),
    ("extensions", "ReplicaSet"): ("replicas", "minReadySeconds"),
    ("", "ReplicationController"): ("replicas", "minReadySeconds"),
    ("apps", "StatefulSet"): ("replicas", "minReadySeconds", "revisionHistoryLimit"),
    ("apps", "DaemonSet"): ("minReadySeconds", "revisionHistoryLimit"),
    ("extensions", "DaemonSet"): ("minReadySeconds", "revisionHistoryLimit"),
    ("batch", "Job"): _JOB,
    ("batch", "CronJob"): _CRONJOB,
}
"""spec fields that must be ≥ 0."""


@object_rule(
    "KL132",
    "invalid-count",
    Severity.ERROR,
    "validation",
    title="Replica counts, limits and durations may not be negative",
    rationale="The schema types these fields as integers, but only the apiserver enforces that "
    "replicas, parallelism, backoffLimit, history limits and deadlines are ≥ 0, and that a "
    "Deployment's progressDeadlineSeconds exceeds its minReadySeconds.",
    remediation="Use a non-negative value in range.",
    failing="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: -1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx}]
""",
    passing="""\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers: [{name: web, image: nginx}]
""",
)
def invalid_count(obj: ObjectView) -> Iterator[Violation]:
    spec, template = obj.spec, obj.template
    if not spec and template is None:
        return  # no counts to check (ConfigMaps, RBAC objects, …)
    kind = (obj.group, obj.kind)
    for field in NON_NEGATIVE.get(kind, ()):
        value = spec.get(field)
        if isinstance(value, int) and value < 0:  # booleans are never < 0; too large: KL137
            yield _negative_violation(("spec", field), value)
    if kind == _CRONJOB_KIND:
        job = mapping(mapping(spec.get("jobTemplate")).get("spec"))
        for field in _JOB:
            value = job.get(field)
            if isinstance(value, int) and value < 0:
                yield _negative_violation(("spec", "jobTemplate", "spec", field), value)
    if template is not None:
        grace = template.spec.get("terminationGracePeriodSeconds")
        if isinstance(grace, int) and grace < 0:
            path = (*template.spec_path, "terminationGracePeriodSeconds")
            yield _negative_violation(path, grace)
    if obj.kind != "Deployment":
        return
    progress, ready = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds")
    if is_int(progress) and is_int(ready) and progress <= ready:
        yield Violation(
            ("spec", "progressDeadlineSeconds"),
            invalid(progress, "must be greater than minReadySeconds"),
        )


_CRONJOB_KIND = ("batch", "CronJob")


def _negative_violation(path: JsonPath, value: int) -> Violation:
    return Violation(path, invalid(value, "must be greater than or equal to 0"))


_UPDATE_DEFAULTS = {"Deployment": ("25%", "25%"), "DaemonSet": (1, 0)}
"""(maxUnavailable, maxSurge) when rollingUpdate leaves them out."""


@object_rule(
    "KL135",
    "invalid-rolling-update",
    Severity.ERROR,
    "validation",
    title="Rolling updates need maxUnavailable or maxSurge above 0 (and at most 100%)",
    rationale="A rolling update that may neither stop an old pod nor start an extra one "
    "cannot progress, so the apiserver rejects maxUnavailable: 0 with maxSurge: 0 (a "
    "DaemonSet's maxSurge defaults to 0). Both are a count ≥ 0 or a percentage; maxUnavailable "
    "is at most 100%. A Recreate Deployment takes no rollingUpdate settings.",
    remediation="Allow one of them, e.g. maxSurge: 1 with maxUnavailable: 0.",
    failing=DEPLOYMENT_UPDATE.format(surge=0),
    passing=DEPLOYMENT_UPDATE.format(surge=1),
    kinds={("apps", "Deployment"), ("extensions", "Deployment"), ("apps", "DaemonSet")},
)
def invalid_rolling_update(obj: ObjectView) -> Iterator[Violation]:
    field = "strategy" if obj.kind == "Deployment" else "updateStrategy"
    strategy = mapping(obj.spec.get(field))
    update = strategy.get("rollingUpdate")
    path = ("spec", field, "rollingUpdate")
    if update is not None and strategy.get("type") == "Recreate":
        message = "Forbidden: may not be specified when strategy `type` is 'Recreate'"
        yield Violation(path, message, at_key=True)
        return
    if not isinstance(update, dict) or strategy.get("type") == "OnDelete":
        return
    unavailable_default, surge_default = _UPDATE_DEFAULTS[obj.kind]
    unavailable = update.get("maxUnavailable", unavailable_default)
    surge = update.get("maxSurge", surge_default)
    yield from int_or_percent((*path, "maxUnavailable"), update.get("maxUnavailable"))
    yield from int_or_percent((*path, "maxSurge"), update.get("maxSurge"), at_most_100=False)
    if is_zero(unavailable) and is_zero(surge):
        message = invalid(unavailable, "may not be 0 when `maxSurge` is 0")
        yield Violation((*path, "maxUnavailable"), message, at_key="maxUnavailable" not in update)


CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata:
  name: report
spec:
  schedule: "{schedule}"{zone}
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{{name: report, image: report:1.0}}]
"""


@object_rule(
    "KL133",
    "invalid-cron-schedule",
    Severity.ERROR,
    "validation",
    title="CronJob schedules must be valid five-field cron expressions without TZ=",
    rationale="The apiserver parses the schedule with the standard cron parser: five fields "
    "(minute 0-59, hour 0-23, day of month 1-31, month 1-12 or JAN-DEC, day of week 0-6 or "
    "SUN-SAT) or a macro such as @hourly. Since Kubernetes 1.27 a `TZ=`/`CRON_TZ=` prefix is "
    "rejected: use spec.timeZone.",
    remediation="Fix the expression (`*/15 * * * *`, `0 3 * * MON-FRI`, `@daily`); move a time "
    "zone to spec.timeZone.",
    failing=CRONJOB.format(schedule="0 3 * * 7", zone=""),
    passing=CRONJOB.format(schedule="0 3 * * 0", zone=""),
    kinds={("batch", "CronJob"), ("batch", "ScheduledJob")},
)
def invalid_cron_schedule(obj: ObjectView) -> Iterator[Violation]:
    schedule = obj.spec.get("schedule")
    if not isinstance(schedule, str):
        return
    path = ("spec", "schedule")
    if not schedule:
        yield Violation(path, "Required value")
        return
    try:
        parse_schedule(schedule)
    except CronError as exc:
        yield Violation(path, invalid(schedule, str(exc)))
    if "TZ" in schedule:
        yield Violation(
            path,
            invalid(schedule, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"),
        )


@object_rule(
    "KL134",
    "invalid-time-zone",
    Severity.ERROR,
    "validation",
    title="CronJob timeZone must name an IANA time zone",
    rationale="spec.timeZone is looked up in the time zone database (e.g. Europe/Paris, "
    "America/New_York, Etc/UTC); `Local`, abbreviations such as CEST and typos are rejected.",
    remediation="Use a zone name from the IANA database (`timedatectl list-timezones`).",
    failing=CRONJOB.format(schedule="0 3 * * *", zone="\n  timeZone: Europe/Pariss"),
    passing=CRONJOB.format(schedule="0 3 * * *", zone="\n  timeZone: Europe/Paris"),
    kinds={("batch", "CronJob")},
)
def invalid_time_zone(obj: ObjectView) -> Iterator[Violation]:
    zone = obj.spec.get("timeZone")
    if not isinstance(zone, str):
        return
    path = ("spec", "timeZone")
    if not zone:
        yield Violation(path, invalid(zone, "timeZone must be nil or non-empty string"))
    elif zone.lower() == "local":
        yield Violation(
            path,
            invalid(
                zone,
                "timeZone must be an explicit time zone as defined in "
                "https://www.iana.org/time-zones",
            ),
        )
    elif not is_time_zone(zone):
        yield Violation(path, invalid(zone, f"unknown time zone {zone}"))
