"""Telegram's HTML parse mode: turns HTML into plain text + entities, or fails like Telegram.

Follows the algorithm of tdlib's ``parse_html`` (which the Bot API server uses), so the
error wording and byte offsets match what a real bot sees. It walks UTF-8 bytes because
Telegram reports *byte* offsets in errors but UTF-16 offsets in entities.

``strict=True`` (the simulator default) additionally rejects a ``&`` that does not start
an HTML entity and a bare ``>``. Telegram itself keeps those as literal text, but the
project rule is "escape every user-supplied string", and a strict check catches a missing
``html.escape`` before a user's ``<`` does in production.
"""

from __future__ import annotations

from typing import Any

from bot.simulator.errors import TelegramError

Entity = dict[str, Any]

_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
}
# td::is_space counts NUL as space: the C++ parser relies on the string terminator.
_SPACES = frozenset(b" \t\r\n\v\0")
_NAMED = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class _Bytes:
    """UTF-8 bytes that read as 0 past the end, like a C string."""

    def __init__(self, text: str):
        self.b = text.encode("utf-8")

    def at(self, i: int) -> int:
        return self.b[i] if i < len(self.b) else 0


def _decode_entity(s: _Bytes, pos: int) -> tuple[int, int]:
    """Decode an HTML entity at ``s[pos] == '&'``; returns (code point or 0, next position)."""
    end = pos + 1
    code = 0
    if s.at(pos + 1) == ord("#"):
        end += 1
        if s.at(pos + 2) == ord("x"):
            end += 1
            while s.at(end) and chr(s.at(end)) in "0123456789abcdefABCDEF":
                code = code * 16 + int(chr(s.at(end)), 16)
                end += 1
        else:
            while ord("0") <= s.at(end) <= ord("9"):
                code = code * 10 + s.at(end) - ord("0")
                end += 1
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while chr(s.at(end)).isascii() and chr(s.at(end)).isalpha():
            end += 1
        named = _NAMED.get(s.b[pos + 1 : end])
        if named is None:
            return 0, pos
        code = ord(named)
    return code, end + 1 if s.at(end) == ord(";") else end


