"""Every button press is checked here, before any handler reads it.

Callback data comes from the person's client, so it can be anything up to 64 bytes: an old
keyboard, or forged. Handlers turn parts into ints and look verbs up; this module makes sure
they only ever see the shapes the bot itself builds, so a forged press gets the usual
"Tombol ini sudah tidak berlaku." instead of an exception:

- only printable ASCII (`"²".isdigit()` is true, but `int("²")` fails; other digits too);
- a record id fits PostgreSQL's INTEGER column, and every other all-digit part (an amount)
  a 64-bit integer: a bigger one overflows the query instead of finding nothing;
- each prefix has its shape: ids where ids go, a verb of letters where a verb goes, and the
  parts its handler needs present. A prefix not listed takes plain word parts only.
"""

from __future__ import annotations

import re

MAX_BYTES = 64  # Telegram's limit on callback_data
INT64_MAX = 2**63 - 1
# Record ids are INTEGER columns on PostgreSQL: a bigger one fails the query ("out of range").
ID_MAX = 2**31 - 1


def _at_most(limit: int) -> str:
    """A regex for decimal numbers from 0 to `limit` (leading zeros allowed)."""
    digits = str(limit)
    options = [rf"0*\d{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, digit in enumerate(digits):
        if digit != "0":
            rest = len(digits) - i - 1
            options.append(
                f"0*{digits[:i]}[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else "")
            )
    options.append(f"0*{digits}")
    return "(?:" + "|".join(options) + ")"


_ID = _at_most(ID_MAX)  # every other all-digit part (an amount) is held to int64 below
_VERB = r"[a-z_]+"
_WORD = r"[\w.\-]*"  # a step, a code, a token (URL-safe base64), an outcome
_TAIL = rf"(?::{_WORD})*"

# Keys as the router finds the handler: "prefix:verb" first, then "prefix".
SHAPES: dict[str, re.Pattern[str]] = {
    key: re.compile(pattern, re.ASCII)
    for key, pattern in {
        "menu": rf"menu:{_VERB}",
        "inv": rf"inv:[br]:{_ID}(?::{_VERB})?",
        "p:view": r"p:view:[A-Za-z0-9\-]+(?::[lq]\d{1,6})?",
        "p:files": r"p:files:[A-Za-z0-9\-]+",
        "p:open": rf"p:open:{_ID}",
        "p:full": rf"p:full:{_ID}",
        "p:list": r"p:list(?::\d{1,6})?",
        "p:queue": r"p:queue(?::\d{1,6})?",
        "p:do": rf"p:do:{_VERB}:{_ID}",
        "pd": rf"pd:{_VERB}:{_ID}(?::{_WORD})?",
        "f": rf"f:{_ID}:{_VERB}:{_WORD}{_TAIL}",
        "rv": rf"rv:{_VERB}:{_ID}(?::{_ID})*",
        "pa": rf"pa:{_VERB}:{_ID}{_TAIL}",
        "mn": rf"mn:{_VERB}:{_ID}{_TAIL}",
        "idea": rf"idea:{_VERB}(?::{_ID})?",
        "an:ack": rf"an:ack:{_ID}",
        "an": rf"an:{_VERB}(?::{_ID}{_TAIL})?",
        "mt:f": rf"mt:f:{_ID}:{_VERB}:{_WORD}{_TAIL}",
        "mt:rsvp": rf"mt:rsvp:{_ID}:[yn](?::v)?",
        "mt:view": rf"mt:view:{_ID}",
        "mt:att": rf"mt:att:{_ID}:{_ID}:[01]",
        "mt:m": rf"mt:m:{_ID}:{_VERB}{_TAIL}",
        "rp": rf"rp:{_VERB}{_TAIL}",  # report periods: a preset or a date range as key
    }.items()
}
_ANY = re.compile(rf"[\w.\-]+{_TAIL}", re.ASCII)


def is_id(part: str) -> bool:
    """ASCII digits whose value a 64-bit integer column can hold."""
    return part.isascii() and part.isdigit() and int(part) <= INT64_MAX


def parse(data: str | None) -> list[str] | None:
    """The parts of a well-formed press, or None for anything the bot never built."""
    if not data or not data.isascii() or not data.isprintable():
        return None
    if len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if any(p.isdigit() and not is_id(p) for p in parts):
        return None
    shape = SHAPES.get(":".join(parts[:2])) or SHAPES.get(parts[0]) or _ANY
    return parts if shape.fullmatch(data) else None
