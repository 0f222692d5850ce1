"""The meeting form's "where are we": ask the question it stands at, or show its summary.

Shared by the free-message handler (`form`) and the buttons (`form_buttons`). The dialog
remembers only which draft this person is filling in (and whether the phone's location
keyboard is showing); the form's place is the domain's `Meeting.step`.
"""

from __future__ import annotations

from bot.domain.areas import list_kota
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.meetings import audience, callbacks, form, queries
from bot.domain.meetings.form import position
from bot.domain.meetings.steps import FLOW as STEPS_IN_FLOW
from bot.domain.meetings.steps import StepKind
from bot.i18n import Html, paragraphs
from bot.ui import Button, keyboard
from conversations.context import Context
from conversations.meetings import form_view as view
from conversations.menu import show_menu
from storage.meeting_models import Meeting
from storage.models import Kota

FLOW = "meeting"
RESUMING = "resume"  # dialog step while "Lanjutkan?" waits for an answer


async def start_draft(ctx: Context, kota_id: int | None, told: Html | None = None) -> None:
    """Open this organiser's draft: offer to continue one with answers, else begin.

    `told` (the old draft was deleted) opens the first message rather than coming alone.
    """
    assert ctx.actor is not None
    try:
        meeting = await form.start_or_resume(ctx.session, ctx.clock, ctx.actor, kota_id=kota_id)
    except InvalidInput as error:
        if error.message != form.PICK_KOTA:
            raise
        if told:
            ctx.reply(told)
        await _ask_kota(ctx)
        return
    assert meeting.id is not None
    await ctx.start_dialog(FLOW, meeting_id=meeting.id)
    tr = ctx.tr
    if meeting.step != STEPS_IN_FLOW[0] or meeting.kind is not None:
        await ctx.update_dialog(step=RESUMING)
        ctx.reply(
            paragraphs(told, tr._(
                "Bapak/Ibu masih punya draf undangan rapat <b>{title}</b>. Lanjutkan mengisi?",
                title=meeting.title or "-",
            )),
            keyboard([
                Button(tr._("▶️ Lanjutkan"), data=callbacks.form(meeting.id, "go", "-")),
                Button(tr._("🔄 Mulai baru"), data=callbacks.form(meeting.id, "del", "new")),
            ]),
        )  # fmt: skip
        return
    ctx.reply(
        paragraphs(told, tr._(
            "Baik, kita susun undangan rapat. Ada {total} pertanyaan; setiap jawaban langsung "
            "tersimpan. Ketik /batal kapan saja untuk berhenti, draf tetap tersimpan.",
            total=len(STEPS_IN_FLOW),
        ))
    )  # fmt: skip
    await ask(ctx, meeting)


async def _ask_kota(ctx: Context) -> None:
    """An organiser of several kotas (or an admin) first says where the meeting is."""
    assert ctx.actor is not None
    kotas = await form.organiser_kotas(ctx.session, ctx.actor)
    found: list[Kota] = [k for k in await list_kota(ctx.session) if k.id in kotas or not kotas]
    buttons = [
        Button(k.name, data=callbacks.form(0, "kota", "-", k.id))
        for k in sorted(found, key=lambda k: k.name)
    ]
    ctx.reply(ctx.tr._(form.PICK_KOTA), keyboard(*view.rows(buttons, 2)))


async def current(ctx: Context) -> Meeting | None:
    """The draft the dialog is about; None (dialog ended, person told) when it is gone."""
    assert ctx.actor is not None and ctx.dialog is not None
    try:
        return await form.load_draft(
            ctx.session, ctx.actor, int(ctx.dialog.data.get("meeting_id", 0))
        )
    except (NotFound, NotAllowed, InvalidTransition) as error:
        await ctx.end_dialog()
        show_menu(ctx, ctx.tr._(error.message, **error.params))
        return None


async def bind(ctx: Context, meeting: Meeting) -> None:
    """Make free messages reach this draft's form."""
    dialog = ctx.dialog
    if dialog is None or dialog.flow != FLOW or dialog.data.get("meeting_id") != meeting.id:
        await ctx.start_dialog(FLOW, meeting_id=meeting.id)
    elif dialog.step:
        await ctx.update_dialog(step="")


async def shown(ctx: Context, meeting: Meeting) -> view.Shown:
    """Every field in words, the audiences to pick from, the default reminders."""
    assert ctx.actor is not None and meeting.id is not None
    lines = await queries.summary(ctx.session, ctx.tr, ctx.actor, meeting.id)
    where = position(meeting)
    options = []
    if where.step is not None and where.step.kind == StepKind.AUDIENCE:
        options = await audience.options(ctx.session, ctx.actor, meeting)
    invited = len(await audience.people(ctx.session, meeting)) if where.step is None else 0
    offsets = [int(o.total_seconds() // 60) for o in ctx.services.chat.reminder_offsets]
    return view.Shown(lines, options, offsets, invited)


async def ask(ctx: Context, meeting: Meeting, *, leaving: str | None = None) -> None:
    """Ask the question the form stands at, or show the summary.

    The phone's location keyboard is taken away (with the line `leaving`) once past that step.
    """
    where = position(meeting)
    on_location = where.step is not None and where.step.kind == StepKind.LOCATION
    if ctx.dialog is not None and ctx.dialog.data.get("kb") and not on_location:
        ctx.reply(leaving or ctx.tr._("Baik."), remove_keyboard=True)
        await ctx.update_dialog(kb=False)
    if where.step is None:
        await show_summary(ctx, meeting)
        return
    ctx.reply(*view.question(ctx.tr, meeting, where, await shown(ctx, meeting)))
    if on_location:
        ctx.reply(*view.location_request(ctx.tr))
        if ctx.dialog is not None:
            await ctx.update_dialog(kb=True)


async def show_summary(
    ctx: Context, meeting: Meeting, *, edit: bool = False, fields: bool = False
) -> None:
    """The summary with its buttons (or, with `fields`, the grid of fields to edit)."""
    assert meeting.id is not None
    ctx.reply(
        view.summary(ctx.tr, await shown(ctx, meeting)),
        view.summary_buttons(ctx.tr, meeting.id, fields=fields),
        edit=edit,
    )
