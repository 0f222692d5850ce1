"""The messages money after the decision sends unprompted, each in its recipient's language.

A partner's answer goes to the BKM and to the fasilitators (who follow every answer); a
corrected tranche to the BKM; the end of the answering window to every partner's people.
"""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import outbox
from bot.domain.actors import Actor, fasilitators, people_with_grant
from bot.domain.clock import Clock
from bot.domain.proposals.lifecycle import status_label
from bot.domain.proposals.notify import _bkm_people, _translator, _unique, _view_button
from bot.i18n import Translator
from storage.models import Bkm, Kota, Mitra, Person, Proposal, ProposalPartner, Role, RoleGrant


def plan_text(
    tr: Translator, kind: str | None, amount: int | None, description: str | None, year: int | None
) -> str:
    """A support plan in a few words: "dana tunai Rp5.000.000", "barang/jasa: 20 sak semen"."""
    if kind == "in_kind":
        text = tr._("barang/jasa: {description}", description=description or "-")
        if amount:
            text = tr._("{text} (perkiraan nilai {amount})", text=text, amount=tr.money(amount))
        return text
    if kind == "next_budget":
        return tr._("{amount} dari anggaran tahun {year}", amount=tr.money(amount or 0),
                    year=str(year or "-"))  # fmt: skip
    return tr._("dana tunai {amount}", amount=tr.money(amount or 0))


async def partner_answered(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal: Proposal,
    partner: ProposalPartner,
    mitra: Mitra,
) -> None:
    """Tell the author, the koordinators and the kota's fasilitators what one partner answered."""
    kota = await session.get_one(Kota, proposal.kota_id)
    bkm = await session.get_one(Bkm, proposal.bkm_id)
    people = _unique(
        [*await _bkm_people(session, actor, proposal), *await fasilitators(session, kota.id or 0)],
        actor,
    )
    for person in people:
        tr = await _translator(session, person, kota)
        params = {"code": proposal.code or "", "judul": proposal.judul or "", "mitra": mitra.name,
                  "bkm": bkm.name}  # fmt: skip
        if partner.answer == "pledged":
            text: str = tr._(
                "{mitra} menyampaikan rencana dukungan untuk usulan {code} “{judul}” ({bkm}): "
                "{plan}. Ini rencana, belum dana yang pasti diterima.",
                plan=plan_text(tr, partner.plan_kind, partner.pledged_amount,
                               partner.plan_description, partner.plan_year),
                **params,
            )  # fmt: skip
        else:
            text = tr._("{mitra} belum dapat mendukung usulan {code} “{judul}” ({bkm}).", **params)
            text += "\n" + tr._("Alasan: {note}", note=partner.note or "")
        outbox.enqueue(
            session, clock, person, kind="proposal.partner", text=text,
            buttons=_view_button(tr, proposal.code),
        )  # fmt: skip


async def tranche_corrected(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal: Proposal,
    *,
    tranche: int,
    old: int,
    new: int,
    reason: str,
) -> None:
    """Tell the BKM (and the other fasilitators) that a recorded tranche was corrected, and why."""
    kota = await session.get_one(Kota, proposal.kota_id)
    people = _unique(
        [*await _bkm_people(session, actor, proposal), *await fasilitators(session, kota.id or 0)],
        actor,
    )
    for person in people:
        tr = await _translator(session, person, kota)
        text = tr._(
            "Pencairan dana tahap {n} untuk usulan {code} “{judul}” dikoreksi: {old} menjadi {new}. "
            "Seluruhnya sudah dicairkan {total} dari {approved}.\nAlasan: {reason}",
            n=tranche, code=proposal.code or "", judul=proposal.judul or "",
            old=tr.money(old), new=tr.money(new), total=tr.money(proposal.disbursed_amount),
            approved=tr.money(proposal.approved_amount or 0), reason=reason,
        )  # fmt: skip
        outbox.enqueue(
            session, clock, person, kind="proposal.correction", text=text,
            buttons=_view_button(tr, proposal.code),
        )  # fmt: skip


async def answers_closed(
    session: AsyncSession, clock: Clock, actor: Actor, proposal: Proposal
) -> None:
    """The proposal reached an end (finished, not approved, withdrawn): partners may not answer."""
    kota = await session.get_one(Kota, proposal.kota_id)
    partners = (
        await session.exec(
            select(ProposalPartner).where(ProposalPartner.proposal_id == proposal.id)
        )
    ).all()
    told: list[Person] = []
    for partner in partners:
        mitra = await session.get_one(Mitra, partner.mitra_id)
        people = await people_with_grant(
            session, (RoleGrant.role == Role.MITRA.value) & (RoleGrant.mitra_id == mitra.id)
        )
        for person in _unique(people, actor):
            if any(person.id == seen.id for seen in told):
                continue
            told.append(person)
            tr = await _translator(session, person, kota)
            text = tr._(
                "Usulan {code} “{judul}” sekarang berstatus {status}. Jawaban {mitra} untuk usulan "
                "ini sudah ditutup; terima kasih atas perhatian Bapak/Ibu.",
                code=proposal.code or "", judul=proposal.judul or "",
                status=status_label(proposal.status), mitra=mitra.name,
            )  # fmt: skip
            outbox.enqueue(
                session, clock, person, kind="proposal.closed", text=text,
                buttons=_view_button(tr, proposal.code),
            )  # fmt: skip
