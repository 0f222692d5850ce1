"""/rapatbaru (/newmeeting): compose a meeting one question at a time, then send the invitations.

Typed answers land here; buttons in `form_buttons`. A typed date, time or length is shown back
as the bot read it before the next question, so a misread never goes unnoticed.
"""

from __future__ import annotations

import html

from bot.domain.errors import InvalidInput
from bot.domain.meetings import audience
from bot.domain.meetings import form as domain_form
from bot.domain.meetings.form import position
from bot.domain.meetings.steps import Step, StepKind
from bot.i18n import N_
from conversations.context import Context
from conversations.errors import reply_error
from conversations.meetings import form_view as view
from conversations.meetings.form_ask import RESUMING, ask, bind, current, shown, start_draft
from storage.meeting_models import Meeting

TYPE_IT = N_("Mohon ketik jawabannya sebagai pesan teks.")
PRESS_A_BUTTON = N_("Mohon pilih salah satu tombol di bawah pertanyaan.")
SEND_LOCATION = N_("Mohon tekan tombol 📍 Kirim lokasi di bawah, atau pilih Lewati.")
# Typed answers shown back as read: a misread date is caught before the invitations go out.
SHOWN_BACK = (StepKind.WHEN, StepKind.DURATION, StepKind.REMINDERS)


async def cmd_new_meeting(ctx: Context) -> None:
    """`/rapatbaru`: start a draft, or offer to continue the one left open."""
    await start_draft(ctx, kota_id=None)


async def on_message(ctx: Context) -> None:
    """Anything sent while the form is open: the answer to the question it stands at."""
    meeting = await current(ctx)
    if meeting is None:
        return
    where = position(meeting)
    if ctx.dialog is not None and ctx.dialog.step == RESUMING:
        await bind(ctx, meeting)
        await ask(ctx, meeting)
        return
    if where.step is None:
        ctx.reply(ctx.tr._("Silakan pilih salah satu tombol di bawah ringkasan."))
        await ask(ctx, meeting)
        return
    try:
        await _receive(ctx, meeting, where.step)
    except InvalidInput as error:
        reply_error(ctx, error)
        await ask(ctx, meeting)
        return
    if where.step.kind in SHOWN_BACK:
        value = (await shown(ctx, meeting)).value(where.step.name)
        ctx.reply(view.understood(ctx.tr, where.step, value or "-"))
    await ask(ctx, meeting, leaving=ctx.tr._("📍 Titik lokasi tersimpan. Terima kasih."))


async def _receive(ctx: Context, meeting: Meeting, step: Step) -> None:
    """Store what the person sent for `step` (InvalidInput when it is not a usable answer)."""
    assert ctx.actor is not None and meeting.id is not None
    inc = ctx.incoming
    value: object
    if step.kind == StepKind.LOCATION:
        if inc.kind != "location":
            raise InvalidInput(SEND_LOCATION)
        value = (inc.latitude, inc.longitude)
    elif inc.kind != "text":
        typed = step.kind not in (StepKind.CHOICE, StepKind.AUDIENCE)
        raise InvalidInput(TYPE_IT if typed else PRESS_A_BUTTON)
    elif step.kind == StepKind.CHOICE:
        value = _typed_choice(ctx, step)
    elif step.kind == StepKind.AUDIENCE:
        value = await _typed_audience(ctx, meeting)
    else:
        value = inc.text
    await domain_form.answer_step(
        ctx.session, ctx.clock, ctx.actor, meeting.id, step=step.name, value=value
    )


def _typed_choice(ctx: Context, step: Step) -> str:
    """A kind typed instead of pressed ("Rapat BKM"): fine when it names one exactly."""
    typed = ctx.incoming.text.strip().casefold()
    for choice in step.choices:
        if typed in (choice.code, ctx.tr._(choice.label).casefold()):
            return choice.code
    raise InvalidInput(PRESS_A_BUTTON)


async def _typed_audience(ctx: Context, meeting: Meeting) -> str:
    """An audience typed as its button reads ("Seluruh BKM Sukamaju")."""
    assert ctx.actor is not None
    typed = ctx.incoming.text.strip().casefold()
    for option in await audience.options(ctx.session, ctx.actor, meeting):
        if typed == html.unescape(option.text(ctx.tr)).casefold():
            return option.code
    raise InvalidInput(PRESS_A_BUTTON)
