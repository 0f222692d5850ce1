"""What people type for money, counts and dates, turned into exact values (or a friendly refusal).

Rupiah have no decimals. Indonesian writing uses the dot for thousands and the comma for
decimals ("Rp15.000.000,00", "1,5 juta"), but people also write "1.5 juta" and "15,000". So:
before a multiplier word (ribu, juta, miliar/M) one separator is a decimal point; without one,
groups of three digits are thousands (either separator) and a final ",00" is sen. A result that
is not a whole rupiah is refused.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.domain.errors import InvalidInput
from bot.i18n import N_

MAX_RUPIAH = 1_000_000_000_000

MONEY_HINT = N_("Mohon tulis jumlah dalam rupiah, misalnya 15 juta atau 15.000.000.")
MONEY_NEGATIVE = N_("Jumlah tidak boleh negatif. Mohon tulis misalnya 15 juta atau 15.000.000.")
MONEY_ZERO = N_("Jumlah harus lebih dari nol. Mohon tulis misalnya 15 juta atau 15.000.000.")
MONEY_TOO_BIG = N_(
    "Jumlah itu terlalu besar. Mohon periksa lagi, misalnya 15 juta atau 15.000.000."
)
COUNT_HINT = N_("Mohon tulis angka bulat saja, misalnya 120.")
COUNT_NEGATIVE = N_("Jumlah tidak boleh negatif. Mohon tulis angka bulat, misalnya 120.")
COUNT_TOO_SMALL = N_("Jumlah paling sedikit {min}.")
COUNT_TOO_BIG = N_("Jumlah paling banyak {max}.")
DATE_HINT = N_("Mohon tulis tanggal seperti 3/3/2026 atau 3 Maret 2026.")
DATE_IMPOSSIBLE = N_("Tanggal itu tidak ada di kalender. Mohon tulis seperti 3/3/2026.")

# Multiplier words, longest first so "juta" wins over "jt" inside the regex alternation.
_MULTIPLIERS = {
    "triliun": 10**12,
    "miliar": 10**9,
    "milyar": 10**9,
    "ribu": 10**3,
    "juta": 10**6,
    "jt": 10**6,
    "rb": 10**3,
    "k": 10**3,
    "m": 10**9,  # "2 M" is 2 miliar in Indonesian writing
}
_NUMBER = r"\d[\d.,]*"
_TERM = re.compile(
    rf"({_NUMBER})\s*({'|'.join(sorted(_MULTIPLIERS, key=len, reverse=True))})?(?![a-z])"
)
_PREFIX = re.compile(r"^(rp\.?|idr)\s*")
_SUFFIX = re.compile(r"\s*(,-|\.-|rupiah)$")


def format_rupiah(amount: int) -> str:
    """Rp1.500.000 (dot thousands, no decimals), for messages built in the domain."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def parse_rupiah(text: str, *, allow_zero: bool = False) -> int:
    """Rupiah from "15 juta", "15jt", "1,5 juta", "Rp 15.000.000", "500rb", "2 M", "1 juta 500 ribu"."""
    raw = " ".join(str(text).split()).lower()
    if raw.startswith("-") or raw.startswith("rp -") or raw.startswith("rp-"):
        raise InvalidInput(MONEY_NEGATIVE)
    body = _SUFFIX.sub("", _PREFIX.sub("", raw)).strip()
    terms = list(_TERM.finditer(body))
    if not terms or "".join(m.group(0) for m in terms).replace(" ", "") != body.replace(" ", ""):
        raise InvalidInput(MONEY_HINT)
    total = Decimal(0)
    previous = None
    for term in terms:
        multiplier = _MULTIPLIERS[term.group(2)] if term.group(2) else 1
        if previous is not None and multiplier >= previous:
            raise InvalidInput(MONEY_HINT)  # "500 ribu 2 juta" is not a way to write money
        previous = multiplier
        total += _number(term.group(1), with_multiplier=multiplier > 1) * multiplier
    return _whole_rupiah(total, allow_zero=allow_zero)


