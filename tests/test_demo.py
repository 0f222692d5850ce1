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
from storage.models import Kota, Outbox, Proposal

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
    assert "pengingat pertamanya datang satu-dua menit lagi" in seen
    assert "jalankan di terminal" not in seen  # it did not stop: :quit ended it
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


async def test_the_demo_sends_an_announcement_and_its_progress_becomes_the_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    """As Rina: /umumkan → ➕ → the text → BKM Sukamaju (Siti, Budi) → now → ✅ Kirim; the
    progress message is printed, then printed again edited into the report."""
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    script = iter([":as rina", "/umumkan", ":1", "Kerja bakti hari Minggu pukul 07.00.",
                   ":2", ":1", ":1"])  # fmt: skip
    printed = ""

    async def type_line(prompt: str) -> str:
        nonlocal printed
        line = next(script, None)
        if line is not None:
            return line
        deadline = asyncio.get_running_loop().time() + 30  # a progress pass every 3 s
        while "🤖 → rina (disunting):\n   📢 Pengumuman #1 · Terkirim" not in printed:
            assert asyncio.get_running_loop().time() < deadline, printed
            await asyncio.sleep(0.2)
            printed += capsys.readouterr().out
        return ":quit"

    monkeypatch.setattr(demo, "_read_line", type_line)
    await demo._demo(load_settings(database_url=url, _env_file=None))
    printed += capsys.readouterr().out
    assert "Seluruh BKM Sukamaju" in printed and "akan diterima 2 orang" in printed
    # The progress message, edited in place into the report (printed again as edited).
    report = printed[printed.index("🤖 → rina (disunting):\n   📢 Pengumuman #1 · Terkirim") :]
    assert "✅ Terkirim: 2" in report and "[1] 🔄 Perbarui" in report
    for who in ("siti", "budi"):
        assert f"🤖 → {who}:\n   📢 Pengumuman dari Fasilitator Kota Bandung" in printed


def _script(lines: list[str | None]):
    """A `_read_line` that types `lines` (None: the input ends) and then quits."""
    queue = iter(lines)

    async def type_line(prompt: str) -> str | None:
        return next(queue, ":quit")

    return type_line


async def test_demo_commands_answer_about_people_as_the_bot_knows_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setattr(demo, "_read_line", _script([":as nobody", ":users", ":as rina"]))
    await demo._demo(load_settings(database_url=url, _env_file=None))
    printed = capsys.readouterr().out
    assert "tidak ada orang demo bernama nobody" in printed
    # :users reads the database: the newcomer is not registered until they use the invite,
    # and Rina's second role (the committee's secretary) is there too.
    assert "baru   Warga Baru — belum terdaftar" in printed
    assert "rina   Rina Fasilitator — fasilitator Bandung; sekretaris Bandung" in printed
    assert "siti   Siti Aminah — koordinator BKM Sukamaju" in printed
    assert "sekarang ngobrol sebagai rina" in printed
    # "Run it in a terminal" is said only when the demo then stops: here it did not.
    assert "jalankan di terminal" not in printed


async def test_the_seeded_past_does_not_flood_the_first_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setattr(demo, "_read_line", _script([]))
    await demo._demo(load_settings(database_url=url, _env_file=None))
    db = Database(url)
    try:
        async with db.transaction() as s:
            kinds = {r.kind for r in (await s.exec(select(Outbox))).all()}
            proposals = (await s.exec(select(Proposal))).all()
    finally:
        await db.dispose()
    # The seeded history is there, in the proposals' timelines: enough for a first /laporan
    # to chart (each Tridaya, each of the committee's outcomes, a first tranche).
    assert sorted(p.status for p in proposals) == [
        "daftar_tunggu", "dana_cair", "diajukan", "ditolak",
    ]  # fmt: skip
    assert {p.jenis for p in proposals} == {"lingkungan", "sosial", "ekonomi"}
    assert not any(k.startswith("proposal.") for k in kinds), kinds
    assert "meeting.invitation" in kinds  # what is news at the start still comes


async def test_the_demo_stops_when_its_input_ends_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    monkeypatch.setattr(demo, "_read_line", _script([None]))
    monkeypatch.setattr(demo.sys.stdin, "isatty", lambda: False, raising=False)
    await demo._demo(load_settings(database_url=url, _env_file=None))
    assert "Masukan habis, jadi demo berhenti: demo ini interaktif, jalankan di terminal." in (
        capsys.readouterr().out
    )


async def test_demo_reset_starts_from_fresh_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    settings = load_settings(database_url=url, _env_file=None)
    monkeypatch.setattr(demo, "_read_line", _script([]))
    await demo._demo(settings)

    async def count_kota_and_mark() -> list[str]:
        db = Database(url)
        try:
            async with db.transaction() as s:
                names = [k.name for k in (await s.exec(select(Kota))).all()]
                s.add(Kota(name=f"Tambahan {len(names)}", timezone="Asia/Jakarta"))
                return names
        finally:
            await db.dispose()

    assert await count_kota_and_mark() == ["Bandung"]
    await demo._demo(settings)  # reused: what was added stays
    assert await count_kota_and_mark() == ["Bandung", "Tambahan 1"]
    await demo._demo(settings, reset=True)
    assert "Data demo diatur ulang: mulai dari data baru." in capsys.readouterr().out
    assert await count_kota_and_mark() == ["Bandung"]
