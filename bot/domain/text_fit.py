"""Make every message fit Telegram's limits: measure, shorten, cut and split HTML text.

Telegram counts a message after parsing its HTML, in UTF-16 code units: a tag costs
nothing, `&amp;` costs one, an emoji outside the Basic Multilingual Plane costs two. A text
may hold 4096 of them, a caption 1024; one more and the whole message is refused ("message is
too long"), so the person gets nothing at all. Views shorten long values with "…" (and offer
the whole in a message of its own); what may still be too long is cut or split here, never
inside a tag or an entity, with every tag closed where it is cut and reopened where a
continuation starts. Framework-free: plain strings in, plain strings out.
"""

from __future__ import annotations

import html
import re

TEXT_LIMIT = 4096  # a message
CAPTION_LIMIT = 1024  # the caption of a photo or document
ELLIPSIS = "…"

# A tag, an entity (named or numeric), or a run of plain text.
_TOKEN = re.compile(r"<[^>]*>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);|[^<&]+|[<&]")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")


def utf16_len(text: str) -> int:
    """Characters as Telegram counts them (an emoji outside the BMP counts two)."""
    return len(text.encode("utf-16-le")) // 2


def plain_length(markup: str) -> int:
    """What Telegram counts of an HTML message: the text without tags, entities as one."""
    return sum(_cost(token) for token in _TOKEN.findall(markup))


def fits(markup: str, limit: int = TEXT_LIMIT) -> bool:
    """True when Telegram would take `markup` (tags are free, so the markup's own length is an
    upper bound: most messages are answered without parsing them)."""
    if len(markup) * 2 <= limit or utf16_len(markup) <= limit:
        return True
    return plain_length(markup) <= limit


def shorten(value: str, limit: int) -> str:
    """A raw value (not yet escaped) cut to `limit` units with "…", at a word if one is near."""
    if utf16_len(value) <= limit:
        return value
    kept, used = [], 0
    for char in value:
        used += utf16_len(char)
        if used > limit - 1:
            break
        kept.append(char)
    text = "".join(kept)
    space = text.rfind(" ")
    if space > len(text) * 3 // 4:  # a whole word, unless that throws away too much
        text = text[:space]
    return text.rstrip() + ELLIPSIS


def cut(markup: str, limit: int = TEXT_LIMIT) -> str:
    """HTML text cut to `limit` with "…", at a line break if one is near; tags stay whole."""
    if fits(markup, limit):
        return markup
    head, _ = _take(_TOKEN.findall(markup), limit - 1, prefer_line=True)
    return _close(head, ELLIPSIS)


def split(markup: str, limit: int = TEXT_LIMIT) -> list[str]:
    """HTML text as several messages, each within `limit`, split at line breaks when possible."""
    tokens = _TOKEN.findall(markup)
    parts: list[str] = []
    opened: list[str] = []  # tags still open where the previous part was cut
    while tokens:
        head, tokens = _take(tokens, limit, prefer_line=True, opened=opened)
        part = _close(head, "")
        if _plain(head).strip():  # Telegram refuses a message of whitespace only
            parts.append(part)
        opened = _open_tags(head)
        tokens = _lstrip_newline(tokens)
    return parts or [markup]


def _plain(tokens: list[str]) -> str:
    return "".join(
        html.unescape(t) if t.startswith("&") else t
        for t in tokens
        if not (t.startswith("<") and len(t) > 1)
    )


def _cost(token: str) -> int:
    if token.startswith("<") and len(token) > 1:
        return 0
    if token.startswith("&") and token.endswith(";"):
        return utf16_len(html.unescape(token))
    return utf16_len(token)


def _take(
    tokens: list[str], budget: int, *, prefer_line: bool, opened: list[str] | None = None
) -> tuple[list[str], list[str]]:
    """The tokens that fit `budget` (a text token split by character), and the rest."""
    head: list[str] = list(opened or [])
    used = 0
    last_break: tuple[int, int, int] | None = None  # (index in head, chars kept, used there)
    for index, token in enumerate(tokens):
        cost = _cost(token)
        if used + cost <= budget:
            head.append(token)
            used += cost
            if "\n" in token and not token.startswith("<"):
                last_break = (len(head) - 1, token.rfind("\n"), used)
            continue
        # This token does not fit: cut at the last line break if it keeps most of the budget.
        if token.startswith("<") or token.startswith("&"):
            return head, tokens[index:]
        room, kept = budget - used, []
        for char in token:
            room -= utf16_len(char)
            if room < 0:
                break
            kept.append(char)
        piece = "".join(kept)
        newline = piece.rfind("\n")
        if prefer_line and newline >= 0 and used + newline > budget * 2 // 3:
            return [*head, piece[:newline]], [token[newline + 1 :], *tokens[index + 1 :]]
        if prefer_line and not newline >= 0 and last_break and last_break[2] > budget * 2 // 3:
            at, chars, _ = last_break
            before, after = head[at][:chars], head[at][chars + 1 :]
            rest = [after, *head[at + 1 :], *tokens[index:]]
            return [*head[:at], before], [t for t in rest if t]
        return [*head, piece], [token[len(piece) :], *tokens[index + 1 :]]
    return head, []


def _open_tags(tokens: list[str]) -> list[str]:
    """The opening tags not closed by the end of `tokens`, outermost first."""
    stack: list[tuple[str, str]] = []
    for token in tokens:
        if not token.startswith("<") or len(token) == 1:
            continue
        match = _TAG_NAME.match(token)
        if match is None:
            continue
        name = match.group(1).lower()
        if token.startswith("</"):
            for i in range(len(stack) - 1, -1, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        elif not token.endswith("/>"):
            stack.append((name, token))
    return [token for _, token in stack]


def _close(tokens: list[str], tail: str) -> str:
    """The tokens, `tail`, and a closing tag for each tag left open, innermost first."""
    closing = [f"</{_TAG_NAME.match(t).group(1)}>" for t in reversed(_open_tags(tokens))]  # type: ignore[union-attr]
    return "".join([*tokens, tail, *closing])


def _lstrip_newline(tokens: list[str]) -> list[str]:
    if tokens and not tokens[0].startswith("<") and tokens[0].startswith("\n"):
        rest = tokens[0][1:]
        return [rest, *tokens[1:]] if rest else tokens[1:]
    return tokens
