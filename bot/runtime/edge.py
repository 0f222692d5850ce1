"""The edge contract: what the bot needs from a Telegram framework, and nothing more.

Both runtimes (python-telegram-bot in `bot.runtime.ptb`, aiogram in `bot.runtime.aiogram`)
turn their updates into `bot.ui.Incoming` and implement `Edge` for what goes out. Everything
else in `bot.runtime` — replies, the outbox sender, pacing, per-chat order, reminders, operator
alerts — is written against this module only, so a runtime is a thin adapter and neither
copies the other.

Errors are the framework's, translated to four kinds the callers act on differently:
`Blocked` (403: never retry), `SlowDown` (429: wait `seconds`), `Refused` (400: will never
succeed as it is) and `Trouble` (5xx, timeouts, dropped connections: retry later; Telegram may
have delivered it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.ui import FileRef, Incoming, Keyboard


class EdgeError(Exception):
    """A Bot API call failed; the subclass says what to do about it."""


class Unauthorized(EdgeError):
    """401/404 on getMe: the server does not know this bot token."""


class Blocked(EdgeError):
    """403: the person blocked the bot or deleted their account."""


class SlowDown(EdgeError):
    """429: Telegram asks to wait `seconds` before sending again."""

    def __init__(self, seconds: float, message: str = "") -> None:
        super().__init__(message or f"retry after {seconds:g}s")
        self.seconds = seconds


class Refused(EdgeError):
    """400: the call itself is wrong (text too long, bad HTML, message gone)."""

    @property
    def not_modified(self) -> bool:
        """An edit that changes nothing: harmless, the message already shows it."""
        return "not modified" in str(self).lower()


class Trouble(EdgeError):
    """5xx, a timeout or a dropped connection: try again later."""


@dataclass(frozen=True)
class Lane:
    """Which line of the pacer a send waits in (see `bot.runtime.pacing`).

    Replies use the default; the outbox sender passes `outbox=True` with its row's priority,
    so a 429 comes back to it (it re-queues the row) instead of being waited out.
    """

    outbox: bool = False
    priority: int = 0


REPLY = Lane()


class Edge(Protocol):
    """Bot API calls in the bot's own terms. Texts are HTML; ids are Telegram's."""

    async def send_text(
        self,
        chat_id: int,
        text: str,
        buttons: Keyboard = (),
        *,
        remove_keyboard: bool = False,
        lane: Lane = REPLY,
    ) -> int:
        """Send a message; returns its message id."""
        ...

    async def send_file(
        self,
        chat_id: int,
        file: FileRef,
        caption: str | None,
        buttons: Keyboard = (),
        *,
        lane: Lane = REPLY,
    ) -> int:
        """Send a photo or document (uploaded bytes or a stored file id); its message id."""
        ...

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, buttons: Keyboard = ()
    ) -> None:
        """Replace a message's text and inline buttons."""
        ...

    async def edit_buttons(self, chat_id: int, message_id: int, buttons: Keyboard = ()) -> None:
        """Replace (or, with none, remove) a message's inline buttons."""
        ...

    async def answer_callback(self, callback_id: str, text: str | None = None) -> None:
        """Stop a pressed button's spinner, with an optional toast."""
        ...

    async def set_chat_menu(self, chat_id: int, menu: tuple[tuple[str, str], ...]) -> None:
        """This chat's "/" menu; an empty menu restores the default."""
        ...

    async def set_default_menu(self, menu: tuple[tuple[str, str], ...], locale: str) -> None:
        """The "/" menu for everyone whose Telegram is in `locale`."""
        ...


def is_reply_keyboard(buttons: Keyboard) -> bool:
    """Buttons that ask the phone for something make a reply keyboard; others are inline."""
    return any(b.request for row in buttons for b in row)


@dataclass(frozen=True)
class Webhook:
    """Serve updates over HTTPS instead of long polling (WEBHOOK_URL and WEBHOOK_SECRET)."""

    listen: str
    port: int
    path: str
    url: str  # what Telegram is told, ending in `path`
    secret: str


@dataclass(frozen=True)
class Handlers:
    """What a runtime calls for its updates (see `bot.runtime.dispatch`)."""

    # One update: the pressed message (for a button) and the callback to answer.
    handle: Callable[[Incoming, int | None, str | None], Awaitable[None]]
    # Handling raised: log, page the operator, apologise (the Incoming when it was read).
    failed: Callable[[BaseException, Incoming | None, str | None], Awaitable[None]]
    # Someone sends faster than we answer: tell them once.
    ask_to_wait: Callable[[Incoming], Awaitable[None]]


class Frontend(Protocol):
    """One framework's connection to Telegram: updates in (polling or webhook), the edge out."""

    edge: Edge
    server: str  # the Bot API root URL, for messages to the operator
    handlers: Handlers | None  # what each update is handed to (set by start)

    async def connect(self) -> str:
        """getMe: the bot's username; raises `EdgeError` (Unauthorized, Trouble…)."""
        ...

    async def start(self, handlers: Handlers, webhook: Webhook | None, poll_timeout: int) -> None:
        """Begin receiving updates; each chat's in order, `max_concurrent_updates` at once."""
        ...

    async def feed(self, raw: dict[str, Any]) -> None:
        """Handle an update given as the Bot API's JSON, as if Telegram had sent it (tests)."""
        ...

    async def stop(self) -> None:
        """Stop receiving and finish the updates already taken."""
        ...

    async def close(self) -> None:
        """Free the HTTP sessions."""
        ...
