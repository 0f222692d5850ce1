"""Quiet hours: nothing unprompted at night in the reader's own time zone.

`quiet` is (start_hour, end_hour) as parsed from QUIET_HOURS ("21-6" → (21, 6): quiet from
21.00 to 06.00 the next morning), or None for no quiet hours. A range that does not wrap past
midnight ("1-5") works too. Used when enqueuing reminders, meeting notices and announcements:

    not_before = send_time(clock.now(), person_zone, quiet, deadline=meeting.starts_at)
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

QuietHours = tuple[int, int] | None


def is_quiet(moment: datetime, timezone: str, quiet: QuietHours) -> bool:
    """True when `moment` falls inside the quiet period in `timezone`."""
    if quiet is None:
        return False
    start, end = quiet
    hour = moment.astimezone(ZoneInfo(timezone)).hour
    if start < end:
        return start <= hour < end
    return hour >= start or hour < end


def quiet_end(moment: datetime, timezone: str, quiet: QuietHours) -> datetime | None:
    """The end of the quiet period `moment` falls in (aware UTC), or None outside one."""
    if quiet is None or not is_quiet(moment, timezone, quiet):
        return None
    zone = ZoneInfo(timezone)
    local = moment.astimezone(zone)
    end = datetime.combine(local.date(), time(quiet[1]), tzinfo=zone)
    if end <= local:
        end = datetime.combine(local.date() + timedelta(days=1), time(quiet[1]), tzinfo=zone)
    return end.astimezone(UTC)


def send_time(
    moment: datetime, timezone: str, quiet: QuietHours, *, deadline: datetime | None = None
) -> datetime:
    """When a message due at `moment` may go: then, or when the quiet period ends.

    A message that would arrive only after `deadline` (the meeting's start) goes at once:
    a reminder after the meeting has begun is worth less than one at night.
    """
    end = quiet_end(moment, timezone, quiet)
    if end is None or (deadline is not None and deadline <= end):
        return moment
    return end
