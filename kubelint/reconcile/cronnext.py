"""The next run times of a parsed cron schedule (kubelint.k8s.cron.parse_schedule fields), in
UTC, as robfig/cron computes them: day-of-month and day-of-week are ORed when both are
restricted, ANDed when either is `*`."""

from __future__ import annotations

from datetime import datetime, timedelta

_FULL = (60, 24, 31, 12, 7)
_SEARCH_DAYS = 366 * 5


def next_times(fields: list[frozenset[int]], after: datetime, count: int) -> list[datetime]:
    minutes, hours, days, months, weekdays = fields
    dom_star = len(days) == _FULL[2]
    dow_star = len(weekdays) == _FULL[4]
    out: list[datetime] = []
    start = after.replace(second=0, microsecond=0, tzinfo=None) + timedelta(minutes=1)
    day = start.replace(hour=0, minute=0)
    for _ in range(_SEARCH_DAYS):
        if day.month in months and _day_matches(day, days, weekdays, dom_star, dow_star):
            for hour in sorted(hours):
                for minute in sorted(minutes):
                    moment = day.replace(hour=hour, minute=minute)
                    if moment >= start:
                        out.append(moment)
                        if len(out) == count:
                            return out
        day += timedelta(days=1)
    return out


def _day_matches(day: datetime, days, weekdays, dom_star: bool, dow_star: bool) -> bool:
    dom = day.day in days
    dow = (day.isoweekday() % 7) in weekdays
    if dom_star or dow_star:
        return dom and dow
    return dom or dow
