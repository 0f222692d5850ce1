"""Before the bot starts: wait until Telegram (or TELEGRAM_API_SERVER) answers and takes the token.

Without it, PTB's start-up fails at the first unreachable server with three tracebacks. Here a
server that cannot be reached is retried with backoff, one log line per attempt; a refused token
ends in one line. The token is part of every Bot API URL, so it is removed from what is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, RetryAfter, TelegramError

from bot.runtime.pacing import retry_seconds

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]
MASK = "<token>"  # what is written where the bot token would be


class TelegramStartupError(Exception):
    """The bot cannot start talking to Telegram; the message is one line for the operator."""


class TelegramUnauthorized(TelegramStartupError):
    """The server refused the bot token (401/404 from getMe)."""


class TelegramUnreachable(TelegramStartupError):
    """Telegram could not be reached in the attempts allowed."""


async def wait_for_telegram(
    bot: Bot,
    *,
    attempts: int | None = None,
    first_delay: float = 1.0,
    max_delay: float = 60.0,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Initialize `bot` (getMe), retrying network failures with exponential backoff.

    `attempts=None` retries until the server answers. Raises TelegramUnauthorized when the
    token is refused and TelegramUnreachable when the attempts run out.
    """
    server = server_of(bot)
    attempt = 0
    while True:
        attempt += 1
        try:
            # initialize() caches getMe, so the application's own initialize() asks no more.
            await bot.initialize()
            return
        except InvalidToken as error:
            # PTB's own message quotes the token; the server's answer is its cause.
            answer = _redact(str(error.__cause__ or "Unauthorized"), bot.token)
            raise TelegramUnauthorized(
                f"Telegram at {server} refused the bot token ({answer}): "
                "check TELEGRAM_BOT_TOKEN and TELEGRAM_API_SERVER."
            ) from None
        except RetryAfter as error:
            reason, delay = "flood control", retry_seconds(error)
        except NetworkError as error:  # TimedOut is a NetworkError too
            reason, delay = (
                _redact(str(error), bot.token),
                _backoff(attempt, first_delay, max_delay),
            )
        except TelegramError as error:
            raise TelegramStartupError(
                f"Telegram at {server} gave an unexpected answer: {_redact(str(error), bot.token)}"
            ) from None
        if attempts is not None and attempt >= attempts:
            raise TelegramUnreachable(
                f"Telegram at {server} is not reachable ({reason}); gave up after "
                f"{attempt} attempts."
            )
        log.warning(
            "Telegram at %s is not reachable (%s); trying again in %s s (attempt %d)",
            server,
            reason,
            f"{delay:g}",
            attempt,
        )
        await sleep(delay)


async def check_telegram(token: str, api_server: str) -> None:
    """`wait_for_telegram` with a throwaway Bot on `api_server` (for the synchronous `run()`)."""
    bot = Bot(token, base_url=api_server + "/bot", base_file_url=api_server + "/file/bot")
    try:
        await wait_for_telegram(bot)
    finally:
        await bot.shutdown()


def server_of(bot: Bot) -> str:
    """The root URL the bot talks to, without "/bot" and the token."""
    return bot.base_url.split(bot.token, 1)[0].removesuffix("/").removesuffix("/bot")


class TokenFilter(logging.Filter):
    """Masks the bot token in every record a handler writes: message, arguments and trace.

    The token is part of every Bot API URL, and PTB logs its URLs at DEBUG ("Set Bot API URL").
    """

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if self.token in message:
            record.msg, record.args = message.replace(self.token, MASK), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and self.token in record.exc_text:
            record.exc_text = record.exc_text.replace(self.token, MASK)
        return True


def mask_token_in_logs(token: str) -> None:
    """Install a TokenFilter on every handler of the root logger (after logging is set up)."""
    for handler in logging.getLogger().handlers:
        handler.addFilter(TokenFilter(token))


def _backoff(attempt: int, first: float, cap: float) -> float:
    return float(min(first * 2 ** (attempt - 1), cap))


def _redact(message: str, token: str) -> str:
    first = message.strip().splitlines()[0] if message.strip() else "no answer"
    return first.replace(token, MASK)
