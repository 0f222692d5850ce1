"""Acting on a proposal from the buttons under it: review, withdrawal, and a mitra's answer.

```mermaid
stateDiagram-v2
    [*] --> done: p:do check / complete / start / finish (at once)
    [*] --> confirm: p:do withdraw
    confirm --> note: Ya, tarik usulan
    confirm --> [*]: Tidak
    [*] --> note: p:do revise (required)
    note --> confirm_note: a revision note, shown back before it goes to the BKM
    confirm_note --> done: Kirim
    confirm_note --> note: Tulis ulang
    [*] --> decision: p:do approve / waitlist / reject (proposal_decision)
    [*] --> money: p:do disburse / finish (proposal_money: amounts and files confirmed first)
    [*] --> partner: rv pledge / decline (partner_answer: the mitra's plan or reason, confirmed)
    note --> note: empty or not text (why, asked again)
    note --> done: typed, or Lewati when optional
    note --> [*]: Batal, /batal
    done --> [*]: a short confirmation with the new status and the next actions
```

The rules are the domain's: this module offers the buttons `allowed_actions` gives, asks for what
an action needs, and calls the use case, which checks again and refuses a forged or old button
with its own friendly words. The submitter and the koordinators are told by the domain (outbox).
"""

from __future__ import annotations

from bot.domain.errors import InvalidTransition, NotAllowed
from bot.domain.proposals import access, queries, review
from bot.domain.proposals.events import ensure_source
from bot.domain.proposals.lifecycle import MITRA_MAY_ANSWER, Action, allowed_actions, may_act
from bot.domain.proposals.views import ProposalView
from bot.i18n import N_
from bot.ui import Button, keyboard
from conversations import partner_answer, proposal_decision, proposal_money
from conversations import proposal_action_input as input_
from conversations import proposal_views as pv
from conversations.context import Context
from conversations.proposal_action_input import (
    DECLINE,
    NOTE,
    NOTE_OPTIONAL,
    PLEDGE,
    actor_of,
    ask,
    asking_about,
    confirm,
    leave_review_dialog,
    perform,
)
from storage.models import Proposal

AT_ONCE = {
    Action.CHECK: review.check,
    Action.COMPLETE: review.complete,
    Action.START: review.start,
}
NOT_CHANNELLED = N_("Maaf, usulan ini tidak disalurkan kepada mitra Bapak/Ibu.")
NOT_ANSWERABLE = N_(
    "Maaf, usulan ini sedang berstatus {status}, jadi belum atau tidak lagi dapat dijawab."
)
FULLY_PAID = N_("Seluruh dana yang disetujui sudah tersalurkan.")


def _stale(ctx: Context) -> None:
    ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


# --- buttons ----------------------------------------------------------------------------------


async def on_do(ctx: Context, parts: list[str]) -> None:
    """`p:do:{action}:{id}`: act at once, or ask for the note, amount or confirmation it needs."""
    assert ctx.actor is not None
    if len(parts) < 4 or not parts[3].isdigit() or parts[2] not in {a.value for a in Action}:
        _stale(ctx)
        return
    action, proposal_id = Action(parts[2]), int(parts[3])
    if action in (Action.SUBMIT, Action.RESUBMIT):  # the form submits, after its summary
        _stale(ctx)
        return
    if action in AT_ONCE:
        await leave_review_dialog(ctx)
        outcome = await AT_ONCE[action](ctx.session, ctx.clock, ctx.actor, proposal_id)
        await confirm(ctx, action.value, outcome)
        return
    if action in pv.DECISION_ACTIONS:  # the committee's decision has its own steps
        await leave_review_dialog(ctx)
        await proposal_decision.ask_outcome(ctx, proposal_id)
        return
    proposal = await _may_take(ctx, proposal_id, action)
    if action in (Action.DISBURSE, Action.FINISH):  # amounts and files are confirmed first
        await leave_review_dialog(ctx)
        if action == Action.DISBURSE:
            await proposal_money.ask_tranche(ctx, proposal_id)
        else:
            await proposal_money.ask_finish(ctx, proposal_id)
        return
    if action == Action.WITHDRAW:
        await leave_review_dialog(ctx)
        _ask_withdraw(ctx, proposal)
        return
    await ask(ctx, proposal, action.value)  # replaces any question asked before


