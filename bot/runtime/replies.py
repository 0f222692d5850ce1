"""Replies → edge calls: send each, or edit the pressed message in place; menus per chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TypeVar

from bot.runtime.edge import Edge, EdgeError, Refused, Trouble, is_reply_keyboard
from bot.ui import Reply

log = logging.getLogger(__name__)
T = TypeVar("T")
# Waits (seconds) before each new try of a call that met network trouble (5xx, a timeout, a
# dropped connection): about 15 s in all, then the failure is the caller's.
TROUBLE_BACKOFF = (0.5, 1.0, 2.0, 4.0, 8.0)


async def retrying(call: Callable[[], Awaitable[T]]) -> T:
    """`call()`, tried again with backoff while Telegram answers 5xx or does not answer.

    A reply lost to a passing 5xx would leave a person without the next question, so it is
    sent again. A 5xx, a refused connection or a request that never reached Telegram did
    nothing, so the retry sends nothing twice. Only a timeout *after* Telegram took the
    message can duplicate it (the message arrived, its answer did not): the person then
    sees the same message twice, which is better than a form that never moves on.
    """
    for delay in TROUBLE_BACKOFF:
        try:
            return await call()
        except Trouble as error:
            log.info("Telegram trouble (%s); trying again in %ss", error, delay)
            await asyncio.sleep(delay)
    return await call()


async def send_replies(
    edge: Edge,
    chat_id: int,
    replies: list[Reply],
    pressed_message_id: int | None,
    *,
    pressed_is_text: bool = True,
) -> None:
    """Send (or edit in place) each reply; strip the buttons of a pressed message otherwise."""
    edited = False
    for reply in replies:
        if reply.attachment is not None:
            await retrying(
                partial(
                    edge.send_file, chat_id, reply.attachment, reply.text or None, reply.buttons
                )
            )
            continue
        editable = pressed_is_text or reply.keep_text  # a caption is not a text to replace
        if reply.edit and editable and pressed_message_id is not None and not edited:
            edited = await _edit(edge, chat_id, pressed_message_id, reply)
            if edited:
                continue
        if reply.keep_text:
            continue  # only buttons to change, and no message to change them on
        await retrying(
            partial(
                edge.send_text,
                chat_id,
                reply.text,
                reply.buttons,
                remove_keyboard=reply.remove_keyboard,
            )
        )
    if pressed_message_id is not None and not edited:
        # An answered question should not keep live buttons: a later tap would be stale.
        # Refused: already without buttons (a double tap), or too old to edit.
        with contextlib.suppress(Refused):
            await retrying(lambda: edge.edit_buttons(chat_id, pressed_message_id, ()))


async def _edit(edge: Edge, chat_id: int, message_id: int, reply: Reply) -> bool:
    """Edit the pressed message; False when it cannot be (a new message is sent instead)."""
    if is_reply_keyboard(reply.buttons):
        return False  # a message's inline buttons cannot become a reply keyboard
    try:
        # An edit is idempotent: retrying it never shows anything twice.
        if reply.keep_text:
            await retrying(lambda: edge.edit_buttons(chat_id, message_id, reply.buttons))
        else:
            await retrying(lambda: edge.edit_text(chat_id, message_id, reply.text, reply.buttons))
        return True
    except Refused as error:
        if error.not_modified:
            return True
        log.info("could not edit message %s: %s", message_id, error)
        return False


async def update_chat_menu(edge: Edge, chat_id: int, menu: tuple[tuple[str, str], ...]) -> None:
    """Show this person only the commands their roles allow; none left → the default menu."""
    try:
        await retrying(lambda: edge.set_chat_menu(chat_id, menu))
    except EdgeError as error:  # a stale menu is an inconvenience, not a failure
        log.warning("could not update the command menu of chat %s: %s", chat_id, error)
