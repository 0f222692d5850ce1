"""`paket-bot demo`: it starts, shows the seeded meeting's invitation, and its reminder arrives.

The demo always runs on its own SQLite file (data/demo.db, here one in a temporary folder),
so these tests are the same whichever database the suite runs on.
"""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from bot import demo
from bot.config import load_settings
from bot.demo_data import MEETING
from bot.domain.clock import ShiftedClock
from storage.db import Database
from storage.meeting_models import Meeting, MeetingReminder
from storage.models import Outbox

START_WITHIN = 60.0


async def _meeting_and_reminders(url: str) -> tuple[Meeting, dict[int, MeetingReminder]]:
    db = Database(url)
    try:
        async with db.transaction() as s:
            meeting = (await s.exec(select(Meeting))).one()
            reminders = (await s.exec(select(MeetingReminder))).all()
            return meeting, {r.offset_minutes: r for r in reminders}
    finally:
        await db.dispose()


async def _kinds_sent(url: str) -> list[tuple[int, str]]:
    db = Database(url)
    try:
        async with db.transaction() as s:
            rows = (await s.exec(select(Outbox).where(Outbox.status == "sent"))).all()
            return sorted((r.chat_id, r.kind) for r in rows if r.kind.startswith("meeting."))
    finally:
        await db.dispose()


async def test_paket_bot_demo_starts_with_a_meeting_whose_reminder_comes_soon(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {k: v for k, v in os.environ.items() if k not in ("TELEGRAM_BOT_TOKEN", "DATABASE_URL")}
    env |= {"DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    script = Path(sys.executable).with_name("paket-bot")
    child = await asyncio.create_subprocess_exec(
        str(script), "demo", cwd=tmp_path, env=env, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert child.stdin is not None and child.stdout is not None
    started = asyncio.get_running_loop().time()
    seen = ""
    try:
        # Unprompted messages are printed as they arrive: Siti's calendar file comes last.
        while "🤖 → siti:\n   📎 rapat-1.ics" not in seen:
            remaining = START_WITHIN - (asyncio.get_running_loop().time() - started)
            line = await asyncio.wait_for(child.stdout.readline(), max(remaining, 0.1))
            assert line, f"the demo ended early:\n{seen}"
            seen += line.decode()
        child.stdin.write(b":quit\n")
        await child.stdin.drain()
        assert await asyncio.wait_for(child.wait(), 30) == 0
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    assert "its first reminder comes in a minute or two" in seen
    assert "🤖 → siti:\n   📅 Undangan rapat\n   Rapat koordinasi BKM Sukamaju" in seen
    meeting, reminders = await _meeting_and_reminders(url)
    assert (meeting.title, meeting.status) == (MEETING["judul"], "terjadwal")
    assert meeting.scheduled_at is not None and meeting.starts_at is not None
    # The day-before reminder falls due a minute or two after the start, the other tomorrow.
    soon = reminders[1440].due_at - meeting.scheduled_at
    assert reminders[1440].status == "pending" and timedelta(0) < soon <= timedelta(minutes=2)
    assert reminders[60].due_at == meeting.starts_at - timedelta(hours=1)
    invited = [chat for chat, kind in await _kinds_sent(url) if kind == "meeting.invitation"]
    assert invited == [5001, 5001, 5002, 5002]  # Siti and Budi: the text and the .ics each


async def test_the_demo_reminder_arrives_and_is_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    clock = ShiftedClock()
    printed = ""

    async def a_while_later(prompt: str) -> str:
        """The newcomer waits at the prompt (the clock jumps the minute or two) and quits."""
        nonlocal printed
        clock.advance(minutes=3)
        deadline = asyncio.get_running_loop().time() + 20  # the reminder job runs every 5 s
        while printed.count("⏰ Pengingat rapat") < 2:  # Siti's and Budi's
            assert asyncio.get_running_loop().time() < deadline, printed
            await asyncio.sleep(0.2)
            printed += capsys.readouterr().out
        return ":quit"

    monkeypatch.setattr(demo, "_read_line", a_while_later)
    settings = load_settings(database_url=url, _env_file=None)
    await demo._demo(settings, clock)
    printed += capsys.readouterr().out
    reminder = printed[printed.index("🤖 → siti:\n   ⏰ Pengingat rapat") :]
    assert "Rapat koordinasi BKM Sukamaju" in reminder and "WIB" in reminder
    sent = await _kinds_sent(url)
    assert sent.count((5001, "meeting.reminder")) == sent.count((5002, "meeting.reminder")) == 1
    _, reminders = await _meeting_and_reminders(url)
    assert (reminders[1440].status, reminders[60].status) == ("done", "pending")
