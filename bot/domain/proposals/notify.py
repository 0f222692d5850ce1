"""Every message a proposal sends unprompted, each rendered in its recipient's own language.

All notification texts live here. The person who acted is not notified of their own action: the
chat answers them directly.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.actors import Actor, fasilitators, koordinators, people_with_grant, timezone_of
from bot.domain.clock import Clock
from bot.domain.proposals import callbacks
from bot.domain.proposals.lifecycle import ProposalStatus, status_label
from bot.i18n import N_, Translator
from bot.ui import Button, keyboard
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


def _status_text(tr: Translator, proposal: Proposal, event: ProposalEvent) -> str:
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
    """Tell the author and the koordinators; the fasilitators and mitra when it concerns them."""
    kota = await session.get_one(Kota, proposal.kota_id)
    for person in await _bkm_people(session, actor, proposal):
        tr = await _translator(session, person, kota)
        outbox.enqueue(
            session, clock, person, kind="proposal.status",
            text=_status_text(tr, proposal, event), buttons=_view_button(tr, proposal.code),
        )  # fmt: skip
    if event.to_status in (S.SUBMITTED, S.WITHDRAWN):
        await _tell_fasilitators(session, clock, actor, proposal, event, kota)
    if event.to_status == S.IN_REVIEW:
        await _tell_mitra(session, clock, actor, proposal, kota)


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
                "memberi jawaban: dukungan dana, atau penolakan dengan alasannya.",
                code=proposal.code or "", judul=proposal.judul or "", bkm=bkm.name,
                mitra=mitra.name,
            )  # fmt: skip
            outbox.enqueue(
                session, clock, person, kind="proposal.channel", text=text,
                buttons=_view_button(tr, proposal.code),
            )  # fmt: skip


async def partner_answered(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal: Proposal,
    partner: ProposalPartner,
    mitra: Mitra,
) -> None:
    """Tell the author and the koordinators what one partner answered."""
    kota = await session.get_one(Kota, proposal.kota_id)
    for person in await _bkm_people(session, actor, proposal):
        tr = await _translator(session, person, kota)
        params = {"code": proposal.code or "", "judul": proposal.judul or "", "mitra": mitra.name}
        if partner.answer == "pledged":
            text: str = tr._(
                "{mitra} menyatakan dukungan sebesar {amount} untuk usulan {code} “{judul}”. "
                "Terima kasih.",
                amount=tr.money(partner.pledged_amount or 0),
                **params,
            )
        else:
            text = tr._("{mitra} belum dapat mendukung usulan {code} “{judul}”.", **params)
            text += "\n" + tr._("Alasan: {note}", note=partner.note or "")
        outbox.enqueue(
            session, clock, person, kind="proposal.partner", text=text,
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
