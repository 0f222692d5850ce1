"""Callback data for meeting buttons: short (Telegram allows 64 bytes) and parsed in one place.

    mt:rsvp:{id}:{y|n}[:v]        RSVP from an invitation or reminder   mt:rsvp:17:y
                                  (":v": pressed on the meeting's own view, shown again)
    mt:view:{id}                  open one meeting                      mt:view:17
    mt:att:{id}:{person}:{0|1}    tick or untick one attendee           mt:att:17:42:1
    mt:f:{id}:{verb}:{step}[:{v}] a form button: ans, skip, back, edit  mt:f:17:ans:waktu:b09
    mt:m:{id}:{verb}[:{arg}]      manage a meeting: reschedule, cancel,  mt:m:17:cancel
                                  remind, attendance, minutes

Form buttons name the step they were shown for, so a stale or double-tapped button is a no-op
in the domain instead of answering another question.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_BYTES = 64
PREFIX = "mt"


def _checked(data: str) -> str:
    assert len(data.encode()) <= MAX_BYTES, data
    return data


def rsvp(meeting_id: int, attending: bool, *, in_view: bool = False) -> str:
    data = f"{PREFIX}:rsvp:{meeting_id}:{'y' if attending else 'n'}"
    return _checked(data + ":v" if in_view else data)


def view(meeting_id: int) -> str:
    return _checked(f"{PREFIX}:view:{meeting_id}")


def attendance(meeting_id: int, person_id: int, present: bool) -> str:
    return _checked(f"{PREFIX}:att:{meeting_id}:{person_id}:{int(present)}")


def form(meeting_id: int, verb: str, step: str, *extra: object) -> str:
    """A form button: verb is ans, skip, back or edit; `extra` the choice code."""
    return _checked(":".join([PREFIX, "f", str(meeting_id), verb, step, *map(str, extra)]))


def manage(meeting_id: int, verb: str, *extra: object) -> str:
    """A button of the meeting's own view or of a step managing it (verb, then arguments)."""
    return _checked(":".join([PREFIX, "m", str(meeting_id), verb, *map(str, extra)]))


@dataclass(frozen=True)
class Parsed:
    action: str  # rsvp | view | att | f | m
    parts: tuple[str, ...]


def parse(data: str) -> Parsed | None:
    """Split callback data of this module's shapes; None for anything else."""
    prefix, _, rest = data.partition(":")
    action, _, tail = rest.partition(":")
    if prefix != PREFIX or action not in ("rsvp", "view", "att", "f", "m") or not tail:
        return None
    return Parsed(action, tuple(tail.split(":")))
