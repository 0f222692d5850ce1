"""Lengths of time as people type them: a meeting's duration and its reminder offsets.

parse_duration("1,5 jam") → 90        parse_duration("90 menit") → 90
parse_offsets("24 jam, 1 jam") → (1440, 60)   (minutes before the start, longest first)
format_duration(tr, 90) → "1 jam 30 menit" / "1 hour 30 minutes"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.domain.errors import InvalidInput
from bot.i18n import N_, Translator

DEFAULT_DURATION = 120
MIN_DURATION, MAX_DURATION = 15, 24 * 60
MIN_OFFSET, MAX_OFFSET, MAX_OFFSETS = 5, 14 * 24 * 60, 5
NO_REMINDERS = "none"

DURATION_UNREADABLE = N_("Mohon tulis lama rapat, misalnya “2 jam” atau “90 menit”.")
DURATION_RANGE = N_("Lama rapat harus antara {min} menit dan {max} jam.")
OFFSETS_UNREADABLE = N_(
    "Mohon tulis kapan pengingat dikirim, misalnya “24 jam, 1 jam” atau “30 menit”."
)
OFFSETS_RANGE = N_(
    "Pengingat harus antara {min} menit dan {max} hari sebelum rapat, paling banyak {count}."
)

_UNITS = {
    "menit": 1, "mnt": 1, "min": 1, "mins": 1, "minute": 1, "minutes": 1, "m": 1,
    "jam": 60, "j": 60, "h": 60, "hr": 60, "hrs": 60, "hour": 60, "hours": 60,
    "hari": 1440, "day": 1440, "days": 1440, "d": 1440,
}  # fmt: skip
_PART = re.compile(r"(\d+(?:[.,]\d+)?)\s*([a-z]+)")
_WORDS = {"setengah jam": "30 menit", "sejam": "1 jam", "satu jam": "1 jam", "sehari": "1 hari"}


@dataclass(frozen=True)
class DurationChoice:
    minutes: int

    @property
    def code(self) -> str:
        """The value to pass back as the answer (it reads as text, too): "120m"."""
        return f"{self.minutes}m"


DURATION_CHOICES = tuple(DurationChoice(m) for m in (60, 90, 120, 180, 240))
# Reminder presets: minutes before the start ("none": no reminders for this meeting).
OFFSET_CHOICES: tuple[tuple[int, ...], ...] = ((1440, 60), (1440,), (120,), (60,), ())


def _minutes(text: str) -> int | None:
    """ "1 jam 30 menit" → 90; None when any piece is not a length of time."""
    text = text.strip().lower()
    for words, plain in _WORDS.items():
        text = text.replace(words, plain)
    total, end = 0.0, 0
    for match in _PART.finditer(text):
        unit = _UNITS.get(match[2])
        if unit is None or text[end : match.start()].strip() not in ("", "dan", "and"):
            return None
        total, end = total + float(match[1].replace(",", ".")) * unit, match.end()
    if end == 0 or text[end:].strip():
        return None
    return round(total)


def parse_duration(value: object) -> int:
    """A meeting's length in minutes; a bare number up to 12 is hours, above it minutes."""
    text = str(value or "").strip().lower()
    if re.fullmatch(r"\d{1,4}", text):
        minutes: int | None = int(text) * 60 if int(text) <= 12 else int(text)
    else:
        minutes = _minutes(text)
    if minutes is None:
        raise InvalidInput(DURATION_UNREADABLE)
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise InvalidInput(DURATION_RANGE, min=MIN_DURATION, max=MAX_DURATION // 60)
    return minutes


def parse_offsets(value: object) -> tuple[int, ...]:
    """Reminder offsets in minutes, longest first: a list of minutes, a preset code, or text."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        found = [int(v) for v in value]
    elif str(value).strip().lower() in (NO_REMINDERS, "tidak", "tanpa pengingat", "0"):
        return ()
    else:
        parts = re.split(r"[,;/]|\s+(?:dan|and)\s+", str(value or ""))
        minutes = [_minutes(p) for p in parts if p.strip()]
        if not minutes or any(m is None for m in minutes):
            raise InvalidInput(OFFSETS_UNREADABLE)
        found = [m for m in minutes if m is not None]
    offsets = tuple(sorted(set(found), reverse=True))
    if len(offsets) > MAX_OFFSETS or any(not MIN_OFFSET <= m <= MAX_OFFSET for m in offsets):
        raise InvalidInput(OFFSETS_RANGE, min=MIN_OFFSET, max=MAX_OFFSET // 1440, count=MAX_OFFSETS)
    return offsets


def offsets_code(offsets: Sequence[int]) -> str:
    """A preset as answer text: (1440, 60) → "1440m,60m"; () → "none"."""
    return ",".join(f"{m}m" for m in offsets) or NO_REMINDERS


def format_duration(tr: Translator, minutes: int) -> str:
    """ "2 jam", "1 jam 30 menit", "45 menit" (days when whole: "1 hari")."""
    if minutes and minutes % 1440 == 0:
        return tr.n_("{n} hari", "{n} hari", minutes // 1440)
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(tr.n_("{n} jam", "{n} jam", hours))
    if rest or not hours:
        parts.append(tr.n_("{n} menit", "{n} menit", rest))
    return " ".join(parts)


def format_offsets(tr: Translator, offsets: Sequence[int]) -> str:
    """ "24 jam dan 1 jam sebelum rapat" / "Tanpa pengingat"."""
    if not offsets:
        return tr._("Tanpa pengingat")
    lengths = [format_duration(tr, m) for m in offsets]
    listed = (
        lengths[0]
        if len(lengths) == 1
        else tr._("{first} dan {last}", first=", ".join(lengths[:-1]), last=lengths[-1])
    )
    return tr._("{lengths} sebelum rapat", lengths=listed)
