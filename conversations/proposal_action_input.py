"""What an action needs typed: a note or an amount (dialog "review"), then the action itself.

The buttons that lead here are in `proposal_actions`. Each question remembers which proposal
and action it is about; invalid input says why in one line and the question stays open; /batal
or Batal leaves it; moving to another list or proposal drops it, so a later message is never
taken for a note meant for something else.
"""

from __future__ import annotations

from typing import Any

from bot.domain.actors import Actor
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.money import parse_rupiah
from bot.domain.proposals import callbacks, partners, queries, review, submit
from bot.domain.proposals.events import Outcome
from bot.domain.proposals.lifecycle import Action
from bot.domain.proposals.views import ProposalView
from bot.i18n import N_
from bot.ui import Button, keyboard
from conversations import proposal_views as pv
from conversations.context import Context
from conversations.errors import reply_error
from storage.models import Proposal, Role

REVIEW_FLOW = "review"
NOTE, AMOUNT = "note", "amount"  # dialog steps
PLEDGE, DECLINE = "pledge", "decline"  # a mitra's answers (not life-cycle actions)

NOTE_OPTIONAL = {Action.WAITLIST.value, Action.WITHDRAW.value}
ASKS_AMOUNT = {Action.APPROVE.value, Action.DISBURSE.value, PLEDGE}

PROMPTS = {
    Action.REVISE.value: N_(
        "Apa yang perlu diperbaiki pada usulan {code}? Mohon tulis catatan untuk BKM."
    ),
    Action.REJECT.value: N_(
        "Mohon tulis alasan usulan {code} belum dapat disetujui. Alasan ini akan dibaca oleh BKM."
    ),
    Action.WAITLIST.value: N_(
        "Usulan {code} akan masuk daftar tunggu. Bila perlu, tulis catatan untuk BKM, atau pilih "
        "Lewati."
    ),
    Action.WITHDRAW.value: N_("Mohon tulis alasan penarikan usulan {code}, atau pilih Lewati."),
    Action.APPROVE.value: N_(
        "Berapa jumlah yang disetujui untuk usulan {code}? Misalnya 15 juta atau 15.000.000.\n"
        "Anggaran total: {total}. Diminta dari BLM PAKET: {blm}."
    ),
    Action.DISBURSE.value: N_(
        "Pencairan dana tahap {tranche} untuk usulan {code}: berapa jumlahnya? Misalnya 5 juta.\n"
        "Sisa dana yang disetujui: {remaining}."
    ),
    PLEDGE: N_(
        "Berapa dukungan dana dari {mitra} untuk usulan {code}? Misalnya 5 juta atau 5.000.000.\n"
        "Anggaran total: {total}."
    ),
    DECLINE: N_(
        "Mohon tulis alasan {mitra} belum dapat mendukung usulan {code}. Alasan ini akan dibaca "
        "oleh BKM."
    ),
}


def actor_of(ctx: Context) -> Actor:
    assert ctx.actor is not None
    return ctx.actor


async def leave_review_dialog(ctx: Context) -> None:
    """Moving elsewhere drops a half-asked question, so a later message is not taken for it."""
    if ctx.dialog is not None and ctx.dialog.flow == REVIEW_FLOW:
        await ctx.end_dialog()


def asking_about(ctx: Context, proposal_id: int, step: str | None = None) -> bool:
    """The open question is about this proposal (and at this step)."""
    dialog = ctx.dialog
    return (
        dialog is not None
        and dialog.flow == REVIEW_FLOW
        and dialog.data.get("proposal_id") == proposal_id
        and (step is None or dialog.step == step)
    )


# --- asking -----------------------------------------------------------------------------------


async def ask(
    ctx: Context,
    proposal: Proposal,
    action: str,
    *,
    mitra_id: int | None = None,
    view: ProposalView | None = None,
) -> None:
    """Remember what is being asked (dialog "review"), then ask it with its buttons."""
    assert proposal.id is not None
    tr = ctx.tr
    params: dict[str, Any] = {
        "code": proposal.code or "",
        "total": tr.money(proposal.anggaran_total or 0),
    }
    data: dict[str, Any] = {"action": action, "proposal_id": proposal.id}
    buttons: list[list[Button]] = []
    if action == Action.APPROVE.value:
        params["blm"] = tr.money(proposal.dana_blm or 0)
        if proposal.dana_blm and proposal.dana_blm <= (proposal.anggaran_total or 0):
            label = tr._(
                "👍 Setujui sesuai permintaan BLM: {amount}", amount=tr.money(proposal.dana_blm)
            )
            buttons.append(
                [Button(label, data=pv.review_data("blm", proposal.id, proposal.dana_blm))]
            )
    elif action == Action.DISBURSE.value:
        full = view or await queries.view_by_id(ctx.session, actor_of(ctx), proposal.id)
        data["tranche"] = params["tranche"] = 1 + sum(e.kind == "tranche" for e in full.timeline)
        params["remaining"] = tr.money((proposal.approved_amount or 0) - proposal.disbursed_amount)
    elif mitra_id is not None and view is not None:
        data["mitra_id"] = mitra_id
        params["mitra"] = next(p.name for p in view.partners if p.mitra_id == mitra_id)
    if action in NOTE_OPTIONAL:
        buttons.append([Button(tr._("Lewati"), data=pv.review_data("skip", proposal.id))])
    buttons.append([Button(tr._("Batal"), data=pv.review_data("cancel", proposal.id))])
    step = AMOUNT if action in ASKS_AMOUNT else NOTE
    await ctx.start_dialog(REVIEW_FLOW, step, **data)
    ctx.reply(tr._(PROMPTS[action], **params), keyboard(*buttons))


