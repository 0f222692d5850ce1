"""What a simulated user sees: bot messages and their buttons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class SimButton:
    """An inline keyboard button; ``raw`` is its full JSON (web_app, copy_text, ...)."""

    text: str
    callback_data: str | None = None
    url: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class SimMessage:
    """A message the bot sent to a chat, kept up to date when the bot edits or deletes it.

    ``text`` and ``plain`` are what the user reads (caption for media, tags stripped and
    entities unescaped, like Telegram's ``Message.text``); ``html`` is the string exactly as
    the bot sent it, markup included.
    """

    message_id: int
    chat_id: int
    text: str = ""
    parse_mode: str | None = None
    buttons: list[list[SimButton]] = field(default_factory=list)
    reply_keyboard: list[list[dict[str, Any]]] | None = None
    remove_keyboard: bool = False
    force_reply: bool = False
    entities: list[dict[str, Any]] = field(default_factory=list)
    document: dict[str, Any] | None = None
    photo: list[dict[str, Any]] | None = None
    location: dict[str, Any] | None = None
    kind: str = "text"  # text | photo | document | location
    edited: bool = False
    deleted: bool = False
    html: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def plain(self) -> str:
        """Text (or caption) as the user sees it."""
        return self.text

    @property
    def caption(self) -> str:
        """Alias of ``text`` for media messages."""
        return self.text

    def button_labels(self) -> list[str]:
        """All inline button labels, row by row."""
        return [b.text for row in self.buttons for b in row]

    def find_button(self, label: str) -> SimButton | None:
        """Button labelled ``label``; else the first containing it (then ignoring case)."""
        flat = [b for row in self.buttons for b in row]
        for matches in (
            lambda b: b.text == label,
            lambda b: label in b.text,
            lambda b: label.casefold() in b.text.casefold(),
        ):
            found = [b for b in flat if matches(b)]
            if found:
                return found[0]
        return None

    def reply_labels(self) -> list[str]:
        """Labels of the reply keyboard sent with this message."""
        return [b["text"] for row in self.reply_keyboard or [] for b in row]

    def __str__(self) -> str:
        labels = " ".join(f"[{label}]" for label in self.button_labels())
        return f"#{self.message_id} {self.text!r} {labels}".rstrip()
