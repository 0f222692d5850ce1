"""Every message a proposal sends unprompted, each rendered in its recipient's own language.

All notification texts live here. The person who acted is not notified of their own action: the
chat answers them directly.
"""

from __future__ import annotations

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.actors import (
    Actor,
    committee,
    fasilitators,
    koordinators,
    people_with_grant,
    timezone_of,
)
from bot.domain.clock import Clock
from bot.domain.proposals import callbacks
from bot.domain.proposals import committee as decisions
from bot.domain.proposals.lifecycle import DECISIONS, ProposalStatus, status_label
from bot.i18n import N_, Translator
from bot.ui import Button, keyboard
from storage.committee_models import CommitteeDecision
from storage.models import (
    Bkm,
    Kota,
    Mitra,
    Person,
    Proposal,
    ProposalEvent,
    ProposalPartner,
    Role,
    RoleGrant,
)

S = ProposalStatus
_HINTS = {
    S.NEEDS_REVISION: N_("Mohon perbaiki usulan sesuai catatan, lalu ajukan ulang."),
    S.APPROVED: N_("Selamat! Terima kasih atas kerja sama Bapak/Ibu."),
    S.COMPLETED: N_("Terima kasih atas kerja keras seluruh warga dan BKM."),
}


async def _bkm_people(session: AsyncSession, actor: Actor, proposal: Proposal) -> list[Person]:
    """The author and every koordinator of the BKM, once each, without the actor."""
    people = await koordinators(session, proposal.bkm_id)
    if proposal.author_id is not None:
        people.insert(0, await session.get_one(Person, proposal.author_id))
    return _unique(people, actor)


def _unique(people: list[Person], actor: Actor) -> list[Person]:
    seen: set[int | None] = {actor.person_id}
    unique = []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            unique.append(person)
    return unique


async def _translator(session: AsyncSession, person: Person, kota: Kota) -> Translator:
    assert person.id is not None
    zone = await timezone_of(session, person.id, kota.timezone)
    return Translator(person.locale or "id", zone)


def _view_button(tr: Translator, code: str | None) -> tuple[tuple[Button, ...], ...]:
    return keyboard(Button(tr._("Lihat usulan"), data=callbacks.view(code or "")))


def _status_text(
    tr: Translator,
    proposal: Proposal,
    event: ProposalEvent,
    decided: tuple[CommitteeDecision, Kota] | None = None,
) -> str:
    lines: list[str] = [
        tr._(
            "Status usulan {code} “{judul}” sekarang: <b>{status}</b>.",
            code=proposal.code or "",
            judul=proposal.judul or "",
            status=tr._(status_label(event.to_status)),
        )
    ]
    if event.to_status == S.SUBMITTED and proposal.version > 1:
        lines.append(tr._("Ini versi ke-{version} dari usulan tersebut.", version=proposal.version))
    if event.amount is not None:
        lines.append(_amount_line(tr, proposal, event))
    if event.note and event.to_status in (S.REJECTED, S.WITHDRAWN):
        lines.append(tr._("Alasan: {note}", note=event.note))
    elif event.note:
        lines.append(tr._("Catatan: {note}", note=event.note))
    if decided is not None:
        lines.append(decisions.decided_line(tr, *decided))
    if hint := _HINTS.get(S(event.to_status)):
        lines.append(tr._(hint))
    return "\n".join(lines)


def _amount_line(tr: Translator, proposal: Proposal, event: ProposalEvent) -> str:
    assert event.amount is not None
    if event.to_status == S.APPROVED:
        return tr._("Jumlah yang disetujui: {amount}.", amount=tr.money(event.amount))
    return tr._(
        "Dana yang disalurkan kali ini: {amount} (seluruhnya {total} dari {approved}).",
        amount=tr.money(event.amount),
        total=tr.money(proposal.disbursed_amount),
        approved=tr.money(proposal.approved_amount or 0),
    )


