"""English is a real locale: numbers and clock times written the English way, by Babel."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.i18n import Translator


def test_english_numbers_and_times_are_written_the_english_way():
    at = datetime(2027, 1, 12, 7, 28, tzinfo=UTC)
    en, id_ = Translator("en"), Translator("id")
    assert en.number(1000) == "1,000" and id_.number(1000) == "1.000"
    assert "14:28 WIB" in en.datetime(at) and "pukul 14.28 WIB" in id_.datetime(at)
    assert en.short_datetime(at) == "12 Jan 2027 14:28 WIB"
    assert id_.short_datetime(at) == "12 Jan 2027 14.28 WIB"
