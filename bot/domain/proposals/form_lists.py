"""The form's two many-valued steps: the partners it is channelled to, and its attachments."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.areas import list_mitra
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput
from bot.domain.proposals import access, form_store
from bot.domain.proposals.form import StaleStep, position
from bot.domain.proposals.steps import SOURCES_BY_CODE, chosen_sources
from bot.domain.proposals.validators import check_file
from bot.i18n import N_
from storage.models import MitraKind, Proposal, ProposalAttachment

MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class MitraOption:
    """One partner of the kota, for the multi-select buttons."""

    id: int
    name: str
    kind: str  # "dinas" | "kelompok_peduli"
    selected: bool


async def mitra_options(session: AsyncSession, actor: Actor, proposal_id: int) -> list[MitraOption]:
    """The partners registered in the proposal's kota (Dinas first), marking those chosen."""
    proposal = await access.load_editable(session, actor, proposal_id)
    assert proposal.id is not None
    chosen = {p.mitra_id for p in await form_store.partners(session, proposal.id)}
    return [
        MitraOption(m.id, m.name, m.kind, m.id in chosen)
        for m in await list_mitra(session, proposal.kota_id)
        if m.id is not None
    ]


async def select_mitra(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    mitra_id: int,
    selected: bool,
) -> Proposal:
    """(Un)select one partner at the mitra step; choosing a Dinas replaces the one chosen before.

    The wanted state is part of the button, so a double tap changes nothing.
    """
    proposal = await access.load_editable(session, actor, proposal_id)
    assert proposal.id is not None
    where = position(proposal)
    if where.step is None or where.step.name != "mitra":
        raise StaleStep(where)
    (mitra,) = await form_store.mitra_in_kota(session, proposal, [mitra_id])
    current = {p.mitra_id for p in await form_store.partners(session, proposal.id)}
    if not selected:
        wanted = current - {mitra_id}
    elif mitra.kind == MitraKind.DINAS.value:
        others = await form_store.mitra_in_kota(session, proposal, sorted(current))
        wanted = {m.id for m in others if m.kind != MitraKind.DINAS.value and m.id} | {mitra_id}
    else:
        wanted = current | {mitra_id}
    if wanted != current:
        await form_store.replace_partners(session, proposal, wanted)
        audit.record(
            session, clock, actor, "proposal.mitra", "proposal", proposal.id,
            mitra=mitra.name, selected=selected,
        )  # fmt: skip
    return proposal


async def tick_source(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    code: str,
    selected: bool,
) -> Proposal:
    """(Un)tick one funding source at the "sumber_dana" step; its amount is asked after Selesai.

    The wanted state is part of the button, so a double tap changes nothing.
    """
    proposal = await access.load_editable(session, actor, proposal_id)
    where = position(proposal)
    if where.step is None or where.step.name != "sumber_dana":
        raise StaleStep(where)
    if code not in SOURCES_BY_CODE:
        raise InvalidInput(N_("Mohon pilih sumber dana dengan tombol yang tersedia."))
    current = set(chosen_sources(proposal))
    wanted = current | {code} if selected else current - {code}
    if wanted != current:
        form_store.set_sources(proposal, wanted)
        proposal.updated_at = clock.now()
        session.add(proposal)
        audit.record(
            session, clock, actor, "proposal.source", "proposal", proposal.id,
            source=code, selected=selected,
        )  # fmt: skip
    return proposal


async def add_attachment(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    kind: str,
    file_id: str,
    file_name: str | None = None,
    mime_type: str | None = None,
) -> int:
    """Keep a photo or a PDF (by Telegram file id); returns how many the proposal now has."""
    proposal = await access.load_editable(session, actor, proposal_id)
    assert proposal.id is not None
    check_file(kind, file_name, mime_type)
    stmt = select(ProposalAttachment).where(ProposalAttachment.proposal_id == proposal.id)
    existing = list((await session.exec(stmt)).all())
    if any(a.file_id == file_id for a in existing):
        return len(existing)  # the same update again
    if len(existing) >= MAX_ATTACHMENTS:
        raise InvalidInput(N_("Lampiran paling banyak {max} berkas."), max=MAX_ATTACHMENTS)
    session.add(
        ProposalAttachment(
            proposal_id=proposal.id, kind=kind, file_id=file_id[:200],
            file_name=(file_name or "")[:200] or None, created_at=clock.now(),
        )
    )  # fmt: skip
    audit.record(session, clock, actor, "proposal.attach", "proposal", proposal.id, kind=kind)
    return len(existing) + 1


async def remove_attachment(
    session: AsyncSession, clock: Clock, actor: Actor, proposal_id: int, *, attachment_id: int
) -> int:
    """Drop one attachment from an editable proposal; returns how many remain."""
    proposal = await access.load_editable(session, actor, proposal_id)
    row = await session.get(ProposalAttachment, attachment_id)
    if row is not None and row.proposal_id == proposal.id:
        await session.delete(row)
        await session.flush()
        audit.record(session, clock, actor, "proposal.detach", "proposal", proposal.id)
    stmt = select(col(ProposalAttachment.id)).where(ProposalAttachment.proposal_id == proposal.id)
    return len((await session.exec(stmt)).all())