def _whole_rupiah(total: Decimal, *, allow_zero: bool) -> int:
    if total != total.to_integral_value():
        raise InvalidInput(MONEY_HINT)
    amount = int(total)
    if amount > MAX_RUPIAH:
        raise InvalidInput(MONEY_TOO_BIG)
    if amount == 0 and not allow_zero:
        raise InvalidInput(MONEY_ZERO)
    return amount


def _number(text: str, *, with_multiplier: bool) -> Decimal:
    """One number as typed: "15.000.000", "15.000.000,00", "15,000,000", "1,5" (with juta)."""
    text = text.rstrip(".,")
    if re.fullmatch(r"\d+", text):
        return _decimal(text)
    if with_multiplier and re.fullmatch(r"\d+[.,]\d+", text):  # 1,5 juta · 1.5 juta
        return _decimal(text.replace(",", "."))
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,\d{1,2})?", text):  # Indonesian: 15.000.000,00
        return _decimal(text.replace(".", "").replace(",", "."))
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{1,2})?", text):  # English: 15,000,000.00
        return _decimal(text.replace(",", ""))
    if re.fullmatch(r"\d+[.,]\d{1,2}", text):  # 15000000,00
        return _decimal(text.replace(",", "."))
    raise InvalidInput(MONEY_HINT)


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:
        raise InvalidInput(MONEY_HINT) from None


_COUNT_UNITS = ("kk", "orang", "jiwa", "hok", "hari", "hari orang")
_COUNT = re.compile(r"\d{1,3}(\.\d{3})+|\d+")


def parse_count(text: str, *, max_value: int, min_value: int = 0) -> int:
    """A whole count (households, people, person-days): "120", "1.250", "120 KK"."""
    raw = " ".join(str(text).split()).lower()
    for unit in sorted(_COUNT_UNITS, key=len, reverse=True):
        if raw.endswith(unit) and raw[: -len(unit)].strip():
            raw = raw[: -len(unit)].strip()
            break
    if raw.startswith("-"):
        raise InvalidInput(COUNT_NEGATIVE)
    if not _COUNT.fullmatch(raw):
        raise InvalidInput(COUNT_HINT)
    value = int(raw.replace(".", ""))
    if value < min_value:
        raise InvalidInput(COUNT_TOO_SMALL, min=min_value)
    if value > max_value:
        raise InvalidInput(COUNT_TOO_BIG, max=f"{max_value:,}".replace(",", "."))
    return value


_MONTHS = {
    "januari": 1, "january": 1, "jan": 1,
    "februari": 2, "february": 2, "pebruari": 2, "feb": 2, "peb": 2,
    "maret": 3, "march": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "june": 6, "jun": 6,
    "juli": 7, "july": 7, "jul": 7,
    "agustus": 8, "august": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9,
    "oktober": 10, "october": 10, "okt": 10, "oct": 10,
    "november": 11, "nopember": 11, "nov": 11, "nop": 11,
    "desember": 12, "december": 12, "des": 12, "dec": 12,
}  # fmt: skip
_NUMERIC_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})")
_NUMERIC_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_WORDED = re.compile(r"(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})")
_WEEKDAY = re.compile(
    r"^(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+"
)


def parse_date(text: str) -> date:
    """A calendar date, day first: "3/3/2026", "03-03-2026", "2026-03-03", "3 Maret 2026"."""
    raw = _WEEKDAY.sub("", " ".join(str(text).split()).lower().replace(",", " ").strip())
    raw = " ".join(raw.split())
    if match := _NUMERIC_YMD.fullmatch(raw):
        year, month, day = (int(g) for g in match.groups())
    elif match := _NUMERIC_DMY.fullmatch(raw):
        day, month, year = (int(g) for g in match.groups())
        year += 2000 if year < 100 else 0
    elif (match := _WORDED.fullmatch(raw)) and match.group(2) in _MONTHS:
        day, month, year = int(match.group(1)), _MONTHS[match.group(2)], int(match.group(3))
    else:
        raise InvalidInput(DATE_HINT)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(DATE_IMPOSSIBLE) from None
