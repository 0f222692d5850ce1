"""The meeting being composed: start or resume, answer a step, skip, go back, edit, discard.

```mermaid
stateDiagram-v2
    [*] --> jenis: start_or_resume
    jenis --> judul: answer_step
    judul --> waktu
    waktu --> durasi
    durasi --> tempat: answer_step / skip_step (two hours)
    tempat --> lokasi
    lokasi --> agenda: answer_step / skip_step (no pin)
    agenda --> peserta
    peserta --> ringkasan
    ringkasan --> ubah_X: edit_field(X), also X = pengingat
    ubah_X --> ringkasan: answer_step / skip_step / go_back
    ringkasan --> [*]: schedule.schedule (or discard_draft)
```

A draft is a `Meeting` in status `draf`; `Meeting.step` is where its form stands: a step name,
"ringkasan" (the summary) or "ubah:<step>" (editing from the summary). Every answer is stored
at once, so the organiser picks up exactly there after days or a restart. Each call names the
step it answers: a button from an older message finds the form elsewhere; the same answer again
is then a no-op, a different one raises StaleStep (re-ask `error.position`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit, permissions
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.meetings import access, audience, durations
from bot.domain.meetings.steps import (
    EDIT_PREFIX,
    FLOW,
    STEPS_BY_NAME,
    SUMMARY,
    Step,
    StepContext,
    StepKind,
    store_value,
    stored_value,
)
from bot.domain.meetings.steps import step as find_step
from bot.i18n import N_
from storage.meeting_models import Meeting, MeetingStatus
from storage.models import Bkm, Role

NOT_A_CALLER = N_("Maaf, hanya fasilitator atau koordinator BKM yang dapat mengundang rapat.")
PICK_KOTA = N_("Bapak/Ibu bertugas di beberapa kota. Mohon pilih kotanya.")


@dataclass(frozen=True)
class Position:
    """Where the form stands: the question to ask, or the summary (`step` None)."""

    step: Step | None
    editing: bool = False  # came from the summary and goes back there after the answer

    @property
    def name(self) -> str:
        """The step name, or "ringkasan" at the summary (for callback data)."""
        return self.step.name if self.step is not None else SUMMARY


class StaleStep(InvalidTransition):
    """An answer for a question the form has moved past (an old button); re-ask `position`."""

    default_message = N_("Pertanyaan itu sudah dijawab. Silakan lanjut di pertanyaan paling bawah.")

    def __init__(self, position: Position) -> None:
        super().__init__()
        self.position = position


def position(meeting: Meeting) -> Position:
    """Decode `meeting.step`."""
    if meeting.step.startswith(EDIT_PREFIX):
        return Position(STEPS_BY_NAME[meeting.step.removeprefix(EDIT_PREFIX)], editing=True)
    return Position(STEPS_BY_NAME.get(meeting.step))


async def organiser_kotas(session: AsyncSession, actor: Actor) -> set[int]:
    """The kotas `actor` may call meetings in: their fasilitator kotas and their BKMs' kotas."""
    kotas = set(actor.kota_ids(Role.FASILITATOR))
    if bkm_ids := actor.bkm_ids(Role.KOORDINATOR):
        stmt = select(Bkm.kota_id).where(col(Bkm.id).in_(bkm_ids))
        kotas.update((await session.exec(stmt)).all())
    return kotas


async def start_or_resume(
    session: AsyncSession, clock: Clock, actor: Actor, *, kota_id: int | None = None
) -> Meeting:
    """The organiser's open draft if there is one ("resume"), else a new draft in their kota."""
    if not permissions.may_call_meetings(actor) or actor.person_id is None:
        raise NotAllowed(NOT_A_CALLER)
    stmt = select(Meeting).where(
        Meeting.organiser_id == actor.person_id, Meeting.status == MeetingStatus.DRAFT.value
    )
    existing = (await session.exec(stmt)).first()
    if existing is not None:
        return existing
    kotas = await organiser_kotas(session, actor)
    if kota_id is None:
        if len(kotas) != 1:
            raise InvalidInput(PICK_KOTA)
        kota_id = next(iter(kotas))
    elif kota_id not in kotas and not actor.is_admin:
        raise NotAllowed(NOT_A_CALLER)
    meeting = Meeting(
        kota_id=kota_id, organiser_id=actor.person_id, status=MeetingStatus.DRAFT.value,
        step=FLOW[0], created_at=clock.now(), updated_at=clock.now(),
    )  # fmt: skip
    session.add(meeting)
    await session.flush()
    audit.record(session, clock, actor, "meeting.draft", "meeting", meeting.id)
    return meeting


