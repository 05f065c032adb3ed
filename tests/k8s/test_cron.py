"""CronJob schedules, parsed like robfig/cron's ParseStandard (what the apiserver uses)."""

from __future__ import annotations

import pytest

from kubelint.k8s.cron import CronError, is_time_zone, parse_schedule


def test_fields_expand_to_their_values() -> None:
    minute, hour, dom, month, dow = parse_schedule("*/15 9-17 1,15 JAN-mar mon-FRI")
    assert minute == {0, 15, 30, 45} and hour == set(range(9, 18))
    assert dom == {1, 15} and month == {1, 2, 3} and dow == {1, 2, 3, 4, 5}
    assert parse_schedule("5/20 * ? * *")[0] == {5, 25, 45}  # N/step means N-max/step
    assert parse_schedule("*/61 * * * *")[0] == {0}  # accepted: a step larger than the range


@pytest.mark.parametrize(
    ("spec", "first"),
    [("@hourly", {0}), ("@daily", {0}), ("@midnight", {0}), ("@weekly", {0}),
     ("@monthly", {0}), ("@yearly", {0}), ("@annually", {0})],
)  # fmt: skip
def test_descriptors(spec, first) -> None:
    assert parse_schedule(spec)[0] == first
    assert parse_schedule("@every 1h30m") is None


@pytest.mark.parametrize(
    ("spec", "message"),
    [("", "empty spec string"),
     ("* * * *", "expected exactly 5 fields, found 4: [* * * *]"),
     ("0 0 * * * *", "expected exactly 5 fields, found 6"),
     ("61 * * * *", "end of range (61) above maximum (59): 61"),
     ("0 24 * * *", "end of range (24) above maximum (23): 24"),
     ("0 0 0 * *", "beginning of range (0) below minimum (1): 0"),
     ("0 0 * 13 *", "end of range (13) above maximum (12): 13"),
     ("0 0 * * 7", "end of range (7) above maximum (6): 7"),
     ("5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"),
     ("*/0 * * * *", "step of range should be a positive number: */0"),
     ("1-2-3 * * * *", "too many hyphens: 1-2-3"),
     ("*/2/3 * * * *", "too many slashes: */2/3"),
     ("x * * * *", 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'),
     ("*/-1 * * * *", "negative number (-1) not allowed: -1"),
     ("0 0 * * FOO", "failed to parse int from FOO"),
     ("@often", "unrecognized descriptor: @often"),
     ("@every 1x", "failed to parse duration @every 1x"),
     ("TZ=Mars/Base 0 0 * * *", "provided bad location Mars/Base")],
)  # fmt: skip
def test_rejected(spec, message) -> None:
    with pytest.raises(CronError) as info:
        parse_schedule(spec)
    assert message in str(info.value)


def test_time_zone_prefix_is_parsed_past() -> None:
    assert parse_schedule("CRON_TZ=Europe/Paris 0 3 * * *")[1] == {3}


@pytest.mark.parametrize(
    ("zone", "ok"),
    [("Europe/Paris", True), ("UTC", True), ("Etc/GMT+5", True), ("America/Argentina/Salta", True),
     ("Europe/Pariss", False), ("CEST", False), ("", False), ("../etc/passwd", False),
     ("/etc/localtime", False), ("Local", False)],
)  # fmt: skip
def test_time_zones(zone, ok) -> None:
    assert is_time_zone(zone) is ok
