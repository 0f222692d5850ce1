"""After the meeting: who came (pre-ticked from ✅ Hadir), and the minutes (berita acara).

Minutes are photos or PDFs kept by Telegram file id, as proposal attachments are; a BKM's
minutes can be picked later as a proposal attachment (`queries.bkm_minutes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePath

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.meetings import access
from bot.i18n import N_
from storage.meeting_models import MeetingInvitee, MeetingMinutes, Rsvp
from storage.models import Person

MAX_MINUTES_FILES = 10
PHOTO_OR_PDF = N_("Mohon kirim foto atau berkas PDF.")
_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")


@dataclass(frozen=True)
class AttendanceLine:
    person_id: int
    name: str
    rsvp: str | None
    present: bool  # as marked, or (not marked yet) as answered: ✅ Hadir


@dataclass(frozen=True)
class AttendanceSheet:
    meeting_id: int
    lines: tuple[AttendanceLine, ...]
    confirmed: bool  # the organiser has confirmed the list

    @property
    def present(self) -> int:
        return sum(line.present for line in self.lines)


async def _invitees(session: AsyncSession, meeting_id: int) -> list[tuple[MeetingInvitee, Person]]:
    stmt = (
        select(MeetingInvitee, Person)
        .join(Person, col(Person.id) == col(MeetingInvitee.person_id))
        .where(MeetingInvitee.meeting_id == meeting_id)
        .order_by(col(Person.name), col(Person.id))
    )
    return list((await session.exec(stmt)).all())


def _present(invitee: MeetingInvitee) -> bool:
    return invitee.attended if invitee.attended is not None else invitee.rsvp == Rsvp.YES.value


async def attendance_sheet(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int
) -> AttendanceSheet:
    """The invitees with a tick each: what was marked, else ✅ Hadir pre-ticked."""
    meeting = await access.load_managed(session, actor, meeting_id)
    access.ensure_begun(meeting, clock)
    lines = tuple(
        AttendanceLine(person.id or 0, person.name, invitee.rsvp, _present(invitee))
        for invitee, person in await _invitees(session, meeting_id)
    )
    return AttendanceSheet(meeting_id, lines, meeting.attendance_at is not None)


async def mark_attendance(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    person_id: int,
    present: bool,
) -> AttendanceSheet:
    """Tick or untick one invitee (the wanted state is in the button: a double tap is a no-op)."""
    await attendance_sheet(session, clock, actor, meeting_id)  # access and timing checks
    for invitee, _ in await _invitees(session, meeting_id):
        if invitee.person_id == person_id:
            invitee.attended = present
            session.add(invitee)
            await session.flush()
            return await attendance_sheet(session, clock, actor, meeting_id)
    raise InvalidInput(N_("Orang itu tidak ada dalam daftar undangan rapat ini."))


async def confirm_attendance(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    present: Iterable[int] | None = None,
) -> AttendanceSheet:
    """Fix the list: exactly `present` if given, else the ticks as they stand."""
    meeting = await access.load_managed(session, actor, meeting_id)
    access.ensure_begun(meeting, clock)
    wanted = set(present) if present is not None else None
    for invitee, _ in await _invitees(session, meeting_id):
        invitee.attended = _present(invitee) if wanted is None else invitee.person_id in wanted
        session.add(invitee)
    meeting.attendance_at = clock.now()
    session.add(meeting)
    await session.flush()
    sheet = await attendance_sheet(session, clock, actor, meeting_id)
    audit.record(session, clock, actor, "meeting.attendance", "meeting", meeting_id,
                 present=sheet.present)  # fmt: skip
    return sheet


async def add_minutes(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    kind: str,
    file_id: str,
    file_name: str | None = None,
    mime_type: str | None = None,
) -> int:
    """Keep one photo or PDF of the minutes; returns how many files the minutes now have."""
    meeting = await access.load_managed(session, actor, meeting_id)
    access.ensure_begun(meeting, clock)
    _check_file(kind, file_name, mime_type)
    existing = await minutes_files(session, meeting_id)
    if any(m.file_id == file_id for m in existing):
        return len(existing)  # the same update again
    if len(existing) >= MAX_MINUTES_FILES:
        raise InvalidInput(N_("Berita acara paling banyak {max} berkas."), max=MAX_MINUTES_FILES)
    session.add(
        MeetingMinutes(
            meeting_id=meeting_id, kind=kind, file_id=file_id[:200],
            file_name=(file_name or "")[:200] or None, added_by=actor.person_id,
            created_at=clock.now(),
        )
    )  # fmt: skip
    audit.record(session, clock, actor, "meeting.minutes", "meeting", meeting_id, kind=kind)
    return len(existing) + 1


async def remove_minutes(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, minutes_id: int
) -> int:
    """Drop one file of the minutes; returns how many remain."""
    await access.load_managed(session, actor, meeting_id)
    row = await session.get(MeetingMinutes, minutes_id)
    if row is not None and row.meeting_id == meeting_id:
        await session.delete(row)
        await session.flush()
        audit.record(session, clock, actor, "meeting.minutes_remove", "meeting", meeting_id)
    return len(await minutes_files(session, meeting_id))


async def minutes_files(session: AsyncSession, meeting_id: int) -> list[MeetingMinutes]:
    """The files of a meeting's minutes, in the order they were sent (callers check access)."""
    stmt = select(MeetingMinutes).where(MeetingMinutes.meeting_id == meeting_id)
    return list((await session.exec(stmt.order_by(col(MeetingMinutes.id)))).all())


def _check_file(kind: str, file_name: str | None, mime_type: str | None) -> None:
    if kind == "photo":
        return
    if kind != "document":
        raise InvalidInput(PHOTO_OR_PDF)
    if mime_type is not None:
        if mime_type.lower() != "application/pdf" and not mime_type.lower().startswith("image/"):
            raise InvalidInput(PHOTO_OR_PDF)
    elif file_name is not None and PurePath(file_name).suffix.lower() not in _SUFFIXES:
        raise InvalidInput(PHOTO_OR_PDF)
