"""Plain views of a proposal for the chat layer: a list line, and everything about one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as select_rows  # sqlmodel's select takes four columns at most
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.proposals import access
from bot.domain.proposals import committee as decisions
from bot.domain.proposals.attachments import ProgressFileView, may_attach, progress_files
from bot.domain.proposals.disbursement import TrancheView, ledger, tranches
from bot.domain.proposals.form import position
from bot.domain.proposals.lifecycle import (
    EDITABLE,
    Action,
    ProposalStatus,
    allowed_actions,
    is_fasilitator_of,
    status_label,
)
from bot.domain.proposals.steps import (
    FUNDING_FIELDS,
    STEPS_BY_NAME,
    choice_label,
    funding_gap,
    label_of,
)
from storage.committee_models import CommitteeDecision
from storage.models import (
    Bkm,
    Kelurahan,
    Kota,
    Mitra,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalPartner,
)
from storage.money_models import Disbursement, ProposalProgressFile


@dataclass(frozen=True)
class ProposalSummary:
    """One line of a list: code, title and plain status."""

    id: int
    code: str | None
    judul: str | None
    status: ProposalStatus
    status_label: str  # msgid
    bkm_name: str
    version: int
    submitted_at: datetime | None


@dataclass(frozen=True)
class FundingLine:
    field: str
    label: str  # msgid
    amount: int | None


@dataclass(frozen=True)
class PartnerView:
    mitra_id: int
    name: str
    kind: str
    answer: str | None  # None (waiting) | "pledged" | "declined"
    pledged_amount: int | None
    note: str | None
    answered_at: datetime | None
    plan_kind: str | None = None  # "cash" | "in_kind" | "next_budget" when pledged
    plan_description: str | None = None
    plan_year: int | None = None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime | None
    # "created" | "status" | "tranche" | "partner" | "plan_cash" | "plan_in_kind" |
    # "plan_next_budget" | "decline" | "correction"
    kind: str
    from_status: str | None
    to_status: str
    status_label: str  # msgid of `to_status`
    version: int
    actor_label: str  # role:organisation, never a person's name
    note: str | None
    amount: int | None
    # A committee decision's line: the committee's label and the meeting's date.
    committee: str | None = None
    meeting_date: date | None = None


@dataclass(frozen=True)
class DecisionView:
    """The committee's latest decision: what, how much, why, and in which meeting."""

    outcome: ProposalStatus
    status_label: str  # msgid
    amount: int | None
    note: str | None
    committee: str  # the committee's label ("Panitia Kemitraan")
    meeting_date: date
    meeting: decisions.MeetingRef | None


@dataclass(frozen=True)
class AttachmentView:
    id: int
    kind: str
    file_id: str
    file_name: str | None


@dataclass(frozen=True)
class ProposalView:
    """Everything about one proposal that the viewer may see, and what they may do now."""

    id: int
    code: str | None
    status: ProposalStatus
    status_label: str
    version: int
    step: str  # where the form stands (drafts and revisions)
    bkm_name: str
    kota_name: str
    kelurahan_name: str
    timezone: str
    judul: str | None
    jenis: str | None
    jenis_label: str | None
    komponen: str | None
    komponen_label: str | None
    uraian: str | None
    rw: str | None
    rt: str | None
    latitude: float | None
    longitude: float | None
    kk: int | None
    kk_miskin: int | None
    perempuan: int | None  # jiwa perempuan: women, counted in people
    anggaran_total: int | None
    funding: tuple[FundingLine, ...]
    funding_gap: int
    swadaya_hok: int | None
    jadwal_mulai: date | None
    jadwal_selesai: date | None
    ksm_pelaksana: str | None
    approved_amount: int | None
    disbursed_amount: int
    submitted_at: datetime | None
    partners: tuple[PartnerView, ...]
    timeline: tuple[TimelineEntry, ...]
    attachments: tuple[AttachmentView, ...]
    actions: tuple[Action, ...]
    editable: bool
    decision: DecisionView | None = None
    kota_kind: str = "kota"
    tranches: tuple[TrancheView, ...] = ()
    progress_files: tuple[ProgressFileView, ...] = ()
    may_attach: bool = False  # progress photos and LPJ (koordinator, fasilitator)
    may_correct: bool = False  # a recorded tranche (fasilitator)
    # What a real usulan holds besides the above (migration 0010).
    jiwa: int | None = None
    komponen_lain: str | None = None
    volume: str | None = None
    status_lahan_label: str | None = None  # msgid
    rencana_label: str | None = None  # msgid: PJM Pronangkis / Renta / not in the plan
    rencana_program: str | None = None
    pemeliharaan_label: str | None = None  # msgid
    lurah_tanggal: date | None = None
    lurah_file_id: str | None = None
    berita_acara_file_id: str | None = None


