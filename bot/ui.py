"""Plain chat values shared by every layer above the domain: what comes in, what goes out.

Nothing here knows Telegram. The runtime turns an update into an `Incoming` and each `Reply`
into a Telegram call, so a second runtime (aiogram) only needs a new edge.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Request(StrEnum):
    """A reply-keyboard button that asks the phone for something."""

    CONTACT = "contact"
    LOCATION = "location"


@dataclass(frozen=True)
class Button:
    """An inline button (callback `data` ≤ 64 bytes or a `url`), or a phone request button."""

    label: str
    data: str | None = None
    url: str | None = None
    request: Request | None = None


Keyboard = tuple[tuple[Button, ...], ...]


def keyboard(*rows: list[Button] | tuple[Button, ...] | Button) -> Keyboard:
    """Build a keyboard; a bare Button is a row of one."""
    return tuple((row,) if isinstance(row, Button) else tuple(row) for row in rows)


@dataclass(frozen=True)
class FileRef:
    """A file on Telegram's servers (`file_id`), or one the bot made (`content`, to upload)."""

    file_id: str
    kind: str  # "photo" | "document"
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    content: bytes | None = None


@dataclass(frozen=True)
class Reply:
    """One message to the person: HTML text and optional buttons under it.

    `edit=True` replaces the message whose button was pressed instead of sending a new one;
    with `keep_text` only its buttons change (the text, e.g. a queued invitation, stays as sent).
    A keyboard made of `request` buttons becomes a reply keyboard; `remove_keyboard` clears one.
    """

    text: str
    buttons: Keyboard = ()
    edit: bool = False
    remove_keyboard: bool = False
    attachment: FileRef | None = None  # sent as a photo or document, `text` its caption
    keep_text: bool = False  # with `edit`: change only the pressed message's buttons


@dataclass(frozen=True)
class Incoming:
    """One update from a person, reduced to what the conversations need."""

    update_id: int
    user_id: int
    chat_id: int
    first_name: str = ""
    last_name: str = ""
    language_code: str | None = None
    private: bool = True
    # text | command | callback | contact | location | file | voice | edited | other | blocked
    # | unblocked
    kind: str = "text"
    text: str = ""
    command: str | None = None
    args: tuple[str, ...] = ()
    callback_data: str | None = None
    phone: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    file: FileRef | None = None
    # For a button: whether the pressed message is text (a photo or file with a caption
    # cannot take editMessageText; a reply then comes as a new message).
    pressed_is_text: bool = True

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.last_name) if p).strip()


@dataclass
class Response:
    """What handling one update produced: replies, and a short toast for a pressed button."""

    replies: list[Reply] = field(default_factory=list)
    toast: str | None = None
    # Set when the domain enqueued outbox rows, so the sender wakes at once.
    outbox_touched: bool = False
    # This chat's "/" menu changed (roles or language): (command, description) pairs; an empty
    # tuple removes the chat's own menu so the default one shows.
    command_menu: tuple[tuple[str, str], ...] | None = None
    # The update was handled before (Telegram delivered it again): nothing to send or tidy up.
    repeated: bool = False
    # A press was refused as invalid input: the question is still open, so the pressed
    # message keeps its buttons (a person who pressed "Lanjut" with nothing ticked can tick).
    keep_pressed: bool = False
    # Slow work to do after the update's transaction committed (see Context.after_commit);
    # each returns more replies.
    later: list[Callable[[], Awaitable[list[Reply]]]] = field(default_factory=list)

    def add(self, *replies: Reply) -> Response:
        self.replies.extend(replies)
        return self
