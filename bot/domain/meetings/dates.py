"""A meeting's date and time, typed the way people write them, and shown back in full.

    read_when("15/12 09.00", now=clock.now(), timezone="Asia/Jakarta") → aware UTC datetime
    format_when(tr, when) → "Senin, 15 Desember 2026, pukul 09.00 WIB"
                            "Monday, 15 December 2026, 09:00 WIB" (English)

Accepted: "15/12 09.00", "15 Desember 2026 jam 9", "besok 14.00", "lusa jam 10 pagi",
"Senin depan 10:00", "tomorrow 2pm", "jam 14.00" (today), and the quick-choice codes of
QUICK_TIMES. Text is read in the organiser's kota zone, relative to the clock's now. The time
and the relative words (besok, lusa, weekdays) are read here; what is left is a calendar date,
read by dateparser (Indonesian and English, day before month). Past times, impossible dates
(31/2) and times more than a year ahead raise InvalidInput.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_datetime

from bot.domain.errors import InvalidInput
from bot.i18n import N_, Translator

UNREADABLE = N_(
    "Maaf, tanggal dan jam itu belum terbaca. Silakan tulis misalnya “15/12 09.00”, "
    "“besok 14.00” atau “Senin depan 10:00”, atau pilih salah satu tombol."
)
NEED_TIME = N_("Mohon tulis juga jamnya, misalnya “besok 09.00” atau “15/12 jam 9”.")
IMPOSSIBLE_DATE = N_("Tanggal itu tidak ada di kalender. Mohon periksa lagi tanggalnya.")
BAD_TIME = N_("Jam itu tidak ada. Mohon tulis jam antara 00.00 dan 23.59.")
PAST = N_("Waktu itu sudah lewat. Mohon pilih waktu yang akan datang.")
TOO_FAR = N_("Rapat paling lambat satu tahun dari sekarang. Mohon pilih waktu yang lebih dekat.")

# A date typed without a year that lies this close behind today is a slip, not next year's.
RECENT_PAST = timedelta(days=31)
ZONE_NAMES = {"Asia/Jakarta": "WIB", "Asia/Makassar": "WITA", "Asia/Jayapura": "WIT"}
_CLOCK_PATTERN = {"id": "HH.mm", "en": "HH:mm"}

_HOUR_WORD = r"(?:jam|pukul|pkl\.?|at)"
# "09.00", "9:30", "jam 9.30", "2.30pm"; never a piece of a date like 15.12.2026.
_HM = re.compile(
    rf"(?<![\d/.\-])(?:{_HOUR_WORD}\s*)?(\d{{1,2}})[.:](\d{{2}})(?![\d]|[./\-]\d)\s*(am|pm)?\b"
)
# "jam 9", "pukul 10 pagi", "at 2pm", "2pm".
_H = re.compile(
    rf"(?:{_HOUR_WORD}\s*(\d{{1,2}})(?![\d.:/\-])\s*(am|pm)?\b|\b(\d{{1,2}})\s*(am|pm)\b)"
)
_PERIOD = re.compile(r"\b(pagi|siang|sore|petang|malam)\b")
_RELATIVE = re.compile(r"\b(hari ini|today|day after tomorrow|besok|esok|tomorrow|lusa)\b")
_RELATIVE_DAYS = {"hari ini": 0, "today": 0, "besok": 1, "esok": 1, "tomorrow": 1}
_WEEKDAYS = {
    "senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5,
    "minggu": 6, "ahad": 6, "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3,
    "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip
_WEEKDAY = re.compile(r"\b(?:(next|this)\s+)?(" + "|".join(_WEEKDAYS) + r")(?:\s+(depan|ini))?\b")
_FILLER = re.compile(r"\b(?:tanggal|tgl\.?|hari|pada|on|wib|wita|wit)\b|,")
_NUMERIC_DATE = re.compile(r"^\d{1,2}[.\-]\d{1,2}(?:[.\-]\d{2,4})?$")  # 15.12 / 15-12-2026
_HAS_YEAR = re.compile(r"\d{4}|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}")
_DATEPARSER_SETTINGS = {"DATE_ORDER": "DMY", "PREFER_DATES_FROM": "future"}


@dataclass(frozen=True)
class QuickTime:
    """A one-tap answer to the date question: `days` from today at `hour`."""

    code: str
    label: str  # msgid with {time}
    days: int
    hour: int


QUICK_TIMES: tuple[QuickTime, ...] = (
    QuickTime("b09", N_("Besok {time}"), 1, 9),
    QuickTime("b14", N_("Besok {time}"), 1, 14),
    QuickTime("l09", N_("Lusa {time}"), 2, 9),
    QuickTime("l14", N_("Lusa {time}"), 2, 14),
)
QUICK_BY_CODE = {q.code: q for q in QUICK_TIMES}


def quick_label(tr: Translator, quick: QuickTime) -> str:
    """ "Besok 09.00" / "Tomorrow 09:00"."""
    separator = "." if _clock_pattern(tr) == "HH.mm" else ":"
    return tr._(quick.label, time=f"{quick.hour:02d}{separator}00")


def read_when(value: object, *, now: datetime, timezone: str) -> datetime:
    """A quick-choice code or typed text → the start (aware UTC), checked to be in range."""
    quick = QUICK_BY_CODE.get(str(value).strip())
    if quick is not None:
        today = _local_now(now, timezone).date()
        when = _at(today + timedelta(days=quick.days), quick.hour, 0, timezone)
    else:
        when = parse_when(str(value), now=now, timezone=timezone)
    return check_when(when, now=now)


def check_when(when: datetime, *, now: datetime) -> datetime:
    """Refuse a start in the past or more than a year ahead."""
    if when <= now:
        raise InvalidInput(PAST)
    if when > _a_year_after(now):
        raise InvalidInput(TOO_FAR)
    return when


def _a_year_after(now: datetime) -> datetime:
    try:
        return now.replace(year=now.year + 1)
    except ValueError:  # 29 February
        return now.replace(year=now.year + 1, day=28)


def parse_when(text: str, *, now: datetime, timezone: str) -> datetime:
    """Read typed text in `timezone` relative to `now`; InvalidInput when it cannot."""
    rest = " ".join(text.lower().replace("\u2019", "'").split())
    if not rest:
        raise InvalidInput(UNREADABLE)
    clock, rest = _take_time(rest)
    today = _local_now(now, timezone).date()
    day, rest, rolls = _take_day(rest, today)
    rest = " ".join(_FILLER.sub(" ", rest).split()).strip(" -/.")
    if rest and day is not None and not rolls:
        raise InvalidInput(UNREADABLE)  # "besok 15/12": two different days
    if rest:  # a date written out wins over its weekday ("Jumat, 6 Maret 2026")
        day, rolls = _calendar_date(rest, today), False
    day = day or today
    if clock is None:
        raise InvalidInput(NEED_TIME)
    when = _at(day, *clock, timezone)
    if when <= now and rolls:  # "Senin 10.00" said on a Monday at 11.00: the next Monday
        when = _at(day + timedelta(days=7), *clock, timezone)
    return when


def _take_time(text: str) -> tuple[tuple[int, int] | None, str]:
    """The clock time in `text` (the last one written) and the text without it."""
    found = list(_HM.finditer(text))
    match = found[-1] if found else _H.search(text)
    if match is None:
        return None, text
    if found:
        hour, minute, meridiem = int(match[1]), int(match[2]), match[3]
    else:
        hour, minute, meridiem = int(match[1] or match[3]), 0, match[2] or match[4]
    rest = text[: match.start()] + " " + text[match.end() :]
    period = _PERIOD.search(rest)
    hour = _adjust_hour(hour, meridiem, period[1] if period else None)
    if period:
        rest = rest[: period.start()] + rest[period.end() :]
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput(BAD_TIME)
    return (hour, minute), rest


def _adjust_hour(hour: int, meridiem: str | None, period: str | None) -> int:
    """Apply "pm" / "2 siang" / "7 malam" to a 12-hour clock reading."""
    if meridiem:
        if not 1 <= hour <= 12:
            raise InvalidInput(BAD_TIME)
        return hour % 12 + (12 if meridiem == "pm" else 0)
    if period == "siang" and 1 <= hour <= 5:
        return hour + 12
    if period in ("sore", "petang") and hour < 12:
        return hour + 12
    if period == "malam" and 6 <= hour <= 11:
        return hour + 12
    return hour


def _take_day(text: str, today: date) -> tuple[date | None, str, bool]:
    """A day said in words (besok, lusa, Senin depan), the text without it, and whether it
    rolls on a week when its time has passed (a plain weekday does)."""
    if match := _RELATIVE.search(text):
        days = _RELATIVE_DAYS.get(match[1], 2)
        return today + timedelta(days=days), text[: match.start()] + text[match.end() :], False
    if match := _WEEKDAY.search(text):
        weekday = _WEEKDAYS[match[2]]
        rest = text[: match.start()] + text[match.end() :]
        if match[1] == "next" or match[3] == "depan":  # a day of next week
            monday = today - timedelta(days=today.weekday())
            return monday + timedelta(days=7 + weekday), rest, False
        return today + timedelta(days=(weekday - today.weekday()) % 7), rest, True
    return None, text, False


def _calendar_date(text: str, today: date) -> date:
    """A date like "15/12", "15 Desember 2026" or "December 15", read by dateparser."""
    text = _NUMERIC_DATE.sub(lambda m: m[0].replace(".", "/").replace("-", "/"), text)
    parsed = _dateparser(text, today)
    if parsed is None:
        # Day 1 of the same month reads fine: the month exists, that day does not (31/2).
        if re.match(r"\d{1,2}\b", text) and _dateparser(re.sub(r"^\d{1,2}", "1", text), today):
            raise InvalidInput(IMPOSSIBLE_DATE)
        raise InvalidInput(UNREADABLE)
    if _HAS_YEAR.search(text):
        return parsed
    try:
        day = parsed.replace(year=today.year)
        if day < today - RECENT_PAST:
            day = day.replace(year=today.year + 1)
    except ValueError:  # 29 February outside a leap year
        return parsed
    return day


def _dateparser(text: str, today: date) -> date | None:
    # Imported on first use, not at start-up (tests/test_imports.py): its language data loads
    # on the first parse anyway.
    import dateparser

    settings = {
        **_DATEPARSER_SETTINGS,
        "RELATIVE_BASE": datetime(today.year, today.month, today.day),
        "REQUIRE_PARTS": ["day", "month"],
    }
    parsed = dateparser.parse(text, languages=["id", "en"], settings=settings)  # type: ignore[arg-type]
    return parsed.date() if parsed is not None else None


def _local_now(now: datetime, timezone: str) -> datetime:
    return now.astimezone(ZoneInfo(timezone))


def _at(day: date, hour: int, minute: int, timezone: str) -> datetime:
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(timezone))
    return local.astimezone(UTC)


# --- showing it back -------------------------------------------------------------------------


def _clock_pattern(tr: Translator) -> str:
    return _CLOCK_PATTERN.get(tr.locale, "HH.mm")


def zone_name(timezone: str) -> str:
    """ "WIB", "WITA" or "WIT" (the zone id for any other zone)."""
    return ZONE_NAMES.get(timezone, timezone)


def format_clock(tr: Translator, when: datetime) -> str:
    """ "09.00 WIB" / "09:00 WIB" in the reader's zone."""
    clock = format_datetime(
        when, _clock_pattern(tr), tzinfo=ZoneInfo(tr.timezone), locale=tr.babel_locale
    )
    return f"{clock} {zone_name(tr.timezone)}"


def format_when(tr: Translator, when: datetime) -> str:
    """ "Senin, 15 Desember 2026, pukul 09.00 WIB" in the reader's language and zone."""
    zone = ZoneInfo(tr.timezone)
    day = format_datetime(when, "EEEE, d MMMM y", tzinfo=zone, locale=tr.babel_locale)
    clock = format_datetime(when, _clock_pattern(tr), tzinfo=zone, locale=tr.babel_locale)
    return tr._("{day}, pukul {time} {zone}", day=day, time=clock, zone=zone_name(tr.timezone))
