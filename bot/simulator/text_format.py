"""From (text, parse_mode, entities) to the text and entities a chat shows, with Telegram's checks."""

from __future__ import annotations

import re
from typing import Any

from bot.simulator.errors import bad_request
from bot.simulator.html_check import Entity, parse_html, utf16_len
from bot.simulator.markdown_check import parse_markdown, parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024
_TRIM = " \t\r\n\v\f"

# Telegram marks these in any text, typed by a user or sent by a bot.
_AUTO_PATTERNS = (
    (
        "bot_command",
        re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])"),
    ),
    ("mention", re.compile(r"(?<![\w@])@[A-Za-z0-9_]{2,32}(?!\w)")),
    ("hashtag", re.compile(r"(?<![\w#])#(?=\w*[^\W\d_])\w{1,256}(?![\w#])")),
    ("url", re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")),
)


def format_text(
    text: str, parse_mode: str | None, entities: list[Any] | None, *, strict: bool
) -> tuple[str, list[Entity]]:
    """Parse markup (explicit entities win over parse_mode), trim, add automatic entities."""
    if entities is not None:
        plain, found = text, [dict(e) for e in entities if isinstance(e, dict)]
    elif not parse_mode:
        plain, found = text, []
    else:
        mode = parse_mode.lower()
        if mode == "html":
            plain, found = parse_html(text, strict=strict)
        elif mode == "markdownv2":
            plain, found = parse_markdown_v2(text)
        elif mode == "markdown":
            plain, found = parse_markdown(text)
        else:
            raise bad_request("unsupported parse_mode")
    plain, found = _trim(plain, found)
    return plain, _with_auto_entities(plain, found)


def check_message_text(plain: str) -> None:
    """Telegram's bounds for a text message, counted after entity parsing."""
    if not plain:
        raise bad_request("message text is empty")
    if utf16_len(plain) > MAX_TEXT:
        raise bad_request("message is too long")


def check_caption(plain: str) -> None:
    """Telegram's bound for a media caption."""
    if utf16_len(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")


def auto_entities(text: str) -> list[Entity]:
    """Entities Telegram detects by itself: commands, mentions, hashtags, URLs."""
    return _with_auto_entities(text, [])


def _trim(plain: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Telegram strips leading/trailing whitespace and moves entities along."""
    stripped = plain.strip(_TRIM)
    if stripped == plain:
        return plain, entities
    lead = len(plain) - len(plain.lstrip(_TRIM))  # whitespace is 1 UTF-16 unit per char
    size = utf16_len(stripped)
    kept = []
    for e in entities:
        start = max(0, int(e.get("offset", 0)) - lead)
        end = min(size, int(e.get("offset", 0)) + int(e.get("length", 0)) - lead)
        if end > start:
            kept.append({**e, "offset": start, "length": end - start})
    return stripped, kept


def _with_auto_entities(text: str, entities: list[Entity]) -> list[Entity]:
    taken = [(e["offset"], e["offset"] + e["length"]) for e in entities]
    found = list(entities)
    for kind, pattern in _AUTO_PATTERNS:
        for m in pattern.finditer(text):
            start = utf16_len(text[: m.start()])
            end = start + utf16_len(m.group())
            if any(start < b and a < end for a, b in taken):
                continue
            taken.append((start, end))
            found.append({"type": kind, "offset": start, "length": end - start})
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return found
