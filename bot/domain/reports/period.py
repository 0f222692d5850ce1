"""The period a report covers: whole days in one time zone, first and last day included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.errors import InvalidInput
from bot.domain.money import parse_date
from bot.i18n import N_

THIS_MONTH, LAST_MONTH, THIS_YEAR = "bulan_ini", "bulan_lalu", "tahun_ini"
PRESETS = (THIS_MONTH, LAST_MONTH, THIS_YEAR)
# A report over more than this is almost always a typo in the year ("2026 – 2062").
MAX_DAYS = 366 * 10

RANGE_HINT = N_(
    "Mohon ketik dua tanggal, awal dan akhir, misalnya: 1/1/2026 - 31/3/2026 "
    "atau 1 Januari 2026 sampai 31 Maret 2026."
)
RANGE_BACKWARDS = N_("Maaf, tanggal akhir ({last}) lebih awal dari tanggal awal ({first}).")
RANGE_TOO_LONG = N_("Maaf, periode laporan paling panjang 10 tahun.")

# Between the two dates: a dash with spaces around it (a date may hold dashes itself), or a word.
_SEPARATOR = re.compile(
    r"\s+(?:-|–|—|s/d|s\.d\.?|sd|sampai|hingga|until|to)\s+|\s*(?:–|—|\.\.)\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    """From `first` to `last` (both included), as days in `timezone`."""

    first: date
    last: date
    timezone: str = "Asia/Jakarta"

    def bounds(self) -> tuple[datetime, datetime]:
        """The period as UTC moments: [start of the first day, start of the day after the last)."""
        zone = ZoneInfo(self.timezone)
        start = datetime.combine(self.first, time(), zone).astimezone(UTC)
        end = datetime.combine(self.last + timedelta(days=1), time(), zone).astimezone(UTC)
        return start, end

    @property
    def key(self) -> str:
        """ "20260101-20261231": for callback data and file names."""
        return f"{self.first:%Y%m%d}-{self.last:%Y%m%d}"


def preset(name: str, *, today: date, timezone: str) -> Period:
    """This month, last month or this year, up to their last day (not only up to today)."""
    if name == THIS_MONTH:
        first = today.replace(day=1)
    elif name == LAST_MONTH:
        first = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    elif name == THIS_YEAR:
        return Period(date(today.year, 1, 1), date(today.year, 12, 31), timezone)
    else:
        raise InvalidInput(RANGE_HINT)
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Period(first, next_month - timedelta(days=1), timezone)


def between(first: date, last: date, timezone: str) -> Period:
    """A period of the operator's or the person's choice; backwards or endless ones refused."""
    if last < first:
        raise InvalidInput(RANGE_BACKWARDS, first=first.isoformat(), last=last.isoformat())
    if (last - first).days > MAX_DAYS:
        raise InvalidInput(RANGE_TOO_LONG)
    return Period(first, last, timezone)


def parse_range(text: str, *, timezone: str) -> Period:
    """Two typed dates: "1/1/2026 - 31/3/2026", "1 Januari 2026 sampai 31 Maret 2026"."""
    parts = [p for p in _SEPARATOR.split(" ".join(str(text).split())) if p.strip()]
    if len(parts) != 2:
        raise InvalidInput(RANGE_HINT)
    first, last = (parse_date(p) for p in parts)
    return between(first, last, timezone)


def from_key(key: str, timezone: str) -> Period:
    """The period written by `Period.key` (a button's callback data)."""
    try:
        first, last = (datetime.strptime(k, "%Y%m%d").date() for k in key.split("-"))
    except ValueError:
        raise InvalidInput(RANGE_HINT) from None
    return between(first, last, timezone)
