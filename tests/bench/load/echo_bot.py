"""The yardstick: a bare python-telegram-bot echo bot with concurrent updates on.

Run as its own process (`python -m tests.bench.load.echo_bot`) with TELEGRAM_BOT_TOKEN and
TELEGRAM_API_SERVER set, so its memory is PTB's alone. Every text message, commands
included, is answered with the same text: no database, no state, nothing of ours.

With ECHO_TRANSPORT=aiohttp it sends its calls through the HTTP client our bot uses
(bot/runtime/ptb/http.py) instead of PTB's default httpx: the same bare bot, minus the cost
of the client, for reference.
"""

from __future__ import annotations

import logging
import os

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the text back."""
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


def main() -> None:
    """Poll the server named by TELEGRAM_API_SERVER until SIGINT/SIGTERM."""
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    root = os.environ["TELEGRAM_API_SERVER"].rstrip("/")
    builder = (
        Application.builder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(root + "/bot")
        .base_file_url(root + "/file/bot")
        .concurrent_updates(True)
    )
    if os.environ.get("ECHO_TRANSPORT") == "aiohttp":
        from bot.runtime.ptb.http import AiohttpRequest  # only then: the plain echo loads only PTB

        builder = builder.request(AiohttpRequest(256)).get_updates_request(AiohttpRequest(1))
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))  # commands are text too
    application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=10)


if __name__ == "__main__":
    main()
