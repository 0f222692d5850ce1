"""Micro-benchmarks of what every reply with an amount or a date goes through.

Microseconds each; they matter only if they stop being microseconds (a regex that
backtracks, a Babel locale parsed on every call).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.domain.money import parse_rupiah
from bot.i18n import Translator

# How volunteers really type amounts into the proposal form.
TYPED_AMOUNTS = (
    "15 juta",
    "Rp 15.000.000",
    "1,5 juta",
    "500rb",
    "1 juta 500 ribu",
    "15.000.000,00",
    "Rp15.000.000,-",
    "2 M",
)
MEETING = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


def test_parse_rupiah_typed_amounts(benchmark: Any) -> None:
    """All eight spellings above, parsed once each."""
    amounts = benchmark(lambda: [parse_rupiah(text) for text in TYPED_AMOUNTS])
    assert amounts[0] == 15_000_000 and amounts[4] == 1_500_000


def test_translator_money(benchmark: Any) -> None:
    """Rp1.500.000 through Babel, as in every proposal summary."""
    tr = Translator("id", "Asia/Jakarta")
    assert benchmark(tr.money, 1_500_000) == "Rp1.500.000"


def test_translator_datetime(benchmark: Any) -> None:
    """A meeting time in the reader's zone and language, as in every reminder."""
    tr = Translator("en", "Asia/Makassar")
    assert (
        benchmark(tr.datetime, MEETING) == "Monday, 2 March 2026, 10:00 WITA"
    )  # English clock: HH:mm


def test_translator_message_with_placeholders(benchmark: Any) -> None:
    """One translated message with an escaped user value, the unit of every reply."""
    tr = Translator("en", "Asia/Jakarta")
    text = benchmark(tr._, "Siapa yang ingin Bapak/Ibu undang ke {bkm}?", bkm="BKM <A&B>")
    assert "BKM &lt;A&amp;B&gt;" in text
