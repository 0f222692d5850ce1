"""Dates and times as people type them, read in the kota's zone relative to the clock; lengths
of time; quiet hours. Pure functions: no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain import quiet_hours
from bot.domain.clock import FrozenClock
from bot.domain.errors import InvalidInput
from bot.domain.meetings import dates, durations
from bot.i18n import Translator

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
# Monday 2 March 2026, 09.00 WIB (10.00 WITA, 11.00 WIT).
MONDAY_9_WIB = FrozenClock(datetime(2026, 3, 2, 2, 0, tzinfo=UTC))


def local(when: datetime, zone: str) -> datetime:
    return when.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def read(text: str, zone: str = WIB, clock: FrozenClock = MONDAY_9_WIB) -> datetime:
    return dates.read_when(text, now=clock.now(), timezone=zone)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15/12 09.00", datetime(2026, 12, 15, 9, 0)),
        ("15 Desember 2026 jam 9", datetime(2026, 12, 15, 9, 0)),
        ("besok 14.00", datetime(2026, 3, 3, 14, 0)),
        ("lusa jam 10 pagi", datetime(2026, 3, 4, 10, 0)),
        ("Senin depan 10:00", datetime(2026, 3, 9, 10, 0)),
        ("tomorrow 2pm", datetime(2026, 3, 3, 14, 0)),
        ("besok jam 7 malam", datetime(2026, 3, 3, 19, 0)),
        ("besok jam 2 siang", datetime(2026, 3, 3, 14, 0)),
        ("Rabu depan pukul 13.30", datetime(2026, 3, 11, 13, 30)),
        ("15.12.2026 09.00", datetime(2026, 12, 15, 9, 0)),
        ("Jumat, 6 Maret 2026 pukul 09.30 WIB", datetime(2026, 3, 6, 9, 30)),
        ("December 15 2026 at 9am", datetime(2026, 12, 15, 9, 0)),
        ("jam 14.00", datetime(2026, 3, 2, 14, 0)),  # today
        ("Senin 08.00", datetime(2026, 3, 9, 8, 0)),  # said on a Monday after 08.00
        ("b09", datetime(2026, 3, 3, 9, 0)),  # quick choice: besok 09.00
        ("l14", datetime(2026, 3, 4, 14, 0)),  # quick choice: lusa 14.00
    ],
)
def test_typed_dates_are_read_in_the_kota_zone(text, expected):
    assert local(read(text), WIB) == expected
    # The same words in Makassar mean that wall-clock time there (one hour earlier in UTC).
    assert local(read(text, WITA), WITA) == expected
    assert read(text, WITA) == read(text, WIB) - timedelta(hours=1)


def test_relative_words_follow_the_kota_date_not_utc():
    # Monday 23.30 WIB is already Tuesday 01.30 WIT: "besok" differs by zone.
    late = FrozenClock(datetime(2026, 3, 2, 16, 30, tzinfo=UTC))
    assert local(read("besok 09.00", WIB, late), WIB) == datetime(2026, 3, 3, 9, 0)
    assert local(read("besok 09.00", WIT, late), WIT) == datetime(2026, 3, 4, 9, 0)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/2 09.00", dates.IMPOSSIBLE_DATE),
        ("29/2/2027 10.00", dates.IMPOSSIBLE_DATE),
        ("31 Februari jam 9", dates.IMPOSSIBLE_DATE),
        ("xyz", dates.UNREADABLE),
        ("", dates.UNREADABLE),
        ("besok 15/12 09.00", dates.UNREADABLE),
        ("besok", dates.NEED_TIME),
        ("15 Desember", dates.NEED_TIME),
        ("besok 25.00", dates.BAD_TIME),
        ("tomorrow 13pm", dates.BAD_TIME),
        ("1/3 09.00", dates.PAST),  # yesterday: a slip, not next year
        ("hari ini jam 8", dates.PAST),
        ("jam 08.59", dates.PAST),
        ("15/12/2027 09.00", dates.TOO_FAR),
        ("3/3/2027 09.00", dates.TOO_FAR),
    ],
)
def test_refusals_say_what_is_wrong(text, message):
    with pytest.raises(InvalidInput) as caught:
        read(text)
    assert caught.value.message == message


def test_shown_back_in_full_in_each_language_and_zone():
    when = read("15/12 09.00")
    assert dates.format_when(Translator("id", WIB), when) == (
        "Selasa, 15 Desember 2026, pukul 09.00 WIB"
    )
    assert dates.format_when(Translator("en", WIB), when) == "Tuesday, 15 December 2026, 09:00 WIB"
    assert dates.format_when(Translator("id", WITA), when).endswith("pukul 10.00 WITA")
    assert dates.format_when(Translator("id", WIT), when).endswith("pukul 11.00 WIT")
    assert dates.format_clock(Translator("en", WITA), when) == "10:00 WITA"


def test_quick_choice_labels():
    labels = [dates.quick_label(Translator("id"), q) for q in dates.QUICK_TIMES]
    assert labels == ["Besok 09.00", "Besok 14.00", "Lusa 09.00", "Lusa 14.00"]
    assert dates.quick_label(Translator("en"), dates.QUICK_TIMES[0]).endswith("09:00")


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("2 jam", 120), ("90 menit", 90), ("1,5 jam", 90), ("1 jam 30 menit", 90), ("120m", 120),
     ("2", 120), ("45", 45), ("setengah jam", 30), ("2 hours", 120)],
)  # fmt: skip
def test_durations(text, minutes):
    assert durations.parse_duration(text) == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [("0", durations.DURATION_RANGE), ("20 hari", durations.DURATION_RANGE),
     ("10 menit", durations.DURATION_RANGE), ("lama", durations.DURATION_UNREADABLE),
     ("2 jam kurang", durations.DURATION_UNREADABLE)],
)  # fmt: skip
def test_durations_out_of_range_or_unreadable(text, message):
    with pytest.raises(InvalidInput) as caught:
        durations.parse_duration(text)
    assert caught.value.message == message


def test_reminder_offsets():
    assert durations.parse_offsets("24 jam, 1 jam") == (1440, 60)
    assert durations.parse_offsets("1 jam dan 1 hari") == (1440, 60)
    assert durations.parse_offsets("30 menit") == (30,)
    assert durations.parse_offsets([60, 1440, 60]) == (1440, 60)
    assert durations.parse_offsets("none") == ()
    assert durations.parse_offsets(durations.offsets_code((1440, 60))) == (1440, 60)
    for bad in ("kemarin", "20 hari", "1 menit", [5, 10, 15, 20, 25, 30]):
        with pytest.raises(InvalidInput):
            durations.parse_offsets(bad)


def test_durations_in_words():
    tr = Translator("id")
    assert durations.format_duration(tr, 120) == "2 jam"
    assert durations.format_duration(tr, 90) == "1 jam 30 menit"
    assert durations.format_duration(tr, 1440) == "1 hari"
    assert durations.format_offsets(tr, (1440, 60)) == "1 hari dan 1 jam sebelum rapat"
    assert durations.format_offsets(tr, ()) == "Tanpa pengingat"


# --- quiet hours ---------------------------------------------------------------------------

NIGHT = (21, 6)


def wib(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=ZoneInfo(WIB)).astimezone(UTC)


def test_quiet_hours_wrap_past_midnight():
    assert quiet_hours.is_quiet(wib(2, 23), WIB, NIGHT)
    assert quiet_hours.is_quiet(wib(3, 5, 59), WIB, NIGHT)
    assert not quiet_hours.is_quiet(wib(3, 6), WIB, NIGHT)
    assert not quiet_hours.is_quiet(wib(2, 20, 59), WIB, NIGHT)
    assert not quiet_hours.is_quiet(wib(2, 23), WIB, None)
    assert quiet_hours.is_quiet(wib(2, 3), WIB, (1, 5))  # a range that does not wrap
    assert not quiet_hours.is_quiet(wib(2, 23), WIB, (1, 5))


def test_a_message_in_quiet_hours_waits_for_06_00_in_the_readers_zone():
    assert quiet_hours.send_time(wib(2, 23), WIB, NIGHT) == wib(3, 6)
    assert quiet_hours.send_time(wib(3, 2), WIB, NIGHT) == wib(3, 6)
    # 23.00 WIB is 00.00 WITA: 06.00 WITA is 05.00 WIB.
    assert quiet_hours.send_time(wib(2, 23), WITA, NIGHT) == wib(3, 5)
    assert quiet_hours.send_time(wib(2, 12), WIB, NIGHT) == wib(2, 12)


def test_unless_the_meeting_is_before_the_quiet_hours_end():
    assert quiet_hours.send_time(wib(2, 23), WIB, NIGHT, deadline=wib(3, 5, 30)) == wib(2, 23)
    assert quiet_hours.send_time(wib(2, 23), WIB, NIGHT, deadline=wib(3, 9)) == wib(3, 6)
