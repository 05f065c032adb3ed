"""CronJob schedules, parsed as the apiserver parses them (robfig/cron v3 `ParseStandard`).

A schedule is either a descriptor (`@hourly`, `@daily`/`@midnight`, `@weekly`, `@monthly`,
`@yearly`/`@annually`, `@every <duration>`) or five whitespace-separated fields: minute (0-59),
hour (0-23), day of month (1-31), month (1-12 or JAN-DEC), day of week (0-6 or SUN-SAT). A field
is a comma-separated list of `*`, `?`, `N`, `N-M`, each optionally followed by `/step`
(`N/step` means `N-max/step`). Errors use the parser's own wording.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import NamedTuple


class CronError(ValueError):
    pass


class _Bounds(NamedTuple):
    low: int
    high: int
    names: dict[str, int]


_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
    )
}
_DAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
FIELDS = (
    ("minute", _Bounds(0, 59, {})),
    ("hour", _Bounds(0, 23, {})),
    ("day of month", _Bounds(1, 31, {})),
    ("month", _Bounds(1, 12, _MONTHS)),
    ("day of week", _Bounds(0, 6, _DAYS)),
)
DESCRIPTORS = frozenset(
    ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
)
_DURATION = re.compile(r"^[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+$")


def parse_schedule(spec: str) -> list[frozenset[int]] | None:
    """The allowed values of each of the five fields (None for an `@every` descriptor, whose
    times depend on when the CronJob was created). Raises CronError."""
    if not spec:
        raise CronError("empty spec string")
    spec = _strip_time_zone(spec)
    if spec.startswith("@"):
        return _descriptor(spec)
    fields = spec.split()
    if len(fields) != len(FIELDS):
        raise CronError(f"expected exactly 5 fields, found {len(fields)}: [{' '.join(fields)}]")
    return [_field(text, bounds) for text, (_, bounds) in zip(fields, FIELDS, strict=True)]


def _strip_time_zone(spec: str) -> str:
    """Drop a leading `TZ=zone ` / `CRON_TZ=zone ` (the parser accepts it; the apiserver then
    rejects any "TZ" in a new schedule, see `kubelint.rules.builtin.validation_cronjobs`)."""
    if not spec.startswith(("TZ=", "CRON_TZ=")):
        return spec
    zone, _, rest = spec.partition("=")[2].partition(" ")
    if not is_time_zone(zone):
        raise CronError(f"provided bad location {zone}: unknown time zone {zone}")
    return rest.strip()


def is_time_zone(name: str) -> bool:
    """Whether `name` is in the IANA time zone database (as Go's time.LoadLocation finds it)."""
    if not name or name.startswith(("/", ".")) or ".." in name or "\\" in name:
        return False
    if name == "UTC":
        return True
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def _descriptor(spec: str) -> list[frozenset[int]] | None:
    if spec in DESCRIPTORS:
        text = {
            "@yearly": "0 0 1 1 *",
            "@annually": "0 0 1 1 *",
            "@monthly": "0 0 1 * *",
            "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *",
            "@midnight": "0 0 * * *",
            "@hourly": "0 * * * *",
        }[spec]
        return parse_schedule(text)
    if spec.startswith("@every "):
        duration = spec[len("@every ") :]
        if not _DURATION.match(duration) or duration in ("+", "-"):
            raise CronError(f'failed to parse duration {spec}: time: invalid duration "{duration}"')
        return None
    raise CronError(f"unrecognized descriptor: {spec}")


def _field(text: str, bounds: _Bounds) -> frozenset[int]:
    values: set[int] = set()
    for expr in (part for part in text.split(",") if part):
        values.update(_range(expr, bounds))
    return frozenset(values)


def _range(expr: str, bounds: _Bounds) -> range:
    range_and_step = expr.split("/")
    low_high = range_and_step[0].split("-")
    if low_high[0] in ("*", "?"):
        start, end = bounds.low, bounds.high
    else:
        start = _int_or_name(low_high[0], bounds.names)
        if len(low_high) == 1:
            end = start
        elif len(low_high) == 2:
            end = _int_or_name(low_high[1], bounds.names)
        else:
            raise CronError(f"too many hyphens: {expr}")
    step = 1
    if len(range_and_step) == 2:
        step = _int(range_and_step[1])
        if len(low_high) == 1 and low_high[0] not in ("*", "?"):
            end = bounds.high  # "N/step" means "N-max/step"
    elif len(range_and_step) > 2:
        raise CronError(f"too many slashes: {expr}")
    if start < bounds.low:
        raise CronError(f"beginning of range ({start}) below minimum ({bounds.low}): {expr}")
    if end > bounds.high:
        raise CronError(f"end of range ({end}) above maximum ({bounds.high}): {expr}")
    if start > end:
        raise CronError(f"beginning of range ({start}) beyond end of range ({end}): {expr}")
    if step == 0:
        raise CronError(f"step of range should be a positive number: {expr}")
    return range(start, end + 1, step)


def _int_or_name(text: str, names: dict[str, int]) -> int:
    if text.lower() in names:
        return names[text.lower()]
    return _int(text)


def _int(text: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", text):
        raise CronError(
            f'failed to parse int from {text}: strconv.Atoi: parsing "{text}": invalid syntax'
        )
    number = int(text)
    if number < 0:
        raise CronError(f"negative number ({number}) not allowed: {text}")
    return number