async def load_draft(session: AsyncSession, actor: Actor, meeting_id: int) -> Meeting:
    """The organiser's own draft; read `position(it)` to know what to ask."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None or not permissions.holds(
        actor, permissions.Act.MEETING_DRAFT, kota_id=meeting.kota_id, owner_id=meeting.organiser_id
    ):
        raise NotFound(access.NOT_FOUND)
    if meeting.status != MeetingStatus.DRAFT.value:
        raise InvalidTransition(N_("Rapat ini sudah dijadwalkan. Silakan buka dari /rapat."))
    return meeting


async def context(session: AsyncSession, clock: Clock, meeting: Meeting) -> StepContext:
    """What the validators see: the meeting, now, and its kota's zone."""
    kota = await access.kota_of(session, meeting)
    return StepContext(meeting=meeting, now=clock.now(), timezone=kota.timezone)


async def answer_step(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, step: str, value: object
) -> Meeting:
    """Validate and store the answer to `step`, then move to the next question.

    `value` is the text typed, a choice code (kind, quick time, duration, audience, reminder
    preset), or a (latitude, longitude) pair for the pin.
    """
    meeting = await load_draft(session, actor, meeting_id)
    the_step = find_step(step)
    where = position(meeting)
    if where.step is None or where.step.name != the_step.name:
        if await _same_answer(session, clock, actor, meeting, the_step, value):
            return meeting
        raise StaleStep(where)
    await _store(session, clock, actor, meeting, the_step, value)
    _advance(clock, meeting, the_step, where)
    audit.record(session, clock, actor, "meeting.answer", "meeting", meeting.id, step=step)
    return meeting


async def _store(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting: Meeting,
    the_step: Step,
    value: object,
) -> None:
    if the_step.kind == StepKind.AUDIENCE:
        chosen = audience.parse_code(value)
        await audience.check(session, actor, meeting, chosen)
        audience.store(meeting, chosen)
        return
    assert the_step.validate is not None
    store_value(meeting, the_step, the_step.validate(value, await context(session, clock, meeting)))


async def _same_answer(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    meeting: Meeting,
    the_step: Step,
    value: object,
) -> bool:
    """True when `value` is what the step already holds (a repeated or double-tapped answer)."""
    held = stored_value(meeting, the_step)
    if held is None:
        return False
    try:
        if the_step.kind == StepKind.AUDIENCE:
            return audience.parse_code(value).code == audience.of_meeting(meeting).code  # type: ignore[union-attr]
        assert the_step.validate is not None
        clean = the_step.validate(value, await context(session, clock, meeting))
    except InvalidInput:
        return False
    return clean == held


def _advance(clock: Clock, meeting: Meeting, done: Step, where: Position) -> None:
    """Next: the summary after an edit, else the next step still without an answer."""
    if where.editing or done.name not in FLOW:
        meeting.step = SUMMARY
    else:
        later = FLOW[FLOW.index(done.name) + 1 :]
        unanswered = (n for n in later if stored_value(meeting, STEPS_BY_NAME[n]) is None)
        meeting.step = next(unanswered, SUMMARY)
    meeting.updated_at = clock.now()


async def skip_step(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, step: str
) -> Meeting:
    """ "Lewati" on an optional step: two hours for the duration, no pin, default reminders."""
    meeting = await load_draft(session, actor, meeting_id)
    where = position(meeting)
    if where.step is None or where.step.name != step:
        return meeting  # an old button: nothing to skip here any more
    if not where.step.optional:
        raise InvalidInput(N_("Bagian ini wajib diisi, jadi tidak dapat dilewati."))
    if where.step.name == "durasi" and meeting.duration_minutes is None:
        meeting.duration_minutes = durations.DEFAULT_DURATION
    _advance(clock, meeting, where.step, where)
    audit.record(session, clock, actor, "meeting.skip", "meeting", meeting.id, step=step)
    return meeting


async def go_back(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, step: str
) -> Meeting:
    """ "Kembali" pressed at `step`: the previous question (an edit returns to the summary)."""
    meeting = await load_draft(session, actor, meeting_id)
    where = position(meeting)
    if where.name != step:
        return meeting  # a second tap: already moved
    if where.editing:
        meeting.step = SUMMARY
    elif where.step is None:
        meeting.step = FLOW[-1]
    elif (index := FLOW.index(where.step.name)) > 0:
        meeting.step = FLOW[index - 1]
    meeting.updated_at = clock.now()
    return meeting


async def edit_field(
    session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int, *, step: str
) -> Meeting:
    """From the summary, ask `step` again; its answer leads back to the summary."""
    meeting = await load_draft(session, actor, meeting_id)
    the_step = find_step(step)
    where = position(meeting)
    if not (where.step is None or where.editing):
        raise StaleStep(where)
    meeting.step = EDIT_PREFIX + the_step.name
    meeting.updated_at = clock.now()
    return meeting


async def discard_draft(session: AsyncSession, clock: Clock, actor: Actor, meeting_id: int) -> None:
    """ "Batal": delete the draft (nothing was sent to anyone yet)."""
    meeting = await load_draft(session, actor, meeting_id)
    await session.delete(meeting)
    audit.record(session, clock, actor, "meeting.discard", "meeting", meeting_id)
