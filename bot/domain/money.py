"""What people type for money, counts and dates, turned into exact values (or a friendly refusal).

Rupiah have no decimals. Indonesian writing uses the dot for thousands and the comma for
decimals ("Rp15.000.000,00", "1,5 juta"), but people also write "1.5 juta" and "15,000". So:
before a multiplier word (ribu, juta, miliar/M) one separator is a decimal point; without one,
groups of three digits are thousands (either separator) and a final ",00" is sen. A result that
is not a whole rupiah is refused.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from bot.domain.errors import InvalidInput
from bot.i18n import N_, Number, rupiah

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
# {numeric} is "17/12/2026"; {worded} a date, written by the reader's translator ("17 Desember
# 2026" / "17 December 2026"): both a few weeks after today (see `date_example`).
DATE_HINT = N_("Mohon tulis tanggal seperti {numeric} atau {worded}.")
DATE_IMPOSSIBLE = N_("Tanggal itu tidak ada di kalender. Mohon tulis seperti {numeric}.")

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
# English words: "5 million", "2.5 million", "5m". "M" means million to an English reader, so the
# one letter differs by locale; the Indonesian words stay understood (an English-speaking
# fasilitator in Bandung writes "5 juta" too).
_ENGLISH_MULTIPLIERS = {
    **_MULTIPLIERS,
    "trillion": 10**12,
    "billion": 10**9,
    "bn": 10**9,
    "b": 10**9,
    "million": 10**6,
    "mn": 10**6,
    "m": 10**6,
    "thousand": 10**3,
}
_NUMBER = r"\d[\d.,]*"


def _term_pattern(words: dict[str, int]) -> re.Pattern[str]:
    return re.compile(
        rf"({_NUMBER})\s*({'|'.join(sorted(words, key=len, reverse=True))})?(?![a-z])"
    )


_TERMS = {"id": (_MULTIPLIERS, _term_pattern(_MULTIPLIERS)),
          "en": (_ENGLISH_MULTIPLIERS, _term_pattern(_ENGLISH_MULTIPLIERS))}  # fmt: skip
_PREFIX = re.compile(r"^(rp\.?|idr)\s*")
_SUFFIX = re.compile(r"\s*(,-|\.-|rupiah|idr)$")


def format_rupiah(amount: int, locale: str = "id") -> str:
    """Rp1.500.000 in Indonesian, Rp1,500,000 in English (see bot.i18n.rupiah)."""
    return rupiah(amount, locale)


def parse_rupiah(text: str, *, allow_zero: bool = False, locale: str = "id") -> int:
    """Rupiah from "15 juta", "15jt", "1,5 juta", "Rp 15.000.000", "500rb", "2 M", "1 juta 500 ribu".

    With `locale="en"` also "5 million", "2.5 million", "5m", "Rp 5,000,000" (an English reader's
    "M" is million, not miliar).
    """
    words, pattern = _TERMS["en" if locale.startswith("en") else "id"]
    raw = " ".join(str(text).split()).lower()
    if raw.startswith("-") or raw.startswith("rp -") or raw.startswith("rp-"):
        raise InvalidInput(MONEY_NEGATIVE)
    body = _SUFFIX.sub("", _PREFIX.sub("", raw)).strip()
    terms = list(pattern.finditer(body))
    if not terms or "".join(m.group(0) for m in terms).replace(" ", "") != body.replace(" ", ""):
        raise InvalidInput(MONEY_HINT)
    total = Decimal(0)
    previous = None
    for term in terms:
        multiplier = words[term.group(2)] if term.group(2) else 1
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
        raise InvalidInput(COUNT_TOO_SMALL, min=Number(min_value))
    if value > max_value:
        raise InvalidInput(COUNT_TOO_BIG, max=Number(max_value))
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


def date_example(today: date | None = None) -> dict[str, object]:
    """The example a date hint shows: a few weeks ahead (never a past date), day first.

    Its day is after the 12th, so "17/12/2026" cannot be read month first. `worded` is a date:
    the translator writes it in the reader's language.
    """
    day = (today or date.today()) + timedelta(weeks=3)
    while day.day <= 12:
        day += timedelta(days=1)
    return {"numeric": f"{day.day}/{day.month}/{day.year}", "worded": day}


def parse_date(text: str, today: date | None = None) -> date:
    """A calendar date, day first: "3/3/2026", "03-03-2026", "2026-03-03", "3 Maret 2026".

    `today` (the caller's clock; else the system date) dates the example a refusal shows.
    """
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
        raise InvalidInput(DATE_HINT, **date_example(today))
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(DATE_IMPOSSIBLE, numeric=date_example(today)["numeric"]) from None
