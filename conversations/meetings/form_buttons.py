"""The meeting form's buttons: answer, Lewati, Kembali, edit, send the invitations, delete.

Callback data `mt:f:{id}:{verb}:{step}[:{extra}]` (shapes in bot/domain/meetings/callbacks.py;
an audience code such as "bkm:5" spans two parts). Each button names the step it was shown for;
when the form has moved on (an old message, a double tap) the press changes nothing: a toast
says so and the current question is asked again.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed
from bot.domain.meetings import callbacks, form, queries, schedule
from bot.domain.meetings.form import StaleStep, position
from bot.domain.meetings.steps import STEPS_BY_NAME
from bot.ui import Button, keyboard
from conversations.context import Context
from conversations.errors import reply_error
from conversations.meetings import form_view as view
from conversations.meetings.form_ask import FLOW, ask, bind, show_summary, shown, start_draft
from conversations.menu import show_menu
from storage.meeting_models import Meeting

Verb = Callable[[Context, Meeting, str, str], Awaitable[None]]


async def on_button(ctx: Context, parts: list[str]) -> None:
    """`mt:f:{id}:{verb}:{step}[:{extra}]`."""
    assert ctx.actor is not None
    try:
        meeting_id, verb, step, extra = int(parts[2]), parts[3], parts[4], ":".join(parts[5:])
        kota_id = int(extra) if verb == "kota" else None
    except (IndexError, ValueError):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    if kota_id is not None:
        await start_draft(ctx, kota_id=kota_id)
        return
    handler = _VERBS.get(verb)
    if handler is None:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    try:
        meeting = await form.load_draft(ctx.session, ctx.actor, meeting_id)
    except InvalidTransition:
        if verb != "send":
            raise
        await _sent_already(ctx, meeting_id)  # 📤 tapped twice
        return
    await bind(ctx, meeting)
    try:
        await handler(ctx, meeting, step, extra)
    except StaleStep as stale:
        ctx.toast(ctx.tr._(stale.message))
        await ask(ctx, meeting)
    except (InvalidInput, NotAllowed) as error:  # NotAllowed: a forged audience button
        reply_error(ctx, error)
        await ask(ctx, meeting)


def _ensure_at(meeting: Meeting, step: str) -> None:
    """An old or double-tapped button: the form has moved on from `step`."""
    where = position(meeting)
    if where.name != step:
        raise StaleStep(where)


async def _answer(ctx: Context, meeting: Meeting, step: str, code: str) -> None:
    assert ctx.actor is not None and meeting.id is not None
    before = position(meeting).name
    await form.answer_step(ctx.session, ctx.clock, ctx.actor, meeting.id, step=step, value=code)
    if before != step:  # the same answer again: nothing changed
        raise StaleStep(position(meeting))
    value = (await shown(ctx, meeting)).value(step) or code
    ctx.reply(view.answered(ctx.tr, STEPS_BY_NAME[step], value), edit=True)
    await ask(ctx, meeting)


async def _skip(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    assert ctx.actor is not None and meeting.id is not None
    _ensure_at(meeting, step)
    await form.skip_step(ctx.session, ctx.clock, ctx.actor, meeting.id, step=step)
    await ask(ctx, meeting, leaving=ctx.tr._("Baik, titik lokasi dilewati."))


async def _back(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    assert ctx.actor is not None and meeting.id is not None
    _ensure_at(meeting, step)
    await form.go_back(ctx.session, ctx.clock, ctx.actor, meeting.id, step=step)
    await ask(ctx, meeting)


async def _edit(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    assert ctx.actor is not None and meeting.id is not None
    await form.edit_field(ctx.session, ctx.clock, ctx.actor, meeting.id, step=step)
    await ask(ctx, meeting)


async def _summary(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    """⬅️ Kembali ke ringkasan, from the grid of fields: the summary again, in place."""
    await _summary_in_place(ctx, meeting, fields=False)


async def _fields(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    """✏️ Ubah isian: the summary with a grid of its fields, in place."""
    await _summary_in_place(ctx, meeting, fields=True)


async def _summary_in_place(ctx: Context, meeting: Meeting, *, fields: bool) -> None:
    where = position(meeting)
    if where.step is not None:
        raise StaleStep(where)
    await show_summary(ctx, meeting, edit=True, fields=fields)


async def _go(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    """Lanjutkan: the question the form stands at."""
    await ask(ctx, meeting)


async def _confirm_discard(ctx: Context, meeting: Meeting, then: str, extra: str) -> None:
    """🗑 Hapus draf / 🔄 Mulai baru: ask first, nothing is deleted by one stray tap."""
    assert meeting.id is not None
    tr = ctx.tr
    if then == "new":
        text = tr._("Draf lama akan dihapus dan Bapak/Ibu mulai dari awal. Yakin?")
        yes = tr._("Ya, hapus dan mulai baru")
    else:
        text = tr._("Yakin menghapus draf undangan rapat ini? Semua isiannya akan hilang.")
        yes = tr._("Ya, hapus draf")
    drop = callbacks.form(meeting.id, "drop", "new" if then == "new" else "end")
    keep = callbacks.form(meeting.id, "go", "-")
    ctx.reply(
        text, keyboard(Button(yes, data=drop), Button(tr._("Tidak, lanjutkan draf"), data=keep))
    )


async def _discard(ctx: Context, meeting: Meeting, then: str, extra: str) -> None:
    assert ctx.actor is not None and meeting.id is not None
    kota_id = meeting.kota_id
    await form.discard_draft(ctx.session, ctx.clock, ctx.actor, meeting.id)
    if then == "new":
        await ctx.session.flush()  # the old draft is gone before the new one is made
        await start_draft(ctx, kota_id=kota_id, told=ctx.tr._("Draf lama sudah dihapus."))
        return
    await ctx.end_dialog()
    show_menu(ctx, ctx.tr._("Draf sudah dihapus."))


async def _send(ctx: Context, meeting: Meeting, step: str, extra: str) -> None:
    """📤 Kirim undangan, from the summary: invite the audience, plan the reminders."""
    assert ctx.actor is not None and meeting.id is not None
    where = position(meeting)
    if where.step is not None:
        raise StaleStep(where)
    chat = ctx.services.chat
    try:
        await schedule.schedule(
            ctx.session, ctx.clock, ctx.actor, meeting.id,
            default_offsets=chat.reminder_offsets, quiet_hours=chat.quiet_hours,
        )  # fmt: skip
    except (InvalidInput, NotAllowed) as refused:
        reply_error(ctx, refused)
        await show_summary(ctx, meeting)
        return
    await _sent(ctx, meeting)


async def _sent(ctx: Context, meeting: Meeting) -> None:
    """The form is done: say how many were invited, and where to follow the answers."""
    assert ctx.actor is not None and meeting.id is not None
    dialog = ctx.dialog
    if dialog and dialog.flow == FLOW and dialog.data.get("meeting_id") == meeting.id:
        await ctx.end_dialog()
    board = await queries.organiser_view(ctx.session, ctx.clock, ctx.actor, meeting.id)
    ctx.reply(
        ctx.tr.n_(
            "✅ Undangan rapat <b>{title}</b> sudah dikirim kepada {n} orang, dengan berkas "
            "kalendernya. Ketik /rapat untuk melihat siapa yang sudah menjawab.",
            "✅ Undangan rapat <b>{title}</b> sudah dikirim kepada {n} orang, dengan berkas "
            "kalendernya. Ketik /rapat untuk melihat siapa yang sudah menjawab.",
            board.counts.invited, title=meeting.title or "",
        ),
        keyboard(Button(ctx.tr._("🗓 Lihat rapat"), data=callbacks.view(meeting.id))),
    )  # fmt: skip


async def _sent_already(ctx: Context, meeting_id: int) -> None:
    dialog = ctx.dialog
    if dialog and dialog.flow == FLOW and dialog.data.get("meeting_id") == meeting_id:
        await ctx.end_dialog()
    ctx.toast(ctx.tr._("Undangan rapat ini sudah dikirim."))


_VERBS: dict[str, Verb] = {
    "ans": _answer,
    "skip": _skip,
    "back": _back,
    "edit": _edit,
    "sum": _summary,
    "fields": _fields,
    "go": _go,
    "del": _confirm_discard,
    "drop": _discard,
    "send": _send,
}
