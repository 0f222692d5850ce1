"""The other yardstick: a bare aiogram 3 echo bot, the same shape as `echo_bot` (PTB).

Run as its own process (`python -m tests.bench.load.aiogram_echo`) with TELEGRAM_BOT_TOKEN
and TELEGRAM_API_SERVER set, so its memory is aiogram's alone: a `Dispatcher` long-polling
with `handle_as_tasks=True` (each update in its own task, as PTB's concurrent updates), one
message handler that sends the text back, aiogram's default aiohttp session. No database, no
state, nothing of ours.
"""

from __future__ import annotations

import asyncio
import logging
import os

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message


async def echo(message: Message) -> None:
    """Send the text back."""
    if message.text:
        await message.bot.send_message(message.chat.id, message.text)  # type: ignore[union-attr]


async def serve() -> None:
    """Poll the server named by TELEGRAM_API_SERVER until SIGINT/SIGTERM."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(os.environ["TELEGRAM_API_SERVER"]))
    bot = Bot(os.environ["TELEGRAM_BOT_TOKEN"], session=session)
    dispatcher = Dispatcher()
    dispatcher.message.register(echo)  # commands are text too
    # handle_signals: SIGINT/SIGTERM stop the polling cleanly, as PTB's run_polling does.
    await dispatcher.start_polling(bot, polling_timeout=10, handle_as_tasks=True)


def main() -> None:
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "WARNING"))
    asyncio.run(serve())


if __name__ == "__main__":
    main()
