"""`python -m tests.bench.reminders`: 2,000 meetings whose reminders fall due at once.

The database is seeded as the load's (`tests.bench.load.seed`, 10,000 people), then 2,000
scheduled meetings are bulk-inserted, each starting in two hours with 10 invitees and one
pending reminder (20,000 reminder messages in all; `storage/meeting_models.py`). The bot runs
in this process against the Bot API simulator with Telegram's limits on; once it is up, every
reminder's `due_at` is set to now in one UPDATE. The real `ReminderScheduler`
(`bot/runtime/scheduler.py`, every 5 s) turns them into outbox rows
(`bot/domain/meetings/reminders.py`) and the sender delivers them at SEND_RATE.

Reported: how long after the due time the last reminder was queued (the scheduler's share)
and the last one sent (accepted by the simulated Telegram), the floor that SEND_RATE alone
sets (messages / SEND_RATE), and the 429s. Quiet hours are off (the bench may run at night).
No target: the issue asks for the figure. Exits 0 whatever it is; 1 when the reminders were
not all sent within --give-up seconds (the partial figures are printed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, update

from bot.config import load_settings
from bot.domain.clock import SystemClock
from bot.runtime.app import BotProcess
from bot.simulator import Simulator
from bot.simulator.params import Params
from bot.simulator.registry import METHODS, Method
from storage.db import Database
from storage.meeting_models import Meeting, MeetingInvitee, MeetingReminder, ReminderStatus
from storage.models import Kota, Person
from tests.bench.load.seed import FILLER_ID, FIRST_ID, Scale
from tests.bench.load.stores import SQLITE, STORES, Store

TOKEN = "123456:BENCH-TOKEN-abcdef"
PLAYERS = 20  # the seeded BKM members (organisers); everyone else is invited
BATCH = 2_000


@dataclass
class Result:
    meetings: int
    invitees: int
    messages: int  # reminder messages expected: meetings × invitees
    runtime: str
    store: str
    send_rate: float
    queued_after_s: float | None  # due time → every reminder turned into outbox rows
    last_sent_after_s: float | None  # due time → the last reminder accepted by Telegram
    sent: int  # reminder messages accepted by then
    floor_s: float  # messages / SEND_RATE: what the pace alone costs
    rate_limited: int
    finished: bool


async def _meetings(db: Database, meetings: int, invitees: int) -> None:
    """Scheduled meetings two hours ahead, `invitees` each, one reminder each (not yet due)."""
    meeting_t, invitee_t = Meeting.__table__, MeetingInvitee.__table__  # type: ignore[attr-defined]
    reminder_t = MeetingReminder.__table__  # type: ignore[attr-defined]
    person_t, kota_t = Person.__table__, Kota.__table__  # type: ignore[attr-defined]
    now = datetime.now(UTC)
    starts = now + timedelta(hours=2)
    async with db.engine.begin() as c:
        kota_id = (await c.execute(select(kota_t.c.id).limit(1))).scalar_one()
        organiser = (
            await c.execute(select(person_t.c.id).where(person_t.c.telegram_id == FIRST_ID))
        ).scalar_one()
        people = list(
            (
                await c.execute(
                    select(person_t.c.id)
                    .where(person_t.c.telegram_id >= FILLER_ID)
                    .order_by(person_t.c.id)
                )
            ).scalars()
        )
        rows = [
            {"status": "terjadwal", "step": "selesai", "organiser_id": organiser,
             "kota_id": kota_id, "kind": "bkm", "title": f"Rapat koordinasi {n + 1}",
             "starts_at": starts, "duration_minutes": 120, "place": "Balai Warga RW 05",
             "agenda": "Pembagian tugas kerja bakti.", "sequence": 0, "created_at": now,
             "updated_at": now, "scheduled_at": now}
            for n in range(meetings)
        ]  # fmt: skip
        for start in range(0, len(rows), BATCH):
            await c.execute(insert(meeting_t), rows[start : start + BATCH])
        ids = list((await c.execute(select(meeting_t.c.id).order_by(meeting_t.c.id))).scalars())
        invited = [
            {"meeting_id": m, "person_id": people[(n * invitees + k) % len(people)],
             "invited_at": now}
            for n, m in enumerate(ids)
            for k in range(invitees)
        ]  # fmt: skip
        for start in range(0, len(invited), BATCH):
            await c.execute(insert(invitee_t), invited[start : start + BATCH])
        reminders = [
            {"meeting_id": m, "offset_minutes": 60, "due_at": now + timedelta(days=1),
             "status": ReminderStatus.PENDING.value}
            for m in ids
        ]  # fmt: skip
        for start in range(0, len(reminders), BATCH):
            await c.execute(insert(reminder_t), reminders[start : start + BATCH])


async def run_once(
    store: Store, meetings: int, invitees: int, *, runtime: str, send_rate: float, give_up: float
) -> Result:
    url = await store.fresh()
    db = Database(url)
    await _meetings(db, meetings, invitees)
    accepted: list[float] = []
    original = METHODS["sendmessage"]

    async def recording(sim: Simulator, p: Params) -> Any:
        result = await original.handler(sim, p)
        accepted.append(time.monotonic())
        return result

    METHODS["sendmessage"] = Method(original.name, recording)
    messages = meetings * invitees
    try:
        async with Simulator(token=TOKEN, bot_username="paket_bench_bot") as sim:
            if send_rate > 30:  # past Telegram's overall limit: lift the simulator's too
                sim.set_limits(global_per_second=100_000, global_burst=100_000)
            for n in range(store.scale.people):
                sim.user(FILLER_ID + n).chat.known = True
            settings = load_settings(
                telegram_bot_token=TOKEN, telegram_api_server=sim.url, database_url=url,
                bot_runtime=runtime, send_rate=send_rate, quiet_hours="off", _env_file=None,
            )  # fmt: skip
            bot = BotProcess(settings, SystemClock())
            await bot.start()
            try:
                accepted.clear()  # start-up sends nothing, but to be sure
                due = time.monotonic()
                reminder_t = MeetingReminder.__table__  # type: ignore[attr-defined]
                async with db.transaction() as s:
                    await s.exec(  # type: ignore[call-overload]
                        update(reminder_t).values(due_at=datetime.now(UTC) - timedelta(seconds=1))
                    )
                queued_after = None
                deadline = due + give_up
                while len(accepted) < messages and time.monotonic() < deadline:
                    await asyncio.sleep(0.25)
                    if queued_after is None:
                        async with db.transaction() as s:
                            pending = (
                                await s.exec(  # type: ignore[call-overload]
                                    select(func.count())
                                    .select_from(reminder_t)
                                    .where(reminder_t.c.status == ReminderStatus.PENDING.value)
                                )
                            ).scalar_one()
                        if pending == 0:
                            queued_after = round(time.monotonic() - due, 1)
                finished = len(accepted) >= messages
                last = round(max(accepted) - due, 1) if finished else None
                rate_limited = sum(1 for _m, code, _d in sim.errors if code == 429)
                pace = bot.runtime.pacer.rate
            finally:
                await bot.stop()
    finally:
        METHODS["sendmessage"] = original
        await db.dispose()
        await store.release(url)
    return Result(
        meetings, invitees, messages, runtime, store.kind, pace, queued_after, last,
        len(accepted), round(messages / pace, 1), rate_limited, finished,
    )  # fmt: skip


def table(results: list[Result]) -> str:
    lines = [
        "| meetings × invitees | runtime | store | SEND_RATE | all queued after | last sent after "
        "| floor (messages / SEND_RATE) | 429s |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        queued = "–" if r.queued_after_s is None else f"{r.queued_after_s:,.1f} s"
        last = (
            f"{r.last_sent_after_s:,.1f} s"
            if r.last_sent_after_s is not None
            else f"not done ({r.sent:,} of {r.messages:,} sent)"
        )
        lines.append(
            f"| {r.meetings:,} × {r.invitees} = {r.messages:,} | {r.runtime} | {r.store} | "
            f"{r.send_rate:g}/s | {queued} | {last} | {r.floor_s:,.0f} s | {r.rate_limited} |"
        )
    return "\n".join(lines)


async def measure(
    meetings: int,
    invitees: int,
    *,
    folder: Path,
    runtime: str = "ptb",
    store: str = SQLITE,
    people: int = 10_000,
    send_rate: float = 25.0,
    give_up: float = 1800.0,
) -> list[Result]:
    seeded = Store(
        store, folder, PLAYERS, Scale(people=max(people, PLAYERS + invitees), proposals=0)
    )
    try:
        print(f"… reminders: {meetings:,} meetings × {invitees} invitees at SEND_RATE "
              f"{send_rate:g} ({runtime}, {store})", file=sys.stderr, flush=True)  # fmt: skip
        result = await run_once(seeded, meetings, invitees, runtime=runtime,
                                send_rate=send_rate, give_up=give_up)  # fmt: skip
    finally:
        await seeded.close()
    return [result]


async def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.reminders", description=__doc__)
    parser.add_argument("--meetings", type=int, default=2_000)
    parser.add_argument("--invitees", type=int, default=10, help="per meeting")
    parser.add_argument("--people", type=int, default=10_000, help="in the database")
    parser.add_argument("--send-rate", type=float, default=25.0, help="SEND_RATE (default 25)")
    parser.add_argument("--give-up", type=float, default=1800.0, help="seconds before giving up")
    parser.add_argument("--runtime", default="ptb", choices=["ptb", "aiogram"])
    parser.add_argument("--store", default=SQLITE, choices=list(STORES))
    parser.add_argument("--quick", action="store_true", help="50 meetings × 4 invitees, 500 people")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args(argv)
    if args.quick:
        args.meetings, args.invitees, args.people = 50, 4, 500
    with tempfile.TemporaryDirectory() as folder:
        results = await measure(
            args.meetings, args.invitees, folder=Path(folder), runtime=args.runtime,
            store=args.store, people=args.people, send_rate=args.send_rate, give_up=args.give_up,
        )  # fmt: skip
    print("\n" + table(results))
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n")
    return 0 if all(r.finished for r in results) else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
