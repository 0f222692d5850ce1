"""A meeting's life after its form: schedule (confirm the summary), reschedule, cancel.

    draf ──schedule──▶ terjadwal ──cancel──▶ dibatalkan
                          │  ▲
                          └──┘ reschedule (until it begins)

Each use case takes (session, clock, actor, meeting_id, …), checks permissions itself, never
commits, and writes the audit row and every message (invitations, notices) into the same
transaction. `quiet_hours` is ChatSettings.quiet_hours; `default_offsets` is
ChatSettings.reminder_offsets (used when the organiser did not choose others).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition
from bot.domain.meetings import access, audience, dates, durations, form, notify, reminders
from bot.domain.meetings.steps import SUMMARY
from bot.domain.plain_text import refuse_nik
from bot.domain.quiet_hours import QuietHours
from bot.i18n import N_
from storage.meeting_models import Meeting, MeetingInvitee, MeetingStatus

NOT_COMPLETE = N_("Mohon lengkapi semua pertanyaan dulu, lalu periksa ringkasannya.")
REASON_TOO_LONG = N_("Alasan paling banyak {max} huruf.")
REASON_MAX = 500


async def schedule(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    default_offsets: Sequence[timedelta],
    quiet_hours: QuietHours,
) -> Meeting:
    """Confirm the summary: invite the audience, plan the reminders. A second call is a no-op."""
    existing = await session.get(Meeting, meeting_id)
    if (
        existing is not None
        and existing.status != MeetingStatus.DRAFT.value
        and existing.organiser_id == actor.person_id
    ):
        return existing  # the confirm button pressed twice
    meeting = await form.load_draft(session, actor, meeting_id)
    if meeting.step != SUMMARY or meeting.starts_at is None:
        raise InvalidTransition(NOT_COMPLETE)
    dates.check_when(meeting.starts_at, now=clock.now())
    chosen = audience.of_meeting(meeting)
    assert chosen is not None
    await audience.check(session, actor, meeting, chosen)
    for person in await audience.people(session, meeting):
        assert person.id is not None and meeting.id is not None
        session.add(
            MeetingInvitee(meeting_id=meeting.id, person_id=person.id, invited_at=clock.now())
        )
    if meeting.reminder_minutes is None:
        meeting.reminder_minutes = [int(o.total_seconds() // 60) for o in default_offsets]
    meeting.duration_minutes = meeting.duration_minutes or durations.DEFAULT_DURATION
    meeting.status, meeting.scheduled_at = MeetingStatus.SCHEDULED.value, clock.now()
    meeting.updated_at = clock.now()
    session.add(meeting)
    await session.flush()
    await reminders.create_for(session, clock, meeting, meeting.reminder_minutes)
    invited = await notify.invite_all(session, clock, meeting, quiet_hours=quiet_hours)
    audit.record(session, clock, actor, "meeting.schedule", "meeting", meeting.id, invited=invited)
    return meeting


async def reschedule(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    when: object,
    quiet_hours: QuietHours,
    duration: object | None = None,
) -> Meeting:
    """Move the meeting: everyone hears it once, reminders follow, RSVPs are kept.

    `when` is typed text or a quick-choice code, read in the meeting's kota zone; `duration`
    (optional) the same kinds of answer as the form's duration step.
    """
    meeting = await access.load_managed(session, actor, meeting_id)
    access.ensure_upcoming(meeting, clock)
    kota = await access.kota_of(session, meeting)
    new_start = dates.read_when(when, now=clock.now(), timezone=kota.timezone)
    minutes = durations.parse_duration(duration) if duration is not None else None
    if new_start == meeting.starts_at and minutes in (None, meeting.duration_minutes):
        return meeting  # nothing changes (a repeated request)
    old_start = meeting.starts_at
    assert old_start is not None
    meeting.starts_at, meeting.sequence = new_start, meeting.sequence + 1
    meeting.duration_minutes = minutes or meeting.duration_minutes
    meeting.updated_at = clock.now()
    session.add(meeting)
    await notify.drop_unsent(session, meeting_id)
    await reminders.follow_reschedule(session, clock, meeting)
    await notify.tell_rescheduled(
        session, clock, meeting, old_start=old_start, quiet_hours=quiet_hours
    )
    audit.record(
        session, clock, actor, "meeting.reschedule", "meeting", meeting.id,
        old=old_start.isoformat(), new=new_start.isoformat(),
    )  # fmt: skip
    return meeting


async def cancel(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting_id: int,
    *,
    quiet_hours: QuietHours,
    reason: str | None = None,
) -> Meeting:
    """Call the meeting off: unsent messages and reminders dropped, everyone told once."""
    meeting = await access.load_managed(session, actor, meeting_id)
    if meeting.status == MeetingStatus.CANCELLED.value:
        return meeting  # cancelled already (a double tap)
    access.ensure_upcoming(meeting, clock)
    note = " ".join((reason or "").split()) or None
    if note is not None and len(note) > REASON_MAX:
        raise InvalidInput(REASON_TOO_LONG, max=REASON_MAX)
    refuse_nik(note)
    meeting.status, meeting.cancelled_at = MeetingStatus.CANCELLED.value, clock.now()
    meeting.cancel_reason, meeting.updated_at = note, clock.now()
    session.add(meeting)
    await notify.drop_unsent(session, meeting_id)
    await reminders.cancel_for(session, meeting)
    await notify.tell_cancelled(session, clock, meeting, reason=note, quiet_hours=quiet_hours)
    audit.record(session, clock, actor, "meeting.cancel", "meeting", meeting.id)
    return meeting
