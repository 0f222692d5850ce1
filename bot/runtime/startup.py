"""Before the bot starts: wait until Telegram (or TELEGRAM_API_SERVER) answers and takes the token.

Without it, a framework's start-up fails at the first unreachable server with tracebacks. Here a
server that cannot be reached is retried with backoff, one log line per attempt; a refused token
ends in one line. The token is part of every Bot API URL, so it is removed from what is logged.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.i18n import N_
from bot.runtime.edge import EdgeError, SlowDown, Trouble, Unauthorized

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]
MASK = "<token>"  # what is written where the bot token would be
REFUSED = N_(
    "Telegram di {server} menolak token bot ({answer}): periksa TELEGRAM_BOT_TOKEN dan "
    "TELEGRAM_API_SERVER."
)
UNREACHABLE = N_(
    "Telegram di {server} tidak dapat dihubungi ({reason}); berhenti setelah {attempts} kali "
    "mencoba."
)
UNEXPECTED = N_("Telegram di {server} memberi jawaban yang tidak terduga: {answer}")


class TelegramStartupError(Exception):
    """The bot cannot start talking to Telegram; the message is one line for the operator.

    `msgid` and `params` let the command line say it in the operator's language.
    """

    def __init__(self, msgid: str, **params: str) -> None:
        super().__init__(msgid.format(**params))
        self.msgid, self.params = msgid, params


class TelegramUnauthorized(TelegramStartupError):
    """The server refused the bot token (401/404 from getMe)."""


class TelegramUnreachable(TelegramStartupError):
    """Telegram could not be reached in the attempts allowed."""


async def wait_for_telegram(
    connect: Callable[[], Awaitable[str]],
    *,
    server: str,
    token: str,
    attempts: int | None = None,
    first_delay: float = 1.0,
    max_delay: float = 60.0,
    sleep: Sleep = asyncio.sleep,
) -> str:
    """Call `connect` (a runtime's getMe), retrying network failures with exponential backoff;
    returns the bot's username.

    `attempts=None` retries until the server answers. Raises TelegramUnauthorized when the
    token is refused and TelegramUnreachable when the attempts run out.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await connect()
        except Unauthorized as error:
            raise TelegramUnauthorized(
                REFUSED, server=server, answer=_redact(str(error), token)
            ) from None
        except SlowDown as error:
            reason, delay = "flood control", error.seconds
        except Trouble as error:  # timeouts, refused connections, 5xx
            reason, delay = _redact(str(error), token), _backoff(attempt, first_delay, max_delay)
        except EdgeError as error:
            raise TelegramStartupError(
                UNEXPECTED, server=server, answer=_redact(str(error), token)
            ) from None
        if attempts is not None and attempt >= attempts:
            raise TelegramUnreachable(
                UNREACHABLE, server=server, reason=reason, attempts=str(attempt)
            )
        log.warning(
            "Telegram at %s is not reachable (%s); trying again in %s s (attempt %d)",
            server,
            reason,
            f"{delay:g}",
            attempt,
        )
        await sleep(delay)


class TokenFilter(logging.Filter):
    """Masks the bot token in every record a handler writes: message, arguments and trace.

    The token is part of every Bot API URL, and the frameworks log their URLs at DEBUG.
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
