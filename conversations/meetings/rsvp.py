"""✅ Hadir / ❌ Berhalangan under an invitation, a reminder, a notice or the meeting's own view.

`mt:rsvp:{id}:{y|n}[:v]`. The answer is recorded, a toast confirms it, and the pressed
message's buttons show the choice (the text, sent from the outbox, stays as it is), so the
answer can be changed until the meeting begins. Pressed on the meeting's view (":v"), the view
is shown again. A cancelled or begun meeting answers with why, and its buttons go.
"""

from __future__ import annotations

import html

from bot.domain.errors import InvalidTransition, NotFound
from bot.domain.meetings import rsvp
from bot.domain.meetings.kinds import rsvp_label
from bot.ui import keyboard
from conversations.context import Context
from conversations.meetings.view import rsvp_keyboard, show_meeting


async def on_rsvp(ctx: Context, parts: list[str]) -> None:
    """Record the answer pressed, and show it on the buttons."""
    assert ctx.actor is not None
    try:
        meeting_id, answer = int(parts[2]), parts[3]
    except (IndexError, ValueError):
        answer = ""
    if answer not in ("y", "n"):
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
        return
    try:
        result = await rsvp.answer(
            ctx.session, ctx.clock, ctx.actor, meeting_id, attending=answer == "y"
        )
    except (InvalidTransition, NotFound) as refused:
        # A toast is easily missed: the reason also stays in the chat; the old buttons go.
        text = ctx.tr._(refused.message, **refused.params)
        ctx.toast(html.unescape(text))
        ctx.reply(text)
        return
    label = ctx.tr._(rsvp_label(result.rsvp))
    if result.changed:
        thanks = ctx.tr._("Terima kasih. Jawaban Bapak/Ibu tercatat: {answer}", answer=label)
    else:
        thanks = ctx.tr._("Jawaban Bapak/Ibu sudah tercatat: {answer}", answer=label)
    ctx.toast(html.unescape(thanks))  # a toast is plain text, not HTML
    if parts[4:5] == ["v"]:
        await show_meeting(ctx, meeting_id, edit=True)
    else:
        ctx.edit_buttons(keyboard(rsvp_keyboard(ctx.tr, meeting_id, result.rsvp.value)))