# What a list line reads of a proposal, in this order, then the name of its BKM.
SUMMARY_COLUMNS = (
    col(Proposal.id), col(Proposal.code), col(Proposal.judul), col(Proposal.status),
    col(Proposal.version), col(Proposal.submitted_at),
)  # fmt: skip


def summary_of_row(row: Sequence[Any]) -> ProposalSummary:
    """The list line of a proposal from its SUMMARY_COLUMNS and its BKM's name."""
    id_, code, judul, status, version, submitted_at, bkm_name = row
    return ProposalSummary(
        id=id_, code=code, judul=judul, status=ProposalStatus(status),
        status_label=status_label(status), bkm_name=bkm_name, version=version,
        submitted_at=submitted_at,
    )  # fmt: skip


def event_kind(event: ProposalEvent) -> str:
    """Tell the kinds of timeline lines apart (see the report: a `kind` column would be clearer)."""
    if event.from_status is None:
        return "created"
    if event.kind:
        return event.kind
    if event.from_status == event.to_status and event.actor_label.startswith("mitra:"):
        return "partner"
    disbursing = event.to_status == ProposalStatus.DISBURSED.value or (
        event.from_status == event.to_status == ProposalStatus.IN_PROGRESS.value
    )
    return "tranche" if disbursing and event.amount is not None else "status"


# Which of a proposal's lists hold anything, in one query. Most are empty for most of a
# proposal's life (no tranche before the committee decides, no progress file before the work),
# and reading each was a statement, a round trip on PostgreSQL, every time a proposal is opened.
_HELD_LISTS = select_rows(*(
    select(model.id).where(model.proposal_id == bindparam("id")).exists()  # type: ignore[attr-defined]
    for model in (
        ProposalPartner, ProposalAttachment, CommitteeDecision, Disbursement, ProposalProgressFile
    )
))  # fmt: skip


async def build_view(session: AsyncSession, actor: Actor, proposal: Proposal) -> ProposalView:
    """The view of a proposal the caller has already checked `actor` may see."""
    assert proposal.id is not None
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    kota = await session.get_one(Kota, proposal.kota_id)
    kelurahan = await session.get_one(Kelurahan, bkm.kelurahan_id)
    held = await session.exec(_HELD_LISTS, params={"id": proposal.id})  # type: ignore[call-overload]
    any_partner, any_attachment, any_decision, any_tranche, any_file = held.one()
    decided = await decisions.all_of(session, proposal.id) if any_decision else []
    return ProposalView(
        id=proposal.id, code=proposal.code, status=ProposalStatus(proposal.status),
        status_label=status_label(proposal.status), version=proposal.version,
        step=position(proposal).name, bkm_name=bkm.name, kota_name=kota.name,
        kelurahan_name=kelurahan.name, timezone=kota.timezone,
        judul=proposal.judul, jenis=proposal.jenis,
        jenis_label=choice_label("jenis", proposal.jenis), komponen=proposal.komponen,
        komponen_label=choice_label("komponen", proposal.komponen), uraian=proposal.uraian,
        rw=proposal.rw, rt=proposal.rt, latitude=proposal.latitude,
        longitude=proposal.longitude, kk=proposal.kk, kk_miskin=proposal.kk_miskin,
        perempuan=proposal.perempuan, anggaran_total=proposal.anggaran_total,
        funding=tuple(
            FundingLine(f, label_of(STEPS_BY_NAME[f], kota.kind), getattr(proposal, f))
            for f in FUNDING_FIELDS
        ),
        funding_gap=funding_gap(proposal), swadaya_hok=proposal.swadaya_hok,
        jadwal_mulai=proposal.jadwal_mulai, jadwal_selesai=proposal.jadwal_selesai,
        ksm_pelaksana=proposal.ksm_pelaksana, approved_amount=proposal.approved_amount,
        disbursed_amount=proposal.disbursed_amount, submitted_at=proposal.submitted_at,
        partners=await _partners(session, proposal.id) if any_partner else (),
        timeline=await _timeline(session, proposal.id, decided),
        attachments=await _attachments(session, proposal.id) if any_attachment else (),
        actions=allowed_actions(proposal, actor),
        tranches=tranches(await ledger(session, proposal.id)) if any_tranche else (),
        progress_files=await progress_files(session, proposal.id) if any_file else (),
        may_attach=may_attach(actor, proposal), may_correct=is_fasilitator_of(actor, proposal),
        editable=ProposalStatus(proposal.status) in EDITABLE and access.may_edit(actor, proposal),
        decision=await _decision(session, decided[-1] if decided else None), kota_kind=decisions.kind_of(kota),
        jiwa=proposal.jiwa, komponen_lain=proposal.komponen_lain, volume=proposal.volume,
        status_lahan_label=choice_label("status_lahan", proposal.status_lahan),
        rencana_label=choice_label("rencana", proposal.rencana),
        rencana_program=proposal.rencana_program,
        pemeliharaan_label=choice_label("pemeliharaan", proposal.pemeliharaan),
        lurah_tanggal=proposal.lurah_tanggal, lurah_file_id=proposal.lurah_file_id,
        berita_acara_file_id=proposal.berita_acara_file_id,
    )  # fmt: skip


