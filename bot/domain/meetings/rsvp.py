"""An invitee's answer to an invitation: ✅ Hadir or ❌ Berhalangan, changeable until it begins."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidTransition, NotFound
from bot.domain.meetings import access
from bot.i18n import N_
from storage.meeting_models import Meeting, MeetingInvitee, MeetingStatus, Rsvp

TOO_LATE = N_("Rapat ini sudah dimulai, jadi jawaban kehadiran tidak dapat diubah lagi.")


@dataclass(frozen=True)
class RsvpResult:
    meeting_id: int
    title: str
    rsvp: Rsvp
    changed: bool  # False: the same answer again (a double tap)


async def answer(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, attending: bool
) -> RsvpResult:
    """Record the invitee's answer; refused for a cancelled meeting or one that has begun."""
    meeting = await session.get(Meeting, meeting_id)
    stmt = select(MeetingInvitee).where(
        MeetingInvitee.meeting_id == meeting_id, MeetingInvitee.person_id == actor.person_id
    )
    invitee = (await session.exec(stmt)).first()
    if meeting is None or invitee is None:
        raise NotFound(access.NOT_FOUND)
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise InvalidTransition(access.CANCELLED)
    if meeting.starts_at is None or meeting.starts_at <= clock.now():
        raise InvalidTransition(TOO_LATE)
    value = Rsvp.YES if attending else Rsvp.NO
    changed = invitee.rsvp != value.value
    if changed:
        invitee.rsvp, invitee.rsvp_at = value.value, clock.now()
        session.add(invitee)
        audit.record(session, clock, actor, "meeting.rsvp", "meeting", meeting_id, rsvp=value)
    return RsvpResult(meeting_id, meeting.title or "", value, changed)