async def on_button(ctx: Context, parts: list[str]) -> None:
    """`rv:{verb}:{id}[:{extra}]`: the steps around an action (see `pv.review_data`)."""
    verb = parts[1] if len(parts) > 1 else ""
    if len(parts) < 3 or not parts[2].isdigit():
        _stale(ctx)
        return
    proposal_id, extra = int(parts[2]), parts[3:]
    if verb == "ok":  # withdrawal confirmed: now the optional reason
        await ask(ctx, await _may_take(ctx, proposal_id, Action.WITHDRAW), Action.WITHDRAW.value)
    elif verb == "keep":
        ctx.reply(ctx.tr._("Baik, usulan tidak ditarik."), edit=True)
    elif verb == "cancel":
        if asking_about(ctx, proposal_id):
            await ctx.end_dialog()
        ctx.reply(ctx.tr._("Baik, dibatalkan. Status usulan tidak berubah."), edit=True)
    elif verb == "skip" and asking_about(ctx, proposal_id, step=NOTE):
        assert ctx.dialog is not None
        action = ctx.dialog.data["action"]
        if action not in NOTE_OPTIONAL:
            _stale(ctx)
            return
        await perform(ctx, action, proposal_id, {})
    elif verb == "send" and asking_about(ctx, proposal_id, step=input_.CONFIRM_NOTE):
        assert ctx.dialog is not None  # the note was shown back and is sent as shown
        data = ctx.dialog.data
        await perform(ctx, data["action"], proposal_id, {"note": data["note"]})
    elif verb == "rewrite" and asking_about(ctx, proposal_id, step=input_.CONFIRM_NOTE):
        assert ctx.dialog is not None
        await ask(ctx, await access.load_visible(ctx.session, actor_of(ctx), proposal_id),
                  ctx.dialog.data["action"])  # fmt: skip
    elif verb in (PLEDGE, DECLINE) and extra and extra[0].isdigit():
        await _may_answer(ctx, proposal_id, int(extra[0]))
        await leave_review_dialog(ctx)
        start = partner_answer.start_pledge if verb == PLEDGE else partner_answer.start_decline
        await start(ctx, proposal_id, int(extra[0]))
    else:
        _stale(ctx)


# --- checks before asking (so nobody types a note for an action that would be refused) --------


async def _may_take(ctx: Context, proposal_id: int, action: Action) -> Proposal:
    """The proposal, when `action` is open to this person now; the domain's refusal otherwise."""
    actor = actor_of(ctx)
    proposal = await access.load_visible(ctx.session, actor, proposal_id)
    if not may_act(actor, proposal, action):
        raise NotAllowed()
    ensure_source(proposal, action)
    if action == Action.DISBURSE and action not in allowed_actions(proposal, actor):
        raise InvalidTransition(FULLY_PAID)
    return proposal


async def _may_answer(ctx: Context, proposal_id: int, mitra_id: int) -> ProposalView:
    actor = actor_of(ctx)
    view = await queries.view_by_id(ctx.session, actor, proposal_id)
    if mitra_id not in actor.mitra_ids() or mitra_id not in {p.mitra_id for p in view.partners}:
        raise NotAllowed(NOT_CHANNELLED)
    if view.status not in MITRA_MAY_ANSWER:
        raise InvalidTransition(NOT_ANSWERABLE, status=view.status_label)
    return view


# --- the withdrawal's confirmation ----------------------------------------------------------


def _ask_withdraw(ctx: Context, proposal: Proposal) -> None:
    assert proposal.id is not None
    tr = ctx.tr
    ctx.reply(
        tr._(
            "Yakin ingin menarik usulan {code} “{judul}”? Usulan yang ditarik tidak dapat "
            "diajukan lagi.",
            code=proposal.code or "",
            judul=pv.title(tr, proposal.judul),
        ),
        keyboard(
            [
                Button(tr._("Ya, tarik usulan"), data=pv.review_data("ok", proposal.id)),
                Button(tr._("Tidak"), data=pv.review_data("keep", proposal.id)),
            ]
        ),
    )


CALLBACKS = {"p:do": on_do, "rv": on_button}
DIALOGS = input_.DIALOGS  # the typed note
