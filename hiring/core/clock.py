"""Time zones: everything is stored in UTC and shown in the viewer's zone (zoneinfo)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

DEFAULT_ZONE = "UTC"


@lru_cache(maxsize=1)
def zone_names() -> tuple[str, ...]:
    """The IANA zone names this machine knows, sorted: the choices of the settings form."""
    names = {n for n in available_timezones() if "/" in n or n == "UTC"}
    return tuple(sorted(n for n in names if not n.startswith(("Etc/", "SystemV/", "posix/",
                                                               "right/"))))


def valid_zone(name: str | None) -> bool:
    if not name or len(name) > 64 or "\x00" in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone(name: str | None) -> ZoneInfo:
    """The zone of that name, UTC when the name is empty or unknown (never an error)."""
    return ZoneInfo(name) if valid_zone(name) else ZoneInfo(DEFAULT_ZONE)


def to_local(moment: datetime, zone_name: str | None) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and pass UTC-aware datetimes")
    return moment.astimezone(zone(zone_name))


def from_local(wall: datetime, zone_name: str | None) -> datetime:
    """A wall-clock time typed in zone_name, as UTC.

    A time that does not exist (the hour skipped when clocks go forward) is read with the
    offset before the change, as the clock on the wall would have shown it; an ambiguous
    time (the hour repeated when clocks go back) is the first of the two (fold=0)."""
    tz = zone(zone_name)
    naive = wall.replace(tzinfo=None)
    as_utc = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if as_utc.astimezone(tz).replace(tzinfo=None) != naive:
        # skipped: keep the offset in force just before the gap
        before = (naive - timedelta(hours=3)).replace(tzinfo=tz).utcoffset()
        as_utc = naive.replace(tzinfo=UTC) - before
    return as_utc


def offset_label(moment: datetime, zone_name: str | None) -> str:
    """"CET", "EST" or "UTC+05:30": what the zone is called at that moment."""
    local = to_local(moment, zone_name)
    abbreviation = local.tzname() or ""
    if abbreviation and abbreviation[0] not in "+-":
        return abbreviation
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
