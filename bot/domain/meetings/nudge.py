"""Remind the invitees who have not answered yet, now, at the organiser's request.

Each silent invitee gets the reminder text with the RSVP buttons, in their language and zone
(quiet hours applied). Someone reminded this way within the last hour is not reminded again,
so a double tap or an impatient organiser does not flood anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit, outbox
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.meetings import access, notify
from bot.domain.meetings.invitations import reminder_text, rsvp_buttons
from bot.domain.quiet_hours import QuietHours
from storage.models import Outbox, OutboxStatus

NUDGE = "meeting.nudge"
AGAIN_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class NudgeResult:
    queued: int  # reminders queued now
    recently: int  # silent invitees already reminded within AGAIN_AFTER (left alone)


async def remind_unanswered(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, quiet_hours: QuietHours
) -> NudgeResult:
    """Queue one reminder with the RSVP buttons for each invitee who has not answered."""
    meeting = await access.load_managed(session, actor, meeting_id)
    access.ensure_upcoming(meeting, clock)
    info = await notify.info_of(session, meeting)
    recent = await _recently_reminded(session, clock, meeting_id)
    queued = recently = 0
    for r in await access.recipients(session, meeting):
        if r.invitee.rsvp is not None:
            continue
        if r.person.id in recent:
            recently += 1
            continue
        row = outbox.enqueue(
            session, clock, r.person, kind=NUDGE,
            text=reminder_text(r.tr, info, late=False, rsvp=None),
            buttons=rsvp_buttons(r.tr, info.id), topic=access.topic(meeting.id),
            not_before=notify.not_before(clock, r.tr, quiet_hours, meeting),
        )  # fmt: skip
        queued += row is not None
    audit.record(session, clock, actor, "meeting.nudge", "meeting", meeting_id, queued=queued)
    return NudgeResult(queued, recently)


async def _recently_reminded(session: AsyncSession, clock: Clock, meeting_id: int) -> set[int]:
    stmt = select(Outbox.person_id).where(
        Outbox.topic == access.topic(meeting_id),
        Outbox.kind == NUDGE,
        col(Outbox.created_at) > clock.now() - AGAIN_AFTER,
        col(Outbox.status) != OutboxStatus.DROPPED.value,  # dropped by a reschedule: not sent
    )
    return {p for p in (await session.exec(stmt)).all() if p is not None}