# --- the typed answer -------------------------------------------------------------------------


async def on_message(ctx: Context) -> None:
    """The note or amount asked for; invalid input says why and the question stays open."""
    assert ctx.dialog is not None
    data = ctx.dialog.data
    text = ctx.incoming.text if ctx.incoming.kind == "text" else ""
    try:
        if ctx.dialog.step == AMOUNT:
            value: dict[str, Any] = {"amount": parse_rupiah(text)}
        elif not text.strip() and data["action"] in NOTE_OPTIONAL:
            raise InvalidInput(N_("Mohon tulis catatannya sebagai teks, atau pilih Lewati."))
        else:
            value = {"note": text}
        await perform(ctx, data["action"], data["proposal_id"], value)
    except InvalidInput as error:
        reply_error(ctx, error)  # nothing was changed: the domain checks before it writes
    except DomainError as error:
        await ctx.end_dialog()  # the proposal moved on meanwhile: stop asking
        reply_error(ctx, error)


async def perform(ctx: Context, action: str, proposal_id: int, value: dict[str, Any]) -> None:
    """Call the use case with what was given, then confirm (the domain notifies the others)."""
    s, clock, actor = ctx.session, ctx.clock, actor_of(ctx)
    note, amount = value.get("note"), value.get("amount")
    data = ctx.dialog.data if asking_about(ctx, proposal_id) and ctx.dialog else {}
    if action == Action.REVISE.value:
        outcome = await review.request_revision(s, clock, actor, proposal_id, note=note or "")
    elif action == Action.REJECT.value:
        outcome = await review.reject(s, clock, actor, proposal_id, reason=note or "")
    elif action == Action.WAITLIST.value:
        outcome = await review.waitlist(s, clock, actor, proposal_id, note=note)
    elif action == Action.WITHDRAW.value:
        outcome = await submit.withdraw(s, clock, actor, proposal_id, reason=note)
    elif action == Action.APPROVE.value:
        outcome = await review.approve(s, clock, actor, proposal_id, amount=amount or 0)
    elif action == Action.DISBURSE.value:
        outcome = await review.disburse(
            s, clock, actor, proposal_id, amount=amount or 0, tranche=int(data.get("tranche", 0))
        )
    else:  # a mitra's pledge or decline
        outcome = await partners.answer_as_mitra(
            s, clock, actor, proposal_id,
            pledge=amount if action == PLEDGE else None,
            decline_reason=(note or "") if action == DECLINE else None,
            mitra_id=data.get("mitra_id"),
        )  # fmt: skip
    await leave_review_dialog(ctx)
    await confirm(ctx, action, outcome, amount=amount, tranche=data.get("tranche"))


# --- the confirmation -------------------------------------------------------------------------


async def confirm(
    ctx: Context,
    action: str,
    outcome: Outcome,
    *,
    amount: int | None = None,
    tranche: int | None = None,
) -> None:
    """A short answer with the new status, and the buttons of what may be done next."""
    tr, actor = ctx.tr, actor_of(ctx)
    assert outcome.proposal.id is not None
    view = await queries.view_by_id(ctx.session, actor, outcome.proposal.id)
    rows = pv.action_rows(tr, view, actor.mitra_ids())
    if view.code:
        rows.append((Button(tr._("📄 Lihat usulan"), data=callbacks.view(view.code)),))
    if actor.has(Role.FASILITATOR, Role.MITRA):
        rows.append((Button(tr._("🔎 Antrean tinjauan"), data=callbacks.page("queue", 1)),))
    lines = _confirmation(ctx, view, action, outcome.changed, amount, tranche)
    ctx.reply("\n".join(lines), tuple(rows))


def _confirmation(
    ctx: Context,
    view: ProposalView,
    action: str,
    changed: bool,
    amount: int | None,
    tranche: int | None,
) -> list[str]:
    tr = ctx.tr
    params = {"code": view.code or "", "judul": pv.title(tr, view.judul),
              "status": tr._(view.status_label)}  # fmt: skip
    if not changed:
        return [
            tr._("Sudah tercatat sebelumnya: usulan {code} berstatus <b>{status}</b>.", **params)
        ]
    if action in (PLEDGE, DECLINE):
        lines = [
            tr._("✅ Terima kasih, jawaban mitra untuk usulan {code} sudah dicatat.", **params)
        ]
        if amount is not None:
            lines.append(tr._("Dukungan dana: {amount}.", amount=tr.money(amount)))
        return [*lines, tr._("BKM sudah diberi tahu.")]
    lines = [tr._("✅ Usulan {code} “{judul}” sekarang berstatus <b>{status}</b>.", **params)]
    if action == Action.APPROVE.value and amount is not None:
        lines.append(tr._("Jumlah yang disetujui: {amount}.", amount=tr.money(amount)))
    if action == Action.DISBURSE.value and amount is not None:
        lines.append(
            tr._(
                "Tahap {tranche}: {amount}. Seluruhnya tersalurkan {total} dari {approved}.",
                tranche=tranche or "-", amount=tr.money(amount),
                total=tr.money(view.disbursed_amount), approved=tr.money(view.approved_amount or 0),
            )
        )  # fmt: skip
    if action == Action.WITHDRAW.value:
        return [*lines, tr._("Fasilitator dan BKM sudah diberi tahu.")]
    return [*lines, tr._("Pengusul dan koordinator BKM sudah diberi tahu.")]


DIALOGS = {REVIEW_FLOW: on_message}