async def status_changed(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal, event: ProposalEvent
) -> None:
    """Tell the author and the koordinators; the fasilitators and mitra when it concerns them.

    A committee decision is told to everyone concerned — the BKM, the fasilitators, the
    committee and every partner the proposal is channelled to — each naming the committee.
    """
    kota = await session.get_one(Kota, proposal.kota_id)
    decided = await _decision_of(session, proposal, event, kota)
    bkm_people = await _bkm_people(session, actor, proposal)
    for person in bkm_people:
        tr = await _translator(session, person, kota)
        outbox.enqueue(
            session, clock, person, kind="proposal.status",
            text=_status_text(tr, proposal, event, decided),
            buttons=_view_button(tr, proposal.code),
        )  # fmt: skip
    if event.to_status in (S.SUBMITTED, S.WITHDRAWN):
        await _tell_fasilitators(session, clock, actor, proposal, event, kota)
    if event.to_status == S.IN_REVIEW:
        await _tell_mitra(session, clock, actor, proposal, kota)
        await _tell_committee(session, clock, actor, proposal, kota)
    if decided is not None:
        told = {p.id for p in bkm_people}
        await _tell_decision(session, clock, actor, proposal, event, decided, told)


async def _decision_of(
    session: AsyncSession, proposal: Proposal, event: ProposalEvent, kota: Kota
) -> tuple[CommitteeDecision, Kota] | None:
    """The committee decision this status change records, if it is one."""
    if event.to_status not in DECISIONS or event.from_status == event.to_status:
        return None
    assert proposal.id is not None
    decision = await decisions.latest(session, proposal.id)
    return (decision, kota) if decision is not None else None


async def _partner_people(session: AsyncSession, proposal: Proposal) -> list[tuple[Person, Mitra]]:
    """The contact people of every mitra the proposal is channelled to, with their mitra."""
    stmt = (
        select(Person, Mitra)
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .join(ProposalPartner, col(ProposalPartner.mitra_id) == col(RoleGrant.mitra_id))
        .join(Mitra, col(Mitra.id) == col(ProposalPartner.mitra_id))
        .where(ProposalPartner.proposal_id == proposal.id, RoleGrant.role == Role.MITRA.value)
        .order_by(col(ProposalPartner.id), col(Person.id))
    )
    return [(person, mitra) for person, mitra in (await session.exec(stmt)).all()]


async def _tell_decision(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal: Proposal,
    event: ProposalEvent,
    decided: tuple[CommitteeDecision, Kota],
    told: set[int | None],
) -> None:
    """The fasilitators, the committee and the partners hear the committee's decision."""
    decision, kota = decided
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    people = [
        *await fasilitators(session, proposal.kota_id),
        *await committee(session, proposal.kota_id),
        *(person for person, _ in await _partner_people(session, proposal)),
    ]
    for person in _unique(people, actor):
        if person.id in told:
            continue
        tr = await _translator(session, person, kota)
        lines: list[str] = [
            tr._(
                "Keputusan {committee} untuk usulan {code} “{judul}” dari {bkm}: <b>{status}</b>.",
                committee=decisions.committee_name(tr, decision.committee, kota),
                code=proposal.code or "", judul=proposal.judul or "", bkm=bkm.name,
                status=tr._(status_label(event.to_status)),
            )
        ]  # fmt: skip
        if event.amount is not None:
            lines.append(_amount_line(tr, proposal, event))
        if event.note and event.to_status == S.REJECTED:
            lines.append(tr._("Alasan: {note}", note=event.note))
        elif event.note:
            lines.append(tr._("Catatan: {note}", note=event.note))
        lines.append(decisions.decided_line(tr, decision, kota))
        outbox.enqueue(
            session, clock, person, kind="proposal.decision", text="\n".join(lines),
            buttons=_view_button(tr, proposal.code),
        )  # fmt: skip


