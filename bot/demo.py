"""`paket-bot demo`: the real bot against the simulator, chatted with from the terminal.

Seeds a demo kota with BKMs, partners and people (one per role), and a meeting whose first
reminder falls due a minute or two after the start; starts the simulator and the bot over HTTP
on loopback, then lets you type as any demo person. Lines starting with `:` are demo commands
(`:help`); anything else is sent as that person's message. What the bot sends unprompted (an
invitation, a reminder) is printed as it arrives.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlmodel import select

from bot.config import Settings
from bot.demo_data import seed_meeting, seed_proposals
from bot.domain import areas, invites, people, roster
from bot.domain.actors import SYSTEM, person_by_telegram
from bot.domain.clock import Clock, SystemClock
from bot.i18n import N_, Html, Translator
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, Simulator, SimUser
from storage.db import Database, migrate
from storage.models import Consent, Invite, Kota, Role

DEMO_TOKEN = "100000:DEMO-token-not-secret"
DEMO_DATABASE = "sqlite:///data/demo.db"
NEWCOMER_TOKEN = "demo-undangan-anggota"
# How often the terminal looks for messages that arrived while you were not typing.
WATCH_SECONDS = 1.0


@dataclass(frozen=True)
class DemoPerson:
    key: str
    telegram_id: int
    name: str
    role: Role
    bkm: str | None = None
    kota: str | None = None
    mitra: str | None = None
    locale: str = "id"


PEOPLE = (
    DemoPerson("siti", 5001, "Siti Aminah", Role.KOORDINATOR, bkm="BKM Sukamaju"),
    DemoPerson("budi", 5002, "Budi Santoso", Role.ANGGOTA, bkm="BKM Sukamaju"),
    DemoPerson("rina", 5003, "Rina Fasilitator", Role.FASILITATOR, kota="Bandung"),
    DemoPerson("dinas", 5004, "Agus (Dinas PUPR)", Role.MITRA, mitra="Dinas PUPR Kota Bandung"),
    DemoPerson(
        "john", 5005, "John Peduli", Role.MITRA, mitra="Yayasan Peduli Bandung", locale="en"
    ),
)
NEWCOMER = DemoPerson("baru", 5006, "Warga Baru", Role.WARGA)

# The demo's own lines are in the operator's language (DEFAULT_LOCALE), like the CLI's.
HELP = N_(
    """Perintah demo:
  :users           daftar orang demo             :as NAMA     ngobrol sebagai orang itu
  :N  (angka)      tekan tombol N pada pesan bertombol yang terakhir
  :contact         bagikan nomor telepon         :location    bagikan titik peta
  :photo           kirim foto kecil              :quit        hentikan demo
Selain itu dikirim sebagai pesan (coba /start, /bantuan, /usulan, /status, /tinjau, /rapat,
dan sebagai rina /umumkan: pengumuman ke orang-orang demo, pesan kemajuannya diperbarui langsung)."""
)


class Words:
    """The demo's own terminal lines in one language: msgids through the catalogs, unescaped
    (a terminal shows text, not Telegram's HTML)."""

    def __init__(self, locale: str) -> None:
        self.tr = Translator(locale)

    def _(self, msgid: str, /, **params: object) -> str:
        return str(self.tr._(msgid, **{k: Html(str(v)) for k, v in params.items()}))


async def seed(db: Database) -> None:
    """Create the demo world once; later runs reuse it."""
    clock = SystemClock()
    async with db.transaction() as s:
        if (await s.exec(select(Kota))).first() is not None:
            return
        assessed = clock.now().date() - timedelta(days=60)
        await areas.add_kota(
            s, clock, SYSTEM, name="Bandung", province="Jawa Barat", timezone="Asia/Jakarta"
        )
        await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Sukamaju",
            kota="Bandung",
            kelurahan="Sukamaju",
            kecamatan="Coblong",
            level="berdaya",
            assessed_on=assessed,
        )
        await areas.add_bkm(
            s,
            clock,
            SYSTEM,
            name="BKM Cibeunying",
            kota="Bandung",
            kelurahan="Cibeunying",
            level="awal",
            assessed_on=date(2025, 1, 10),
        )
        await areas.add_mitra(
            s, clock, SYSTEM, name="Dinas PUPR Kota Bandung", kind="dinas", kota="Bandung"
        )
        await areas.add_mitra(
            s, clock, SYSTEM, name="Yayasan Peduli Bandung", kind="kelompok_peduli", kota="Bandung"
        )
        for p in PEOPLE:
            await people.grant_role(
                s,
                clock,
                SYSTEM,
                telegram_id=p.telegram_id,
                role=p.role,
                bkm=await areas.find_bkm(s, p.bkm) if p.bkm else None,
                kota=await areas.find_kota(s, p.kota) if p.kota else None,
                mitra=await areas.find_mitra(s, p.mitra) if p.mitra else None,
            )
            person = await person_by_telegram(s, p.telegram_id)
            assert person is not None and person.id is not None
            # Demo people have already agreed to the notice and finished onboarding.
            person.name, person.locale, person.onboarding_step = p.name, p.locale, None
            s.add(person)
            s.add(
                Consent(
                    person_id=person.id, notice_version="demo", decision="given", at=clock.now()
                )
            )
        # Rina is also the secretary of Bandung's Panitia Kemitraan: she records its decisions.
        await people.grant_role(
            s, clock, SYSTEM, telegram_id=PEOPLE[2].telegram_id, role=Role.SEKRETARIS,
            kota=await areas.find_kota(s, "Bandung"),
        )  # fmt: skip


