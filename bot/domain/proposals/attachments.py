"""Progress photos (0 %, 50 %, 100 %) and the accountability report (LPJ) of a funded proposal.

The koordinator of the BKM or the kota's fasilitator attaches them once the money is approved;
they are kept as Telegram file ids (`proposal_progress_file`), shown on the proposal and sent
again by id. A proposal is marked finished only when every stage has at least one file (see
`completion`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.permissions import Act, holds
from bot.domain.proposals import access
from bot.domain.proposals.lifecycle import ProposalStatus, status_label
from bot.i18n import N_
from storage.models import Proposal
from storage.money_models import ProposalProgressFile

S = ProposalStatus
PHOTO_STAGES = ("foto_0", "foto_50", "foto_100")
LPJ = "lpj"
STAGES = (*PHOTO_STAGES, LPJ)
STAGE_LABELS = {
    "foto_0": N_("Foto kemajuan 0 %"),
    "foto_50": N_("Foto kemajuan 50 %"),
    "foto_100": N_("Foto kemajuan 100 %"),
    LPJ: N_("Laporan pertanggungjawaban (LPJ)"),
}
# From the decision until the end: a 0 % photo is taken before the first rupiah is spent.
OPEN_FOR_FILES = (S.APPROVED, S.DISBURSED, S.IN_PROGRESS)


@dataclass(frozen=True)
class ProgressFileView:
    id: int
    stage: str
    kind: str  # "photo" | "document"
    file_id: str
    file_name: str | None
    at: datetime | None


def may_attach(actor: Actor, proposal: Proposal) -> bool:
    """The BKM's koordinator or the kota's fasilitator (an admin too)."""
    return holds(actor, Act.PROPOSAL_ATTACH, kota_id=proposal.kota_id, bkm_id=proposal.bkm_id)


async def progress_files(session: AsyncSession, proposal_id: int) -> tuple[ProgressFileView, ...]:
    """Every progress file of a proposal, in the order of the stages, oldest first within one."""
    stmt = (
        select(ProposalProgressFile)
        .where(ProposalProgressFile.proposal_id == proposal_id)
        .order_by(col(ProposalProgressFile.id))
    )
    rows = [r for r in (await session.exec(stmt)).all() if r.id is not None]
    rows.sort(key=lambda r: STAGES.index(r.stage) if r.stage in STAGES else len(STAGES))
    return tuple(
        ProgressFileView(r.id or 0, r.stage, r.kind, r.file_id, r.file_name, r.at) for r in rows
    )


def missing_stages(files: tuple[ProgressFileView, ...]) -> tuple[str, ...]:
    """The stages that still have no file, in order."""
    have = {f.stage for f in files}
    return tuple(stage for stage in STAGES if stage not in have)


async def attach(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal_id: int,
    *,
    stage: str,
    file_id: str,
    kind: str,
    file_name: str | None = None,
) -> ProgressFileView:
    """Keep one progress photo or the LPJ; the same file for the same stage is kept once."""
    if stage not in STAGES:
        raise InvalidInput(N_("Mohon pilih jenis lampiran dari tombol yang tersedia."))
    if stage == LPJ and kind != "document":
        raise InvalidInput(N_("Mohon kirim LPJ sebagai berkas (dokumen PDF), bukan foto."))
    if kind not in ("photo", "document"):
        raise InvalidInput(N_("Mohon kirim foto atau berkas."))
    proposal = await access.load_visible(session, actor, proposal_id, for_update=True)
    if not may_attach(actor, proposal):
        raise NotAllowed(N_("Maaf, hanya koordinator BKM atau fasilitator yang dapat melampirkan "
                            "foto kemajuan dan LPJ."))  # fmt: skip
    if S(proposal.status) not in OPEN_FOR_FILES:
        raise InvalidTransition(
            N_("Maaf, foto kemajuan dan LPJ tidak dapat dilampirkan pada usulan berstatus "
               "{status}."),
            status=status_label(proposal.status),
        )  # fmt: skip
    for existing in await progress_files(session, proposal_id):
        if (existing.stage, existing.file_id) == (stage, file_id):
            return existing
    row = ProposalProgressFile(
        proposal_id=proposal_id, stage=stage, kind=kind, file_id=file_id[:200],
        file_name=(file_name or None) and file_name[:200], added_by=actor.person_id,
        added_by_label=actor.label, at=clock.now(),
    )  # fmt: skip
    session.add(row)
    await session.flush()
    audit.record(session, clock, actor, "proposal.progress_file", "proposal", proposal_id,
                 code=proposal.code, stage=stage, kind=kind, file_name=row.file_name)  # fmt: skip
    assert row.id is not None
    return ProgressFileView(row.id, stage, kind, row.file_id, row.file_name, row.at)