class _Open:
    """A start tag waiting for its end tag."""

    def __init__(self, tag: str, argument: str, offset: int, out_pos: int, extra: str = ""):
        self.tag = tag
        self.argument = argument
        self.offset = offset  # UTF-16 offset in the output text
        self.out_pos = out_pos  # index in the output string (for <a> without href)
        self.extra = extra


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML; returns (plain text, entities) or raises TelegramError 400."""
    s = _Bytes(text)
    out: list[str] = []
    utf16 = 0
    entities: list[Entity] = []
    stack: list[_Open] = []
    i = 0
    n = len(s.b)
    while i < n:
        c = s.b[i]
        if c == ord("&"):
            code, nxt = _decode_entity(s, i)
            if code:
                if 0xD800 <= code <= 0xDFFF:
                    raise _fail(
                        "Text contains invalid Unicode characters after decoding HTML "
                        "entities, check for unmatched surrogate code units"
                    )
                out.append(chr(code))
                utf16 += 2 if code > 0xFFFF else 1
                i = nxt
                continue
            if strict:
                raise _fail(
                    f"Unescaped '&' at byte offset {i}; write &amp; (simulator strict mode)"
                )
        if c == ord(">") and strict:
            raise _fail(f"Unescaped '>' at byte offset {i}; write &gt; (simulator strict mode)")
        if c != ord("<"):
            start = i
            i += 1
            while i < n and s.b[i] & 0xC0 == 0x80:
                i += 1
            ch = s.b[start:i].decode("utf-8")
            out.append(ch)
            utf16 += 2 if ord(ch) > 0xFFFF else 1
            continue
        if s.at(i + 1) != ord("/"):
            i = _start_tag(s, i, stack, utf16, len(out))
        else:
            i = _end_tag(s, i, stack, entities, utf16, out)
    if stack:
        raise _fail(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for e in entities:
        if e["type"] == "code":
            e.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _fail(message: str) -> TelegramError:
    return TelegramError(400, f"Bad Request: can't parse entities: {message}")


def _start_tag(s: _Bytes, begin: int, stack: list[_Open], utf16: int, out_pos: int) -> int:
    """Parse ``<tag attr=value ...>`` at ``begin``; push it; return the index after '>'."""
    i = begin + 1
    while s.at(i) not in _SPACES and s.at(i) != ord(">"):
        i += 1
    if s.at(i) == 0:
        raise _fail(f"Unclosed start tag at byte offset {begin}")
    tag = s.b[begin + 1 : i].decode("utf-8", "replace").lower()
    if tag not in _ALLOWED_TAGS:
        raise _fail(f'Unsupported start tag "{tag}" at byte offset {begin}')
    argument = ""
    extra = ""
    while s.at(i) != ord(">"):
        while s.at(i) and s.at(i) in _SPACES:
            i += 1
        if s.at(i) == ord(">"):
            break
        name_begin = i
        while s.at(i) not in _SPACES and s.at(i) not in (ord("="), ord(">")):
            i += 1
        name = s.b[name_begin:i].decode("utf-8", "replace")
        if not name:
            raise _fail(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        while s.at(i) and s.at(i) in _SPACES:
            i += 1
        if s.at(i) != ord("="):
            # <blockquote expandable> is the one attribute that takes no value.
            if tag == "blockquote" and name == "expandable":
                extra = "expandable"
                continue
            raise _fail(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        i += 1
        while s.at(i) and s.at(i) in _SPACES:
            i += 1
        if s.at(i) == 0:
            raise _fail(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value, i = _attribute_value(s, i)
        if s.at(i) == 0:
            raise _fail(f"Unclosed start tag at byte offset {begin}")
        if tag == "a" and name == "href":
            argument = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            argument = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            argument = value[3:]
        elif tag == "tg-emoji" and name == "emoji-id":
            argument = value
    if tag == "span" and argument != "spoiler":
        raise _fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
    stack.append(_Open(tag, argument, utf16, out_pos, extra))
    return i + 1


def _attribute_value(s: _Bytes, i: int) -> tuple[str, int]:
    """Read a quoted string (entities decoded) or a bare name token."""
    quote = s.at(i)
    if quote not in (ord("'"), ord('"')):
        start = i
        while s.at(i) and ((chr(s.at(i)).isascii() and chr(s.at(i)).isalnum()) or s.at(i) in b".-"):
            i += 1
        if s.at(i) not in _SPACES and s.at(i) != ord(">"):
            raise _fail(f"Unexpected end of name token at byte offset {start}")
        return s.b[start:i].decode("utf-8").lower(), i
    i += 1
    chunks: list[str] = []
    raw_start = i
    while s.at(i) != quote and s.at(i) != 0:
        if s.at(i) == ord("&"):
            code, nxt = _decode_entity(s, i)
            if code:
                chunks.append(s.b[raw_start:i].decode("utf-8", "replace") + chr(code))
                i = raw_start = nxt
                continue
        i += 1
    chunks.append(s.b[raw_start:i].decode("utf-8", "replace"))
    if s.at(i) == quote:
        i += 1
    return "".join(chunks), i


def _end_tag(
    s: _Bytes, begin: int, stack: list[_Open], entities: list[Entity], utf16: int, out: list[str]
) -> int:
    """Parse ``</tag>`` at ``begin``, pop its start tag and emit the entity."""
    if not stack:
        raise _fail(f"Unexpected end tag at byte offset {begin}")
    i = begin + 2
    while s.at(i) not in _SPACES and s.at(i) != ord(">"):
        i += 1
    name = s.b[begin + 2 : i].decode("utf-8", "replace").lower()
    while s.at(i) and s.at(i) in _SPACES:
        i += 1
    if s.at(i) != ord(">"):
        raise _fail(f"Unclosed end tag at byte offset {begin}")
    top = stack.pop()
    if name and name != top.tag:
        raise _fail(
            f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", found "</{name}>"'
        )
    if utf16 > top.offset:
        entity = _entity_for(top, utf16 - top.offset, entities, "".join(out[top.out_pos :]))
        if entity is not None:
            entities.append(entity)
    return i + 1


def _entity_for(top: _Open, length: int, entities: list[Entity], inner: str) -> Entity | None:
    """The entity a closed tag produces (None when it merges into the previous one)."""
    base: Entity = {"offset": top.offset, "length": length}
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == top.offset and last["length"] == length
    if top.tag in _SIMPLE_TYPES or (top.tag == "span" and top.argument == "spoiler"):
        return {"type": _SIMPLE_TYPES.get(top.tag, "spoiler"), **base}
    if top.tag == "tg-emoji":
        if not top.argument.isdigit() or int(top.argument) == 0:
            raise TelegramError(400, "Bad Request: Invalid custom emoji identifier specified")
        return {"type": "custom_emoji", **base, "custom_emoji_id": top.argument}
    if top.tag == "a":
        return _link_entity(top.argument or inner, base)
    if top.tag == "pre":
        if last is not None and same_span and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
            return None
        return {"type": "pre", **base}
    if top.tag == "code":
        if last is not None and same_span and last["type"] == "pre" and top.argument:
            last["language"] = top.argument
            return None
        entity = {"type": "code", **base}
        if top.argument:
            entity["language"] = top.argument  # dropped at the end unless a <pre> claims it
        return entity
    kind = "expandable_blockquote" if top.extra == "expandable" else "blockquote"
    return {"type": kind, **base}


def _link_entity(url: str, base: Entity) -> Entity | None:
    """text_link, or text_mention for tg://user?id=N; None for an unusable URL."""
    if url.lower().startswith("tg://user?id="):
        user_id = url[len("tg://user?id=") :]
        if user_id.isdigit():
            return {
                "type": "text_mention",
                **base,
                "user": {"id": int(user_id), "is_bot": False, "first_name": ""},
            }
    if not url or any(ch.isspace() for ch in url):
        return None
    if "://" not in url and not url.lower().startswith(("tg:", "mailto:")):
        url = f"http://{url}"
        if url.count("/") == 2:
            url += "/"
    return {"type": "text_link", **base, "url": url}
