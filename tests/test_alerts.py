"""Operator alerts: a flood of errors pages the operator once, then once per window, as valid HTML."""

from __future__ import annotations

import asyncio

import pytest

from bot.runtime.alerts import DETAIL_CHARS, OperatorAlerts
from bot.simulator.html_check import parse_html
from bot.simulator.text_format import check_message_text


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def valid_page(text: str) -> str:
    """What Telegram would show; raises as Telegram refuses (bad HTML, too long)."""
    plain, _entities = parse_html(text)
    check_message_text(plain)
    return plain


async def test_a_flood_of_errors_pages_once_then_one_summary() -> None:
    pages: list[str] = []

    async def send(text: str) -> None:
        pages.append(text)

    clock = FakeClock()
    alerts = OperatorAlerts(send, window=0.2, now=clock)
    await alerts.report(KeyError("first"))
    for n in range(50):  # someone provoking errors as fast as they can
        await alerts.report(ValueError("again") if n % 2 else KeyError("first"))
    assert len(pages) == 1 and "KeyError" in valid_page(pages[0])

    clock.now += 0.2
    await asyncio.sleep(0.3)  # the window ends: the rest arrive together, counted by kind
    assert len(pages) == 2
    summary = valid_page(pages[1])
    assert "50 more error(s)" in summary
    assert "25× KeyError('first')" in summary and "25× ValueError('again')" in summary
    await alerts.close()
    assert len(pages) == 2  # nothing left to say


async def test_errors_after_a_quiet_window_page_at_once() -> None:
    pages: list[str] = []

    async def send(text: str) -> None:
        pages.append(text)

    clock = FakeClock()
    alerts = OperatorAlerts(send, window=60, now=clock)
    await alerts.report(RuntimeError("one"))
    clock.now += 61
    await alerts.report(RuntimeError("two"))
    assert [valid_page(p).endswith(("'one')", "'two')")) for p in pages] == [True, True]


@pytest.mark.parametrize("filler", ["&", "<", "é", "😀"])
async def test_long_errors_are_cut_before_escaping_so_the_page_stays_valid(filler: str) -> None:
    pages: list[str] = []

    async def send(text: str) -> None:
        pages.append(text)

    clock = FakeClock()
    alerts = OperatorAlerts(send, window=60, now=clock)
    await alerts.report(ValueError(filler * 5000))
    for n in range(40):  # many distinct long errors in one summary
        await alerts.report(ValueError(f"{n}" + filler * 5000))
    await alerts.close()
    assert len(pages) == 2
    first = valid_page(pages[0])
    assert first.endswith("…") and len(first) < DETAIL_CHARS + 40
    assert "other kind(s)" in valid_page(pages[1])


async def test_a_failing_page_never_raises() -> None:
    async def send(text: str) -> None:
        raise ConnectionError("Telegram unreachable")

    alerts = OperatorAlerts(send, window=60, now=FakeClock())
    await alerts.report(KeyError("x"))  # must not raise inside the error handler
