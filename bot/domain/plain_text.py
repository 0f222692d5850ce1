"""Checks every free text a person types goes through before it is stored.

- A NIK (Nomor Induk Kependudukan, the 16-digit national id) is never collected: it is
  caught however it is typed, in one run or in groups ("3201-0123-4567-8901",
  "3201 0123 4567 8901", "32.01.01…"), with invisible characters in between.
- A name or title must show something: one made only of zero-width or blank-looking
  characters (U+200B, U+2060, the Hangul fillers, the Braille blank) would be a button or a
  line no one can read or tell apart.
"""

from __future__ import annotations

import re
import unicodedata

from bot.domain.errors import InvalidInput
from bot.i18n import N_

NIK_REFUSED = N_("Mohon jangan menuliskan NIK atau nomor identitas warga.")
# Characters that look like nothing but are letters or symbols to Unicode.
_BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
# A NIK: 16 or more digits, a single space, dot or dash allowed between any two of them.
_NIK = re.compile(r"\d(?:[ .\-\u2010\u2011\u2012\u2013\u2014\u00a0]?\d){15,}")


def visible(text: str) -> str:
    """`text` without what shows nothing: spaces, zero-width and format characters, fillers."""
    return "".join(
        c
        for c in text
        if c not in _BLANK_LOOKING
        and not c.isspace()
        and unicodedata.category(c) not in ("Cf", "Cc", "Mn", "Me", "Zs", "Zl", "Zp", "Co")
    )


def contains_nik(text: str) -> bool:
    """True when `text` holds a 16-digit run, in one piece or in groups."""
    shown = "".join(c for c in text if unicodedata.category(c) != "Cf")
    return _NIK.search(shown) is not None


def refuse_nik(text: str | None) -> None:
    """InvalidInput when `text` holds something that looks like a NIK."""
    if text and contains_nik(text):
        raise InvalidInput(NIK_REFUSED)