async def newcomer_invite(db: Database) -> str:
    """A standing invite for the demo newcomer, so onboarding can be tried from /start."""
    clock = SystemClock()
    async with db.transaction() as s:
        existing = (await s.exec(select(Invite).where(Invite.token == NEWCOMER_TOKEN))).first()
        if existing is None:
            bkm = await areas.find_bkm(s, "BKM Sukamaju")
            invite = await invites.create_invite(
                s,
                clock,
                SYSTEM,
                role=Role.ANGGOTA,
                bkm=bkm,
                valid_days=365,
                max_uses=invites.MAX_USES,
            )
            invite.token = NEWCOMER_TOKEN
    return NEWCOMER_TOKEN


def _print_message(who: str, message: SimMessage, words: Words) -> None:
    edited = " " + words._("(disunting)") if message.edited else ""
    print(f"\n🤖 → {who}{edited}:")
    if message.document:
        print(f"   📎 {message.document.get('file_name', 'file')}")
    if message.photo:
        print("   🖼 " + words._("(foto)"))
    if message.plain:
        print("   " + message.plain.replace("\n", "\n   "))
    number = 1
    for row in message.buttons:
        print("   " + "  ".join(f"[{number + i}] {b.text}" for i, b in enumerate(row)))
        number += len(row)
    if message.reply_keyboard:
        buttons = ", ".join(b.get("text", "") for row in message.reply_keyboard for b in row)
        print("   " + words._("(tombol di ponsel: {buttons})", buttons=buttons))


