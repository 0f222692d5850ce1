"""The proposal form's buttons: answer, (un)select, Selesai, Lewati, Kembali, edit, submit, delete.

Callback data `f:{id}:{verb}:{step}[:{extra}]` (shapes in bot/domain/proposals/callbacks.py).
Each button names the step it was shown for; when the form has moved on (an old message, a
double tap) the press changes nothing: a toast says so and the current question is asked again.
"""

from __future__ import annotations

from bot.domain.errors import DomainError, InvalidInput, InvalidTransition, NotAllowed
from bot.domain.proposals import callbacks, form, form_lists, submit
from bot.domain.proposals.form import StaleStep, position
from bot.domain.proposals.steps import STEPS_BY_NAME, choice_label, label_of
from bot.i18n import Html
from bot.ui import Button, keyboard
from conversations import proposal_form_view as view
from conversations.context import Context
from conversations.errors import reply_error
from conversations.menu import show_menu
from conversations.proposal_form_ask import FLOW, ask, bind, extras, show_summary, start_draft
from storage.models import Kota, Proposal


async def on_button(ctx: Context, parts: list[str]) -> None:
    """`f:{id}:{verb}:{step}[:{extra}]` (shapes in bot/domain/proposals/callbacks.py)."""
    assert ctx.actor is not None
    try:
        proposal_id, verb, arg = int(parts[1]), parts[2], parts[3]
        bkm_id = int(arg) if verb == "bkm" else None
    except (IndexError, ValueError):
        proposal_id, verb, arg, bkm_id = 0, "", "", None
    if bkm_id is not None:
        await start_draft(ctx, bkm_id=bkm_id)
        return
    handler = _VERBS.get(verb)
    if handler is None:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    try:
        proposal = await form.load_form(ctx.session, ctx.actor, proposal_id)
    except InvalidTransition:
        if verb != "submit":
            raise
        # 📨 tapped twice: the first tap submitted it, the second tells its code again.
        result = await submit.submit(ctx.session, ctx.clock, ctx.actor, proposal_id)
        await _submitted(ctx, result)
        return
    await bind(ctx, proposal)
    try:
        await handler(ctx, proposal, arg, parts[4:])
    except StaleStep as stale:
        ctx.toast(ctx.tr._(stale.message))
        await ask(ctx, proposal)
    except InvalidInput as error:
        reply_error(ctx, error)
        await ask(ctx, proposal)


def _ensure_at(proposal: Proposal, step: str) -> None:
    """An old or double-tapped button: the form has moved on from `step`."""
    where = position(proposal)
    if where.name != step:
        raise StaleStep(where)


