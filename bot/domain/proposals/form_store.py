"""Reading and writing the form's answers: plain fields, the map pin, partners, attachments."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, delete
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.areas import apbd_label
from bot.domain.errors import InvalidInput
from bot.domain.proposals.steps import (
    APBD_KOTA,
    FUNDING,
    KOMPONEN,
    LIST_STEPS,
    STEPS,
    Step,
    StepContext,
    StepKind,
    applies,
    chosen_sources,
    clear_inapplicable,
)
from bot.domain.proposals.validators import FileRef
from bot.i18n import N_, Msgid
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
    if step.kind == StepKind.TICKS:
        return tuple(chosen_sources(proposal)) or None
    if step.kind == StepKind.FILE:
        return _file(proposal.berita_acara_kind, proposal.berita_acara_file_id)
    if step.kind == StepKind.DATE_OR_FILE:
        return proposal.lurah_tanggal or _file(proposal.lurah_file_kind, proposal.lurah_file_id)
    return getattr(proposal, step.name)


def _file(kind: str | None, file_id: str | None) -> FileRef | None:
    return FileRef(kind, file_id) if kind and file_id else None


def answered_fields(proposal: Proposal) -> set[str]:
    """The plain steps that hold an answer (a skipped HOK holds 0: answered)."""
    return {
        s.name for s in STEPS if s.kind not in LIST_STEPS and stored_value(proposal, s) is not None
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
    return [s for s in STEPS if not s.optional and s.name not in answered and applies(s, proposal)]


async def store(
    session: AsyncSession, proposal: Proposal, step: Step, value: object, ctx: StepContext
) -> None:
    """Validate `value` for `step` and store it; nothing invalid is ever stored."""
    if step.kind == StepKind.MULTI:
        await _store_partners(session, proposal, value, ctx)
        return
    if step.kind == StepKind.TICKS:
        _store_sources(proposal, value)
        clear_inapplicable(proposal)
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
    if step.kind == StepKind.FILE:
        assert isinstance(clean, FileRef)
        proposal.berita_acara_kind, proposal.berita_acara_file_id = clean.kind, clean.file_id[:200]
        return
    if step.kind == StepKind.DATE_OR_FILE:
        is_file = isinstance(clean, FileRef)
        proposal.lurah_tanggal = None if is_file else clean  # type: ignore[assignment]
        proposal.lurah_file_kind = clean.kind if isinstance(clean, FileRef) else None
        proposal.lurah_file_id = clean.file_id[:200] if isinstance(clean, FileRef) else None
        return
    setattr(proposal, step.name, clean)
    if step.name == "jenis" and proposal.komponen not in {c.code for c in KOMPONEN[str(clean)]}:
        proposal.komponen = None  # a new jenis needs a komponen of its own
    clear_inapplicable(proposal)


def _store_sources(proposal: Proposal, value: object) -> None:
    """Confirm the ticked sources (value None) or replace them with a list of codes."""
    if value is not None:
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise InvalidInput(N_("Mohon pilih sumber dana dengan tombol yang tersedia."))
        codes = {str(code) for code in value}
        if codes:  # nothing is stored from a refused answer
            set_sources(proposal, codes)
    if value == [] or not chosen_sources(proposal):
        raise InvalidInput(N_("Mohon centang paling sedikit satu sumber dana."))


def set_sources(proposal: Proposal, codes: set[str]) -> None:
    """Store exactly `codes` as the chosen sources (unknown codes refused), in form order."""
    known = {s.code for s in FUNDING}
    if not codes <= known:
        raise InvalidInput(N_("Mohon pilih sumber dana dengan tombol yang tersedia."))
    proposal.sumber_dana = ",".join(s.code for s in FUNDING if s.code in codes) or None


async def needs_dinas(session: AsyncSession, proposal: Proposal) -> bool:
    """An APBD kota/kabupaten line is planned but no Dinas is among the partners."""
    assert proposal.id is not None
    if APBD_KOTA not in chosen_sources(proposal):
        return False
    chosen = [p.mitra_id for p in await partners(session, proposal.id)]
    found = await mitra_in_kota(session, proposal, chosen)
    return not any(m.kind == MitraKind.DINAS.value for m in found)


def dinas_needed(kota_kind: str) -> InvalidInput:
    """Why partners without a Dinas do not do for APBD money (in the area's own words)."""
    return InvalidInput(
        N_("Dana {apbd} hanya dapat diusulkan lewat Dinas. Mohon pilih satu Dinas di antara "
           "mitra, atau hapus {apbd} dari sumber dana."),
        apbd=Msgid(apbd_label(kota_kind)),
    )  # fmt: skip


async def same_answer(
    session: AsyncSession, proposal: Proposal, step: Step, value: object, ctx: StepContext
) -> bool:
    """True when `value` is what the step already holds (a repeated or double-tapped answer)."""
    assert proposal.id is not None
    if step.name not in await answered_steps(session, proposal):
        return False
    if step.kind in (*LIST_STEPS, StepKind.TICKS) and value is None:
        return True
    if step.kind == StepKind.TICKS:
        if not isinstance(value, Sequence) or isinstance(value, str):
            return False
        return {str(c) for c in value} == set(chosen_sources(proposal))
    if step.kind == StepKind.MULTI:
        current = {p.mitra_id for p in await partners(session, proposal.id)}
        return isinstance(value, Sequence) and {int(v) for v in value} == current
    assert step.validate is not None
    try:
        return step.validate(value, ctx) == stored_value(proposal, step)
    except InvalidInput:
        return False


async def _store_partners(
    session: AsyncSession, proposal: Proposal, value: object, ctx: StepContext
) -> None:
    """Confirm the selection (value None) or replace it with a list of mitra ids.

    An APBD kota/kabupaten line is checked here, where the partners are chosen: that money
    comes through a Dinas, so one must be among them.
    """
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
    if await needs_dinas(session, proposal):
        raise dinas_needed(ctx.kota_kind)


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