async def _read_line(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


async def registered_roles(database_url: str) -> dict[int, list[str]]:
    """Telegram id → the roles the database holds for them: what `:users` shows."""
    db = Database(database_url)
    try:
        async with db.transaction() as s:
            members = await roster.list_people(s, SYSTEM)
    finally:
        await db.dispose()
    return {
        m.telegram_id: [
            f"{r.role.value} {r.bkm or r.mitra or r.kota or ''}".strip() for r in m.roles
        ]
        for m in members
        if m.telegram_id is not None
    }


class Terminal:
    def __init__(
        self, sim: Simulator, database_url: str = DEMO_DATABASE, locale: str = "id"
    ) -> None:
        self.sim = sim
        self.database_url = database_url
        self.words = Words(locale)
        self.users = {
            p.key: sim.user(p.telegram_id, first_name=p.name, language_code=p.locale)
            for p in (*PEOPLE, NEWCOMER)
        }
        self.current = "siti"
        self.seen: dict[tuple[int, int], tuple[str, tuple[str, ...]]] = {}
        for key, user in self.users.items():
            # The seeded people have used the bot before, so it may write to them first.
            user.chat.known = key != NEWCOMER.key

    @property
    def user(self) -> SimUser:
        return self.users[self.current]

    async def show_new(self) -> None:
        """Print every bot message that is new or was edited since the last look."""
        with contextlib.suppress(AssertionError):
            await self.user.wait_idle(quiet=0.4, timeout=10)
        self.print_new()

    def print_new(self) -> int:
        """Print what is new or edited since the last look; returns how many."""
        printed = 0
        for key, user in self.users.items():
            for message in user.inbox:
                state = (message.text, tuple(b.text for row in message.buttons for b in row))
                if self.seen.get((user.id, message.message_id)) != state:
                    self.seen[(user.id, message.message_id)] = state
                    _print_message(key, message, self.words)
                    printed += 1
        return printed

    async def watch(self) -> None:
        """While you are not typing, print what arrives unprompted (an invitation, a reminder)."""
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            if self.print_new():
                print(self.prompt, end="", flush=True)

    @property
    def prompt(self) -> str:
        return f"\n[{self.current}] > "

    async def command(self, line: str) -> bool:
        """Handle a `:` line; False means quit."""
        word, _, rest = line[1:].strip().partition(" ")
        say = self.words
        if word == "quit":
            return False
        if word == "users":
            # From the database, as the bot sees it: the newcomer appears once registered.
            roles = await registered_roles(self.database_url)
            for p in (*PEOPLE, NEWCOMER):
                held = "; ".join(roles.get(p.telegram_id, ())) or say._("belum terdaftar")
                print(f"  {p.key:6} {p.name} — {held}")
        elif word == "as" and rest.strip() in self.users:
            self.current = rest.strip()
            print("  " + say._("sekarang ngobrol sebagai {name}", name=self.current))
        elif word == "as":
            who = rest.strip() or "?"
            names = ", ".join(self.users)
            print(
                "  "
                + say._(
                    "tidak ada orang demo bernama {who}: {people} (lihat :users)",
                    who=who,
                    people=names,
                )
            )
        elif word.isdigit():
            labels = [
                b.text
                for m in reversed(self.user.inbox)
                if m.buttons
                for row in m.buttons
                for b in row
            ]
            with_buttons = next((m for m in reversed(self.user.inbox) if m.buttons), None)
            flat = [b.text for row in with_buttons.buttons for b in row] if with_buttons else []
            if not labels or not 1 <= int(word) <= len(flat):
                print("  " + say._("tidak ada tombol itu"))
            else:
                await self.user.press(with_buttons, flat[int(word) - 1])
        elif word == "contact":
            await self.user.share_contact(phone="+6281234567890")
        elif word == "location":
            await self.user.share_location(-6.8915, 107.6107)
        elif word == "photo":
            await self.user.send_photo(b"\xff\xd8\xff demo photo")
        else:
            print(say._(HELP))
        return True


def _remove_database(database_url: str) -> None:
    """Delete the demo's SQLite file (and its journal files): the next seed starts afresh."""
    url = make_url(database_url)
    name = url.database
    if not url.drivername.startswith("sqlite") or not name or name == ":memory:":
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(name + suffix).unlink(missing_ok=True)


async def _demo(settings: Settings, clock: Clock | None = None, *, reset: bool = False) -> None:
    clock = clock or SystemClock()
    words = Words(settings.default_locale)
    database_url = (
        settings.database_url if settings.database_url.endswith("demo.db") else DEMO_DATABASE
    )
    if reset:
        _remove_database(database_url)
        print(words._("Data demo diatur ulang: mulai dari data baru."))
    await asyncio.to_thread(migrate, database_url)
    db = Database(database_url)
    await seed(db)
    token = await newcomer_invite(db)
    await seed_proposals(
        db, clock, koordinator=PEOPLE[0].telegram_id, fasilitator=PEOPLE[2].telegram_id
    )
    # Rina invites BKM Sukamaju (Siti, Budi): the reminder comes while you look around.
    await seed_meeting(db, clock, organiser=PEOPLE[2].telegram_id)
    await db.dispose()
    # Update ids keep rising across demo runs, as Telegram's do: the demo database remembers
    # the ids it handled and would ignore a simulator that counted from 1 again.
    first_update_id = int(time.time() * 100)
    async with Simulator(
        token=DEMO_TOKEN, bot_username="paket_demo_bot", first_update_id=first_update_id
    ) as sim:
        demo_settings = settings.model_copy(
            update={
                "telegram_bot_token": DEMO_TOKEN,
                "telegram_api_server": sim.url,
                "database_url": database_url,
                # Whatever the hour you try it, the meeting's reminder should arrive.
                "quiet_hours": "off",
            }
        )
        from pydantic import SecretStr

        demo_settings.telegram_bot_token = SecretStr(DEMO_TOKEN)
        process = BotProcess(demo_settings, clock)
        await process.start()
        terminal = Terminal(sim, database_url, settings.default_locale)
        print(
            words._(
                "Demo PAKET Bot — bot sungguhan, berbicara dengan simulator Telegram lokal di {url}",
                url=sim.url,
            )
        )
        print(words._(HELP))
        print(words._("Untuk mencoba pendaftaran: `:as baru`, lalu `/start {token}`.", token=token))
        print(words._("Siti diundang ke rapat: pengingat pertamanya datang satu-dua menit lagi."))
        print(
            words._(
                "Sebagai rina, /umumkan mengirim pengumuman; pesan kemajuannya menjadi laporannya."
            )
        )
        watcher = asyncio.create_task(terminal.watch())
        try:
            while True:
                line = await _read_line(terminal.prompt)
                if line is None:
                    if not sys.stdin.isatty():
                        stops = N_(
                            "Masukan habis, jadi demo berhenti: demo ini interaktif, "
                            "jalankan di terminal."
                        )
                        print("\n" + words._(stops))
                    break
                line = line.strip()
                if not line:
                    continue
                if line.startswith(":"):
                    if not await terminal.command(line):
                        break
                else:
                    await terminal.user.send(line)
                await terminal.show_new()
        finally:
            watcher.cancel()
            await process.stop()


def run_demo(settings: Settings, *, reset: bool = False) -> None:
    """Blocking entry point used by `paket-bot demo` and by `make run` without a token.

    Input that is not a terminal (a pipe, a script) is read too; when it ends, the demo stops
    and says why.
    """
    asyncio.run(_demo(settings, reset=reset))
