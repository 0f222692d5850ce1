"""Reading and writing the form's answers: plain fields, the map pin, partners, attachments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.errors import InvalidInput
from bot.domain.proposals.steps import KOMPONEN, STEPS, Step, StepContext, StepKind
from bot.i18n import N_
from storage.models import Mitra, MitraKind, Proposal, ProposalAttachment, ProposalPartner

PICK_FROM_LIST = N_("Mohon pilih mitra dari daftar yang tersedia.")


async def partners(session: AsyncSession, proposal_id: int) -> list[ProposalPartner]:
    """The partners the proposal is channelled to, in the order chosen."""
    stmt = (
        select(ProposalPartner)
        .where(ProposalPartner.proposal_id == proposal_id)
        .order_by(col(ProposalPartner.id))
    )
    return list((await session.exec(stmt)).all())


async def attachment_count(session: AsyncSession, proposal_id: int) -> int:
    """How many attachments the proposal has."""
    stmt = select(func.count()).where(ProposalAttachment.proposal_id == proposal_id)
    return (await session.exec(stmt)).one()


def stored_value(proposal: Proposal, step: Step) -> object:
    """What the proposal holds for a plain step (mitra and lampiran live in their own tables)."""
    if step.kind == StepKind.LOCATION:
        if proposal.latitude is None or proposal.longitude is None:
            return None
        return (proposal.latitude, proposal.longitude)
    return getattr(proposal, step.name)


def answered_fields(proposal: Proposal) -> set[str]:
    """The plain steps that hold an answer (a skipped money line holds 0: answered)."""
    return {
        s.name
        for s in STEPS
        if s.kind not in (StepKind.MULTI, StepKind.FILES) and stored_value(proposal, s) is not None
    }


# Built once: every form answer asks it.
_FILLED = select(
    select(ProposalPartner.id).where(ProposalPartner.proposal_id == bindparam("id")).exists(),
    select(ProposalAttachment.id).where(ProposalAttachment.proposal_id == bindparam("id")).exists(),
)


async def filled_lists(session: AsyncSession, proposal_id: int) -> set[str]:
    """ "mitra" and "lampiran" when the proposal has partners and attachments (one query)."""
    partner, attachment = (await session.exec(_FILLED, params={"id": proposal_id})).one()
    return {name for name, filled in (("mitra", partner), ("lampiran", attachment)) if filled}


async def answered_steps(session: AsyncSession, proposal: Proposal) -> set[str]:
    """Steps that hold an answer, plain or many-valued."""
    assert proposal.id is not None
    return answered_fields(proposal) | await filled_lists(session, proposal.id)


async def missing_steps(session: AsyncSession, proposal: Proposal) -> list[Step]:
    """Required steps still without an answer, in form order."""
    answered = await answered_steps(session, proposal)
    return [s for s in STEPS if not s.optional and s.name not in answered]


async def store(
    session: AsyncSession, proposal: Proposal, step: Step, value: object, ctx: StepContext
) -> None:
    """Validate `value` for `step` and store it; nothing invalid is ever stored."""
    if step.kind == StepKind.MULTI:
        await _store_partners(session, proposal, value)
        return
    if step.kind == StepKind.FILES:
        assert proposal.id is not None
        if not await attachment_count(session, proposal.id):
            raise InvalidInput(
                N_("Belum ada lampiran. Silakan kirim foto atau PDF, atau pilih Lewati.")
            )
        return
    assert step.validate is not None
    clean = step.validate(value, ctx)
    if step.kind == StepKind.LOCATION:
        proposal.latitude, proposal.longitude = clean  # type: ignore[misc]
        return
    setattr(proposal, step.name, clean)
    if step.name == "jenis" and proposal.komponen not in {c.code for c in KOMPONEN[str(clean)]}:
        proposal.komponen = None  # a new jenis needs a komponen of its own


async def same_answer(
    session: AsyncSession, proposal: Proposal, step: Step, value: object, ctx: StepContext
) -> bool:
    """True when `value` is what the step already holds (a repeated or double-tapped answer)."""
    assert proposal.id is not None
    if step.name not in await answered_steps(session, proposal):
        return False
    if step.kind in (StepKind.MULTI, StepKind.FILES) and value is None:
        return True
    if step.kind == StepKind.MULTI:
        current = {p.mitra_id for p in await partners(session, proposal.id)}
        return isinstance(value, Sequence) and {int(v) for v in value} == current
    assert step.validate is not None
    try:
        return step.validate(value, ctx) == stored_value(proposal, step)
    except InvalidInput:
        return False


async def _store_partners(session: AsyncSession, proposal: Proposal, value: object) -> None:
    """Confirm the selection (value None) or replace it with a list of mitra ids."""
    assert proposal.id is not None
    if value is not None:
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise InvalidInput(PICK_FROM_LIST)
        chosen = await mitra_in_kota(session, proposal, [int(v) for v in value])
        if sum(m.kind == MitraKind.DINAS.value for m in chosen) > 1:
            raise InvalidInput(N_("Mohon pilih paling banyak satu Dinas."))
        await replace_partners(session, proposal, {m.id for m in chosen if m.id is not None})
    if not await partners(session, proposal.id):
        raise InvalidInput(N_("Mohon pilih paling sedikit satu mitra."))


async def mitra_in_kota(session: AsyncSession, proposal: Proposal, ids: list[int]) -> list[Mitra]:
    """The mitra behind `ids`, all registered in the proposal's kota (else InvalidInput)."""
    if not ids:
        return []
    stmt = select(Mitra).where(col(Mitra.id).in_(ids), Mitra.kota_id == proposal.kota_id)
    found = list((await session.exec(stmt)).all())
    if len(found) != len(set(ids)):
        raise InvalidInput(PICK_FROM_LIST)
    return found


async def replace_partners(session: AsyncSession, proposal: Proposal, wanted: set[int]) -> None:
    """Make the channelled partners exactly `wanted`; a partner that already answered stays."""
    assert proposal.id is not None
    current = {p.mitra_id: p for p in await partners(session, proposal.id)}
    dropped = [p for m, p in current.items() if m not in wanted]
    if any(p.answer is not None for p in dropped):
        raise InvalidInput(N_("Mitra yang sudah memberi jawaban tidak dapat dihapus."))
    if dropped:
        await session.exec(  # type: ignore[call-overload]
            delete(ProposalPartner).where(col(ProposalPartner.id).in_([p.id for p in dropped]))
        )
    for mitra_id in sorted(wanted - set(current)):
        session.add(ProposalPartner(proposal_id=proposal.id, mitra_id=mitra_id))
    await session.flush()
