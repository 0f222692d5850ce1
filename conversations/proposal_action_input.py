"""What an action needs typed: a note (dialog "review"), then the action itself; and the short
confirmation every action ends with.

The buttons that lead here are in `proposal_actions`. Each question remembers which proposal
and action it is about; invalid input says why in one line and the question stays open; /batal
or Batal leaves it; moving to another list or proposal drops it, so a later message is never
taken for a note meant for something else. Amounts (tranches) are asked in `proposal_money`, a
mitra's answer in `partner_answer`.
"""

from __future__ import annotations

from typing import Any

from bot.domain.actors import Actor
from bot.domain.errors import DomainError, InvalidInput, InvalidTransition
from bot.domain.proposals import callbacks, queries, review, submit
from bot.domain.proposals.events import Outcome, clean_note
from bot.domain.proposals.lifecycle import Action
from bot.domain.proposals.views import ProposalView
from bot.i18n import N_
from bot.ui import Button, keyboard
from conversations import proposal_views as pv
from conversations.context import Context
from conversations.errors import reply_error
from storage.models import Proposal, Role

REVIEW_FLOW = "review"
NOTE = "note"  # dialog step
CONFIRM_NOTE = "confirm_note"  # a revision note shown back before it goes to the BKM
PLEDGE, DECLINE = "pledge", "decline"  # a mitra's answers (not life-cycle actions)

NOTE_OPTIONAL = {Action.WITHDRAW.value}
# Notes the BKM reads as instructions: shown back for a confirmation before they are sent.
CONFIRMED_NOTES = {Action.REVISE.value}

PROMPTS = {
    Action.REVISE.value: N_(
        "Apa yang perlu diperbaiki pada usulan {code}? Mohon tulis catatan untuk BKM."
    ),
    Action.WITHDRAW.value: N_("Mohon tulis alasan penarikan usulan {code}, atau pilih Lewati."),
}
STALE_QUESTION = N_(
    "Maaf, pertanyaan itu sudah tidak berlaku. Silakan buka lagi usulannya dengan /status."
)


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


async def ask(ctx: Context, proposal: Proposal, action: str) -> None:
    """Remember what is being asked (dialog "review"), then ask it with its buttons."""
    assert proposal.id is not None
    tr = ctx.tr
    buttons: list[list[Button]] = []
    if action in NOTE_OPTIONAL:
        buttons.append([Button(tr._("Lewati"), data=pv.review_data("skip", proposal.id))])
    buttons.append([Button(tr._("Batal"), data=pv.review_data("cancel", proposal.id))])
    await ctx.start_dialog(REVIEW_FLOW, NOTE, action=action, proposal_id=proposal.id)
    ctx.reply(tr._(PROMPTS[action], code=proposal.code or ""), keyboard(*buttons))


# --- the typed answer -------------------------------------------------------------------------


async def on_message(ctx: Context) -> None:
    """The note asked for; invalid input says why and the question stays open."""
    assert ctx.dialog is not None
    data = ctx.dialog.data
    text = ctx.incoming.text if ctx.incoming.kind == "text" else ""
    try:
        if data.get("action") not in PROMPTS:  # a question kept from an older version
            raise InvalidTransition(STALE_QUESTION)
        elif not text.strip() and data["action"] in NOTE_OPTIONAL:
            raise InvalidInput(N_("Mohon tulis catatannya sebagai teks, atau pilih Lewati."))
        elif ctx.dialog.step == CONFIRM_NOTE:
            raise InvalidInput(N_("Mohon pilih Kirim, Tulis ulang, atau Batal di atas."))
        elif data["action"] in CONFIRMED_NOTES:
            await ask_to_send(ctx, data["proposal_id"], clean_note(text, required=True) or "")
            return
        else:
            await perform(ctx, data["action"], data["proposal_id"], {"note": text})
    except InvalidInput as error:
        reply_error(ctx, error)  # nothing was changed: the domain checks before it writes
    except DomainError as error:
        await ctx.end_dialog()  # the proposal moved on meanwhile: stop asking
        reply_error(ctx, error)


async def ask_to_send(ctx: Context, proposal_id: int, note: str) -> None:
    """Show the note as the BKM will read it; it goes only when Kirim is pressed."""
    tr = ctx.tr
    await ctx.update_dialog(CONFIRM_NOTE, note=note)
    ctx.reply(
        tr._(
            "Catatan ini akan dikirim kepada BKM bersama permintaan perbaikan:\n\n{note}\n\n"
            "Sudah sesuai?",
            note=note,
        ),
        keyboard(
            [Button(tr._("✅ Kirim ke BKM"), data=pv.review_data("send", proposal_id))],
            [Button(tr._("✏️ Tulis ulang"), data=pv.review_data("rewrite", proposal_id))],
            [Button(tr._("Batal"), data=pv.review_data("cancel", proposal_id))],
        ),
    )


async def perform(ctx: Context, action: str, proposal_id: int, value: dict[str, Any]) -> None:
    """Call the use case with what was given, then confirm (the domain notifies the others)."""
    s, clock, actor = ctx.session, ctx.clock, actor_of(ctx)
    note = value.get("note")
    if action == Action.REVISE.value:
        outcome = await review.request_revision(s, clock, actor, proposal_id, note=note or "")
    elif action == Action.WITHDRAW.value:
        outcome = await submit.withdraw(s, clock, actor, proposal_id, reason=note)
    else:
        raise InvalidTransition(STALE_QUESTION)
    await leave_review_dialog(ctx)
    await confirm(ctx, action, outcome)


# --- the confirmation -------------------------------------------------------------------------


async def confirm(
    ctx: Context,
    action: str,
    outcome: Outcome,
    *,
    amount: int | None = None,
    tranche: int | None = None,
    plan: str | None = None,
) -> None:
    """A short answer with the new status, and the buttons of what may be done next.

    `amount` and `tranche` are a disbursement's; `plan` is a mitra's support plan in words.
    """
    tr, actor = ctx.tr, actor_of(ctx)
    assert outcome.proposal.id is not None
    view = await queries.view_by_id(ctx.session, actor, outcome.proposal.id)
    rows = pv.action_rows(tr, view, actor.mitra_ids())
    if view.code:
        rows.append((Button(tr._("📄 Lihat usulan"), data=callbacks.view(view.code)),))
    if actor.has(Role.FASILITATOR, Role.MITRA, Role.PANITIA, Role.SEKRETARIS):
        rows.append((Button(tr._("🔎 Antrean tinjauan"), data=callbacks.page("queue", 1)),))
    lines = _confirmation(ctx, view, action, outcome.changed, amount, tranche, plan)
    ctx.reply("\n".join(lines), tuple(rows))


def _confirmation(
    ctx: Context,
    view: ProposalView,
    action: str,
    changed: bool,
    amount: int | None,
    tranche: int | None,
    plan: str | None,
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
        if plan:
            lines.append(tr._("Rencana dukungan: {plan}.", plan=plan))
        return [*lines, tr._("BKM dan fasilitator sudah diberi tahu.")]
    lines = [tr._("✅ Usulan {code} “{judul}” sekarang berstatus <b>{status}</b>.", **params)]
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