async def _answer(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    assert ctx.actor is not None and proposal.id is not None
    code = extra[0] if extra else ""
    before = position(proposal).name
    await form.answer_step(ctx.session, ctx.clock, ctx.actor, proposal.id, step=step, value=code)
    if before != step:  # the same answer again: nothing changed
        raise StaleStep(position(proposal))
    label = choice_label(step, code)
    answer = ctx.tr._(label) if label else code
    the_step = STEPS_BY_NAME[step]
    shown = await extras(ctx, proposal, the_step)
    ctx.reply(view.answered(ctx.tr, the_step, answer, shown), edit=True)
    await ask(ctx, proposal)


async def _tick(ctx: Context, proposal: Proposal, code: str, extra: list[str]) -> None:
    """(Un)tick a funding source: the question again, in place, with the new ticks."""
    assert ctx.actor is not None and proposal.id is not None
    await form_lists.tick_source(
        ctx.session, ctx.clock, ctx.actor, proposal.id, code=code, selected=extra[:1] == ["1"]
    )
    where = position(proposal)
    assert where.step is not None
    text, buttons = view.question(ctx.tr, proposal, where, await extras(ctx, proposal, where.step))
    ctx.reply(text, buttons, edit=True)


async def _select(ctx: Context, proposal: Proposal, mitra: str, extra: list[str]) -> None:
    assert ctx.actor is not None and proposal.id is not None
    await form_lists.select_mitra(
        ctx.session, ctx.clock, ctx.actor, proposal.id,
        mitra_id=int(mitra), selected=extra[:1] == ["1"],
    )  # fmt: skip
    where = position(proposal)
    assert where.step is not None
    text, buttons = view.question(ctx.tr, proposal, where, await extras(ctx, proposal, where.step))
    ctx.reply(text, buttons, edit=True)


async def _done(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    """Selesai on the partners or the attachments."""
    assert ctx.actor is not None and proposal.id is not None
    _ensure_at(proposal, step)
    the_step = STEPS_BY_NAME[step]
    chosen = await extras(ctx, proposal, the_step)
    await form.answer_step(ctx.session, ctx.clock, ctx.actor, proposal.id, step=step, value=None)
    answer = view.value_of(ctx.tr, the_step, proposal, chosen) or "-"
    ctx.reply(view.answered(ctx.tr, the_step, answer, chosen), edit=True)
    await ask(ctx, proposal)


async def _skip(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    assert ctx.actor is not None and proposal.id is not None
    _ensure_at(proposal, step)
    await form.skip_step(ctx.session, ctx.clock, ctx.actor, proposal.id, step=step)
    await ask(ctx, proposal, leaving=ctx.tr._("Baik, titik lokasi dilewati."))


async def _back(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    assert ctx.actor is not None and proposal.id is not None
    _ensure_at(proposal, step)
    await form.go_back(ctx.session, ctx.clock, ctx.actor, proposal.id, step=step)
    await ask(ctx, proposal)


async def _edit(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    assert ctx.actor is not None and proposal.id is not None
    await form.edit_field(ctx.session, ctx.clock, ctx.actor, proposal.id, step=step)
    await ask(ctx, proposal)


async def _summary(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    """⬅️ Kembali ke ringkasan, from the grid of fields: the summary again, in place."""
    await _summary_in_place(ctx, proposal, fields=False)


async def _fields(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    """✏️ Ubah isian: the summary with a grid of its fields, in place."""
    await _summary_in_place(ctx, proposal, fields=True)


async def _summary_in_place(ctx: Context, proposal: Proposal, *, fields: bool) -> None:
    where = position(proposal)
    if where.step is not None:
        raise StaleStep(where)
    await show_summary(ctx, proposal, edit=True, fields=fields)


async def _go(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    """Lanjutkan: the question the form stands at."""
    await ask(ctx, proposal)


async def _confirm_discard(ctx: Context, proposal: Proposal, then: str, extra: list[str]) -> None:
    """🗑 Hapus draf / 🔄 Mulai baru: ask first, nothing is deleted by one stray tap."""
    assert proposal.id is not None
    tr = ctx.tr
    if then == "new":
        text = tr._("Draf lama akan dihapus dan Bapak/Ibu mulai dari awal. Yakin?")
        yes = tr._("Ya, hapus dan mulai baru")
    else:
        text = tr._("Yakin menghapus draf ini? Semua isiannya akan hilang.")
        yes = tr._("Ya, hapus draf")
    ctx.reply(
        text,
        keyboard(
            Button(
                yes, data=callbacks.form(proposal.id, "drop", "new" if then == "new" else "end")
            ),
            Button(tr._("Tidak, lanjutkan draf"), data=callbacks.form(proposal.id, "go", "-")),
        ),
    )


async def _discard(ctx: Context, proposal: Proposal, then: str, extra: list[str]) -> None:
    assert ctx.actor is not None and proposal.id is not None
    bkm_id = proposal.bkm_id
    await form.discard_draft(ctx.session, ctx.clock, ctx.actor, proposal.id)
    if then == "new":
        await start_draft(ctx, bkm_id=bkm_id, told=ctx.tr._("Draf lama sudah dihapus."))
        return
    await ctx.end_dialog()
    show_menu(ctx, ctx.tr._("Draf sudah dihapus."))


async def _submit(ctx: Context, proposal: Proposal, step: str, extra: list[str]) -> None:
    """📨 Ajukan / Ajukan ulang / Kirim ke koordinator, from the summary."""
    assert ctx.actor is not None and proposal.id is not None
    where = position(proposal)
    if where.step is not None:
        raise StaleStep(where)
    tr = ctx.tr
    try:
        result = await submit.submit(ctx.session, ctx.clock, ctx.actor, proposal.id)
    except submit.IncompleteProposal as missing:
        kind = (await ctx.session.get_one(Kota, proposal.kota_id)).kind
        labels = Html(", ".join(tr._(label_of(STEPS_BY_NAME[n], kind)) for n in missing.steps))
        ctx.reply(
            tr._("Mohon lengkapi dulu: {fields}.", fields=labels),
            view.missing_buttons(tr, proposal.id, missing.steps, kind),
        )
        return
    except (InvalidInput, InvalidTransition, NotAllowed) as refused:
        # The summary is just above: the reason comes with its buttons, not a second copy.
        await show_summary(ctx, proposal, text=_refusal(ctx, refused))
        return
    await _submitted(ctx, result)


async def _submitted(ctx: Context, result: submit.SubmitResult) -> None:
    """The form is done: the tracking code, or word that the koordinator was asked."""
    tr = ctx.tr
    dialog = ctx.dialog
    if dialog and dialog.flow == FLOW and dialog.data.get("proposal_id") == result.proposal.id:
        await ctx.end_dialog()
    code = result.code or ""
    if result.result == submit.Submitted.READY:
        ctx.reply(
            tr._(
                "Terima kasih. Draf sudah dikirim kepada koordinator BKM untuk diperiksa dan "
                "diajukan. Bapak/Ibu akan diberi kabar setelah usulan diajukan."
            )
        )
        return
    if result.result == submit.Submitted.ALREADY:
        text = tr._("Usulan ini sudah diajukan dengan kode <b>{code}</b>.", code=code)
    elif result.proposal.version > 1:
        text = tr._(
            "✅ Usulan <b>{code}</b> sudah diajukan ulang (versi ke-{version}). Fasilitator "
            "sudah diberi tahu. Terima kasih.",
            code=code,
            version=result.proposal.version,
        )
    else:
        text = tr._(
            "✅ Usulan Bapak/Ibu sudah diajukan dengan kode <b>{code}</b>.\nFasilitator kota "
            "sudah diberi tahu dan akan memeriksa kelengkapannya. Ketik /status {code} untuk "
            "melihat perkembangannya.",
            code=code,
        )
    ctx.reply(text, keyboard(Button(tr._("📋 Lihat usulan"), data=callbacks.view(code))))


def _refusal(ctx: Context, error: DomainError) -> str:
    """Why a submit was refused, and where to fix it."""
    problem = ctx.tr._(error.message, **error.params)
    if isinstance(error, InvalidInput):
        return ctx.tr._(
            "{problem}\nSilakan perbaiki lewat tombol ✏️ Ubah isian di bawah ringkasan.",
            problem=problem,
        )
    return problem


_VERBS = {
    "ans": _answer,
    "sel": _select,
    "tick": _tick,
    "done": _done,
    "skip": _skip,
    "back": _back,
    "edit": _edit,
    "sum": _summary,
    "fields": _fields,
    "go": _go,
    "del": _confirm_discard,
    "drop": _discard,
    "submit": _submit,
}
