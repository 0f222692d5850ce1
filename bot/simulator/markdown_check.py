"""Telegram's MarkdownV2 and legacy Markdown parse modes (after tdlib's parsers).

Only what a bot can get wrong is modelled faithfully: reserved characters, unterminated
entities and their byte offsets. Entity output is good enough for display and comparison.
"""

from __future__ import annotations

from typing import Any

from bot.simulator.errors import TelegramError

Entity = dict[str, Any]

_RESERVED = set(b"_*[]()~`>#+-=|{}.!\n")
_SPACES = frozenset(b" \t\r\n\v\0")
# tdlib's names for entity types, used in its error messages.
_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "code": "Code",
    "pre": "Pre",
    "pre_code": "PreCode",
    "custom_emoji": "CustomEmoji",
    "blockquote": "BlockQuote",
}


def _fail(message: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: can't parse entities: {message}")


def _reserved(ch: int) -> TelegramError:
    return _fail(f"Character '{chr(ch)}' is reserved and must be escaped with the preceding '\\'")


class _Text:
    """Output buffer that tracks the UTF-16 offset of what was written."""

    def __init__(self) -> None:
        self.out = bytearray()
        self.utf16 = 0

    def put(self, byte: int) -> None:
        self.out.append(byte)
        if byte & 0xC0 != 0x80:
            self.utf16 += 2 if byte >= 0xF0 else 1


class _Open:
    def __init__(self, kind: str, argument: str, offset: int, byte_offset: int, out_pos: int):
        self.kind = kind
        self.argument = argument
        self.offset = offset
        self.byte_offset = byte_offset
        self.out_pos = out_pos


def _is_end(top: _Open, b: bytes, i: int, at: Any, have_quote: bool) -> bool:
    """Does the reserved character at ``i`` close the innermost open entity?"""
    c = b[i]
    if have_quote and c == ord("\n") and (i + 1 == len(b) or b[i + 1] != ord(">")):
        return True
    return {
        "bold": c == ord("*"),
        "italic": c == ord("_") and at(i + 1) != ord("_"),
        "code": c == ord("`"),
        "pre": c == ord("`") and at(i + 1) == ord("`") and at(i + 2) == ord("`"),
        "pre_code": c == ord("`") and at(i + 1) == ord("`") and at(i + 2) == ord("`"),
        "text_link": c == ord("]"),
        "underline": c == ord("_") and at(i + 1) == ord("_"),
        "strikethrough": c == ord("~"),
        "spoiler": c == ord("|") and at(i + 1) == ord("|"),
        "custom_emoji": c == ord("]"),
    }.get(top.kind, False)


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2; returns (plain text, entities) or raises TelegramError 400."""
    b = text.encode("utf-8")

    def at(k: int) -> int:
        return b[k] if k < len(b) else 0

    t = _Text()
    entities: list[Entity] = []
    stack: list[_Open] = []
    have_quote = False
    i = 0
    while i < len(b):
        c = b[i]
        if c == ord("\\") and 0 < at(i + 1) <= 126:
            t.put(b[i + 1])
            i += 2
            continue
        in_code = bool(stack) and stack[-1].kind in ("code", "pre", "pre_code")
        if c != ord("`") if in_code else c not in _RESERVED:
            t.put(c)
            i += 1
            continue
        if stack and _is_end(stack[-1], b, i, at, have_quote):
            i, have_quote = _close_v2(stack, entities, t, b, i, at, have_quote)
            continue
        byte_offset = i
        kind, argument = "", ""
        if c == ord("_"):
            kind = "underline" if at(i + 1) == ord("_") else "italic"
            i += 1 if kind == "underline" else 0
        elif c == ord("*"):
            kind = "bold"
        elif c == ord("~"):
            kind = "strikethrough"
        elif c == ord("|") and at(i + 1) == ord("|"):
            kind, i = "spoiler", i + 1
        elif c == ord("["):
            kind = "text_link"
        elif c == ord("!") and at(i + 1) == ord("["):
            kind, i = "custom_emoji", i + 1
        elif c == ord("`"):
            kind, argument, i = _open_code(b, i, at)
        elif c == ord("\n"):
            t.put(c)
            if at(i + 1) == ord(">"):
                i += 1
                if not have_quote:
                    kind, have_quote = "blockquote", True
            if not kind:
                i += 1
                continue
        elif c == ord(">") and i == 0:
            kind, have_quote = "blockquote", True
        else:
            raise _reserved(c)
        stack.append(_Open(kind, argument, t.utf16, byte_offset, len(t.out)))
        i += 1
    if have_quote and stack and stack[-1].kind == "blockquote":
        top = stack.pop()
        if t.utf16 > top.offset:
            entities.append(
                {"type": "blockquote", "offset": top.offset, "length": t.utf16 - top.offset}
            )
    if stack:
        top = stack[-1]
        raise _fail(f"Can't find end of {_NAMES[top.kind]} entity at byte offset {top.byte_offset}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return t.out.decode("utf-8"), entities


def _open_code(b: bytes, i: int, at: Any) -> tuple[str, str, int]:
    """Start of ` or ```lang; returns (kind, language, index of the last consumed byte)."""
    if not (at(i + 1) == ord("`") and at(i + 2) == ord("`")):
        return "code", "", i
    i += 3
    end = i
    while at(end) not in _SPACES and at(end) != ord("`"):
        end += 1
    kind, language = "pre", ""
    if i != end and end < len(b) and at(end) != ord("`"):
        kind, language, i = "pre_code", b[i:end].decode("utf-8", "replace"), end
    if at(i) in (ord("\n"), ord("\r")):
        pair = at(i + 1) in (ord("\n"), ord("\r")) and at(i) != at(i + 1)
        i += 2 if pair else 1
    return kind, language, i - 1


def _close_v2(
    stack: list[_Open], entities: list[Entity], t: _Text, b: bytes, i: int, at: Any, quote: bool
) -> tuple[int, bool]:
    """Close the innermost entity at ``i``; returns (next index, still inside a quote)."""
    top = stack[-1]
    c = b[i]
    if c == ord("\n") and top.kind != "blockquote":
        raise _fail(f"Can't find end of {_NAMES[top.kind]} entity at byte offset {top.byte_offset}")
    stack.pop()
    skip = t.utf16 == top.offset
    entity: Entity = {"type": top.kind, "offset": top.offset}
    if top.kind in ("underline", "spoiler"):
        i += 1
    elif top.kind in ("pre", "pre_code"):
        i += 2
        entity["type"] = "pre"
        if top.argument:
            entity["language"] = top.argument
    elif top.kind in ("text_link", "custom_emoji"):
        url, i = _link_target(b, i, at, top)
        url = url or t.out[top.out_pos :].decode("utf-8", "replace")
        if top.kind == "custom_emoji":
            entity["custom_emoji_id"] = url.rsplit("=", 1)[-1]
        elif url:
            entity["url"] = url
        else:
            skip = True
    elif top.kind == "blockquote":
        quote = False
        t.put(c)
    if not skip:
        entity["length"] = t.utf16 - top.offset
        entities.append(entity)
    return i + 1, quote


def _link_target(b: bytes, i: int, at: Any, top: _Open) -> tuple[str, int]:
    """Read ``(url)`` after ``]``; returns (url, index of ')')."""
    if at(i + 1) != ord("("):
        if top.kind == "custom_emoji":
            raise TelegramError(
                400,
                "Bad Request: can't parse entities: Custom emoji entity must contain a tg://emoji URL",
            )
        return "", i
    i += 2
    start = i
    url = bytearray()
    while i < len(b) and b[i] != ord(")"):
        if b[i] == ord("\\") and 0 < at(i + 1) <= 126:
            url.append(b[i + 1])
            i += 2
            continue
        url.append(b[i])
        i += 1
    if at(i) != ord(")"):
        what = "a custom emoji URL" if top.kind == "custom_emoji" else "a URL"
        raise _fail(f"Can't find end of {what} at byte offset {start}")
    return url.decode("utf-8", "replace"), i


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown (parse_mode "Markdown"); raises TelegramError 400 on errors."""
    b = text.encode("utf-8")

    def at(k: int) -> int:
        return b[k] if k < len(b) else 0

    t = _Text()
    entities: list[Entity] = []
    i = 0
    while i < len(b):
        c = b[i]
        if c == ord("\\") and at(i + 1) in b"_*`[":
            t.put(b[i + 1])
            i += 2
            continue
        if c not in b"_*`[":
            t.put(c)
            i += 1
            continue
        begin = i
        end_char = ord("]") if c == ord("[") else c
        is_pre = c == ord("`") and at(i + 1) == ord("`") and at(i + 2) == ord("`")
        language = ""
        if is_pre:
            _kind, language, i = _open_code(b, i, at)
        i += 1
        offset = t.utf16
        while i < len(b) and (
            b[i] != end_char or (is_pre and not (at(i + 1) == ord("`") and at(i + 2) == ord("`")))
        ):
            t.put(b[i])
            i += 1
        if i >= len(b):
            raise _fail(f"Can't find end of the entity starting at byte offset {begin}")
        entity: Entity = {"offset": offset, "length": t.utf16 - offset}
        if c == ord("["):
            entity["type"] = "text_link"
            if at(i + 1) == ord("("):
                close = b.find(b")", i + 2)
                close = len(b) if close < 0 else close
                entity["url"] = b[i + 2 : close].decode("utf-8", "replace")
                i = close
            else:
                entity["url"] = b[begin + 1 : i].decode("utf-8", "replace")
        else:
            entity["type"] = {ord("_"): "italic", ord("*"): "bold"}.get(
                c, "pre" if is_pre else "code"
            )
            if language:
                entity["language"] = language
        if entity["length"] > 0:
            entities.append(entity)
        i += 3 if is_pre else 1
    return t.out.decode("utf-8"), entities
