"""The PTB handlers: one for every update, one for errors. Both stay thin."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.i18n import Translator, normalise_locale
from bot.runtime.render import send_replies
from bot.runtime.updates import to_incoming

if TYPE_CHECKING:
    from bot.runtime.app import Runtime

log = logging.getLogger(__name__)


def _runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]  # type: ignore[no-any-return]


async def on_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every update goes through the router; replies are sent after its transaction commits."""
    runtime = _runtime(context)
    incoming = to_incoming(update, context.bot.username)
    if incoming is None:
        return
    response = await runtime.router.handle(incoming)
    if response.repeated:
        # Telegram delivered it again: the first delivery answered it, stopped the spinner and
        # took the pressed message's buttons away (again, Telegram would refuse with 400).
        return
    query = update.callback_query
    pressed = query.message.message_id if query is not None and query.message is not None else None
    try:
        await send_replies(context.bot, incoming.chat_id, response.replies, pressed)
        if response.command_menu is not None:
            await update_chat_menu(context.bot, incoming.chat_id, response.command_menu)
    finally:
        if query is not None:
            # Always answer, or the button keeps spinning; answering last means the spinner
            # stops when the answer is on screen.
            with contextlib.suppress(BadRequest):
                await query.answer(response.toast)


async def ask_to_wait(bot: Bot, update: Update) -> None:
    """Someone sends faster than we can answer: say so once; every message is still answered."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type != "private":
        return
    tr = Translator(normalise_locale(user.language_code if user else None))
    await bot.send_message(
        chat.id, tr._("Mohon tunggu sebentar… Semua pesan Bapak/Ibu akan dijawab berurutan.")
    )


async def update_chat_menu(bot: Bot, chat_id: int, menu: tuple[tuple[str, str], ...]) -> None:
    """Show this person only the commands their roles allow; none left → the default menu."""
    scope = BotCommandScopeChat(chat_id)
    try:
        if menu:
            await bot.set_my_commands([BotCommand(name, text) for name, text in menu], scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)
    except TelegramError as error:  # a stale menu is an inconvenience, not a failure
        log.warning("could not update the command menu of chat %s: %s", chat_id, error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log first, tell the operator (rate-limited), then apologise; never show a trace."""
    log.error("error while handling an update", exc_info=context.error)
    alerts = _runtime(context).alerts
    if alerts is not None and isinstance(context.error, Exception):
        await alerts.report(context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    user = update.effective_user
    tr = Translator(normalise_locale(user.language_code if user else None))
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    if update.effective_chat.type == "private":
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(
                update.effective_chat.id,
                tr._(
                    "Maaf, terjadi gangguan saat memproses pesan Bapak/Ibu. Isian sebelumnya tetap "
                    "tersimpan. Silakan coba beberapa saat lagi, atau ketik /bantuan."
                ),
            )