async def _decision(session: AsyncSession, row: CommitteeDecision | None) -> DecisionView | None:
    if row is None:
        return None
    return DecisionView(
        outcome=ProposalStatus(row.outcome), status_label=status_label(row.outcome),
        amount=row.amount, note=row.note, committee=row.committee,
        meeting_date=row.meeting_date, meeting=await decisions.meeting_ref(session, row),
    )  # fmt: skip


async def _partners(session: AsyncSession, proposal_id: int) -> tuple[PartnerView, ...]:
    """The partners in the order chosen, each with its mitra (one query, not one per partner)."""
    stmt = (
        select(ProposalPartner, Mitra)
        .join(Mitra, col(Mitra.id) == col(ProposalPartner.mitra_id))
        .where(ProposalPartner.proposal_id == proposal_id)
        .order_by(col(ProposalPartner.id))
    )
    return tuple(
        PartnerView(
            mitra_id=row.mitra_id, name=mitra.name, kind=mitra.kind, answer=row.answer,
            pledged_amount=row.pledged_amount, note=row.note, answered_at=row.answered_at,
            plan_kind=row.plan_kind, plan_description=row.plan_description,
            plan_year=row.plan_year,
        )
        for row, mitra in (await session.exec(stmt)).all()
    )  # fmt: skip


async def _timeline(
    session: AsyncSession, proposal_id: int, decisions_made: list[CommitteeDecision]
) -> tuple[TimelineEntry, ...]:
    stmt = (
        select(ProposalEvent)
        .where(ProposalEvent.proposal_id == proposal_id)
        .order_by(col(ProposalEvent.id))
    )
    decided = {d.event_id: d for d in decisions_made if d.event_id is not None}
    return tuple(
        TimelineEntry(
            at=e.at, kind=event_kind(e), from_status=e.from_status, to_status=e.to_status,
            status_label=status_label(e.to_status), version=e.version,
            actor_label=e.actor_label, note=e.note, amount=e.amount,
            committee=decided[e.id].committee if e.id in decided else None,
            meeting_date=decided[e.id].meeting_date if e.id in decided else None,
        )
        for e in (await session.exec(stmt)).all()
    )  # fmt: skip


async def _attachments(session: AsyncSession, proposal_id: int) -> tuple[AttachmentView, ...]:
    stmt = (
        select(ProposalAttachment)
        .where(ProposalAttachment.proposal_id == proposal_id)
        .order_by(col(ProposalAttachment.id))
    )
    return tuple(
        AttachmentView(a.id, a.kind, a.file_id, a.file_name)
        for a in (await session.exec(stmt)).all()
        if a.id is not None
    )