async def _tell_committee(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal, kota: Kota
) -> None:
    """Verified: the proposal now waits for the committee's decision."""
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    for person in _unique(await committee(session, proposal.kota_id), actor):
        tr = await _translator(session, person, kota)
        text = tr._(
            "Usulan {code} “{judul}” dari {bkm} sudah diverifikasi fasilitator dan menunggu "
            "keputusan rapat {committee}.",
            code=proposal.code or "", judul=proposal.judul or "", bkm=bkm.name,
            committee=decisions.committee_name(tr, kota.committee_label, kota),
        )  # fmt: skip
        outbox.enqueue(
            session, clock, person, kind="proposal.committee", text=text,
            buttons=_view_button(tr, proposal.code),
        )  # fmt: skip


async def _tell_fasilitators(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal: Proposal,
    event: ProposalEvent,
    kota: Kota,
) -> None:
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    for person in _unique(await fasilitators(session, proposal.kota_id), actor):
        tr = await _translator(session, person, kota)
        params = {"code": proposal.code or "", "judul": proposal.judul or "", "bkm": bkm.name}
        if event.to_status == S.WITHDRAWN:
            text: str = tr._("Usulan {code} “{judul}” dari {bkm} ditarik oleh BKM.", **params)
            if event.note:
                text += "\n" + tr._("Alasan: {note}", note=event.note)
        elif proposal.version > 1:
            text = tr._(
                "Usulan {code} “{judul}” dari {bkm} sudah diperbaiki dan diajukan ulang "
                "(versi ke-{version}). Mohon diperiksa kembali.",
                version=proposal.version,
                **params,
            )
        else:
            text = tr._(
                "Usulan baru {code} “{judul}” dari {bkm} menunggu pemeriksaan kelengkapan. "
                "Terima kasih.",
                **params,
            )
        outbox.enqueue(
            session, clock, person, kind="proposal.review", text=text,
            buttons=_view_button(tr, proposal.code),
        )  # fmt: skip


async def _tell_mitra(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal, kota: Kota
) -> None:
    """The proposal passed the completeness check: it is now channelled to its partners."""
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    partners = (
        await session.exec(
            select(ProposalPartner).where(ProposalPartner.proposal_id == proposal.id)
        )
    ).all()
    told: set[int | None] = {actor.person_id}
    for partner in partners:
        mitra = await session.get_one(Mitra, partner.mitra_id)
        people = await people_with_grant(
            session, (RoleGrant.role == Role.MITRA.value) & (RoleGrant.mitra_id == mitra.id)
        )
        for person in (p for p in people if p.id not in told):
            told.add(person.id)
            tr = await _translator(session, person, kota)
            text = tr._(
                "Usulan {code} “{judul}” dari {bkm} disalurkan kepada {mitra}. Mohon Bapak/Ibu "
                "memberi jawaban: rencana dukungan (dana, barang/jasa, atau anggaran tahun depan), "
                "atau belum dapat mendukung, dengan alasannya.",
                code=proposal.code or "", judul=proposal.judul or "", bkm=bkm.name,
                mitra=mitra.name,
            )  # fmt: skip
            outbox.enqueue(
                session, clock, person, kind="proposal.channel", text=text,
                buttons=_view_button(tr, proposal.code),
            )  # fmt: skip


async def draft_ready(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal
) -> None:
    """An anggota finished a draft: ask the koordinator(s) to review and submit it."""
    assert proposal.id is not None
    kota = await session.get_one(Kota, proposal.kota_id)
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    for person in _unique(await koordinators(session, proposal.bkm_id), actor):
        tr = await _translator(session, person, kota)
        text = tr._(
            "Draf usulan “{judul}” dari anggota {bkm} sudah siap. Silakan periksa, lalu ajukan "
            "bila sudah sesuai.",
            judul=proposal.judul or "",
            bkm=bkm.name,
        )
        buttons = keyboard(Button(tr._("Periksa draf"), data=callbacks.open_draft(proposal.id)))
        outbox.enqueue(session, clock, person, kind="proposal.ready", text=text, buttons=buttons)
