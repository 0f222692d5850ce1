"""The calendar file (.ics) sent with an invitation, so a phone calendar shows the meeting.

Times are written in UTC ("DTSTART:20261215T020000Z"): every calendar app converts them to the
phone's own zone, so a person in Makassar sees 10.00 for a meeting at 09.00 WIB. The UID stays
the same for a meeting and SEQUENCE rises on each reschedule, so importing the new file updates
the event instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

PRODID = "-//PAKET Bot//Rapat//ID"
MIME_TYPE = "text/calendar"


@dataclass(frozen=True)
class CalendarEvent:
    meeting_id: int
    sequence: int
    starts_at: datetime  # aware
    ends_at: datetime  # aware
    title: str
    description: str
    location: str
    latitude: float | None = None
    longitude: float | None = None


def uid(meeting_id: int) -> str:
    return f"rapat-{meeting_id}@paket-bot"


def file_name(meeting_id: int) -> str:
    return f"rapat-{meeting_id}.ics"


def render(event: CalendarEvent, *, stamp: datetime) -> bytes:
    """The .ics bytes of one event (plain text, never HTML)."""
    # Imported on first use: most processes never write a calendar (tests/test_imports.py).
    from icalendar import Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    item = Event()
    item.add("uid", uid(event.meeting_id))
    item.add("dtstamp", stamp.astimezone(UTC))
    item.add("sequence", event.sequence)
    item.add("dtstart", event.starts_at.astimezone(UTC))
    item.add("dtend", event.ends_at.astimezone(UTC))
    item.add("summary", event.title)
    item.add("description", event.description)
    item.add("location", event.location)
    if event.latitude is not None and event.longitude is not None:
        item.add("geo", (event.latitude, event.longitude))
    calendar.add_component(item)
    return calendar.to_ical()
