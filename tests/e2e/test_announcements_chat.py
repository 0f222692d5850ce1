"""/umumkan (/announce) end to end: the real bot over HTTP against the simulator, limits on.
A fasilitator announces to the koordinators of Bandung (the frame in each reader's language,
the body as written, read once), a too-long text is refused with its count, a blocked member
is named in the report, stop drops the rest and counts it, a scheduled one is cancelled."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from bot.config import load_settings
from bot.domain.clock import SystemClock
from bot.i18n import Translator
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, Simulator, SimUser
from storage.announcement_models import Announcement
from storage.db import Database
from storage.models import Role
from tests.e2e.conftest import TOKEN, World, eventually, forge_press, seed

WIB = ZoneInfo("Asia/Jakarta")
BODY = "Rapat <besar> & penting, Sabtu 09.00 di Balai RW 05 🎉"


@asynccontextmanager
async def running(database_url: str, quiet_hours: str) -> AsyncIterator[World]:
    clock = SystemClock()
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        settings = load_settings(
            telegram_bot_token=TOKEN, telegram_api_server=sim.url, database_url=database_url,
            quiet_hours=quiet_hours, _env_file=None,
        )  # fmt: skip
        db = Database(database_url)
        await seed(db, clock)
        the_world = World(sim, BotProcess(settings, clock), db, clock)
        await the_world.bot.start()
        try:
            yield the_world
        finally:
            await the_world.bot.stop()
            await db.dispose()


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    """Quiet hours off: the bot runs on the real clock, and a night run would ask first."""
    async with running(database_url, "off") as the_world:
        yield the_world


@pytest.fixture
async def night(database_url: str) -> AsyncIterator[World]:
    """Quiet hours that hold this hour and the next in Bandung, whatever the real time."""
    hour = datetime.now(WIB).hour
    async with running(database_url, f"{hour}-{(hour + 2) % 24}") as the_world:
        yield the_world


def said(lang: str, msgid: str, **params: object) -> str:
    """A message as a reader of `lang` sees it (tags stripped): the catalog is the oracle."""
    return html.unescape(re.sub(r"<[^>]+>", "", Translator(lang)._(msgid, **params)))


def current(user: SimUser, message: SimMessage) -> SimMessage:
    """`message` as it reads now (edited in place since)."""
    return next(m for m in user.inbox if m.message_id == message.message_id)


async def next_with(user: SimUser, text: str) -> SimMessage:
    while True:
        message = await user.reply()
        if text in message.plain:
            return message


async def person(world: World, telegram_id: int, name: str, role: Role, where: str,
                 lang: str = "id") -> SimUser:  # fmt: skip
    user = world.sim.user(telegram_id, first_name=name)
    if role == Role.FASILITATOR:
        await world.register(user, role, kota=where, locale=lang)
    else:
        await world.register(user, role, bkm=where, locale=lang)
    return user


async def koordinators(world: World) -> tuple[SimUser, SimUser]:
    asep = await person(world, 7202, "Koordinator Asep", Role.KOORDINATOR, "BKM Sukamaju")
    budi = await person(world, 7203, "Koordinator Budi", Role.KOORDINATOR, "BKM Cibeunying", "en")
    return asep, budi


async def compose(user: SimUser, body: str = BODY) -> SimMessage:
    """/umumkan → ➕ → the text → every koordinator of Bandung; returns the "when" question."""
    await user.send("/umumkan")
    listing = await next_with(user, "Pengumuman")
    await user.press(listing, "Buat pengumuman")
    await next_with(user, "Silakan tulis isi pengumuman")
    await user.send(body)
    audience = await next_with(user, "Kepada siapa")
    await user.press(audience, "Semua Koordinator BKM di Bandung")
    return await next_with(user, "Kapan pengumuman ini dikirim?")


async def send_now(user: SimUser) -> SimMessage:
    """From the "when" question: now, the preview, ✅ Kirim; returns the report."""
    when = await user.reply()
    await user.press(when, "Kirim sekarang")
    preview = await next_with(user, "Pengumuman dari Fasilitator Kota Bandung")
    assert BODY in preview.plain
    summary = await next_with(user, "akan diterima 2 orang")
    assert "sekitar 1 detik" in summary.plain
    await user.press(summary, "✅ Kirim")
    return await next_with(user, "Pengumuman #")


async def test_fasilitator_announces_to_the_koordinators_of_bandung(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)
    anggota = await person(world, 7204, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")

    await rina.send("/umumkan")
    listing = await next_with(rina, "Belum ada pengumuman")
    await rina.press(listing, "Buat pengumuman")
    await next_with(rina, "paling banyak 4.000 huruf")
    await rina.send("a" * 3990 + "😀" * 6)  # 4,002 as Telegram counts
    refused = await next_with(rina, "terlalu panjang")
    assert "4002 huruf" in refused.plain and "4000" in refused.plain
    await rina.send(BODY)
    audience = await next_with(rina, "Kepada siapa")
    await rina.press(audience, "Semua Koordinator BKM di Bandung")
    when = await next_with(rina, "Kapan pengumuman ini dikirim?")
    await rina.press(when, "Kirim sekarang")
    preview = await next_with(rina, "📢 Pengumuman dari Fasilitator Kota Bandung")
    assert preview.plain.endswith(BODY) and "&lt;besar&gt; &amp;" in preview.html
    summary = await next_with(rina, "akan diterima 2 orang")
    await rina.press(summary, "✅ Kirim")
    await next_with(rina, "Pengumuman #1")

    got = await next_with(asep, "Pengumuman dari Fasilitator Kota Bandung")
    assert got.plain == preview.plain and got.button_labels() == ["✅ Sudah dibaca"]
    english = await next_with(budi, said("en", "📢 <b>Pengumuman dari {sender}</b>",
                                         sender=Translator("en")._("Fasilitator Kota {kota}",
                                                                   kota="Bandung")))  # fmt: skip
    assert english.plain.endswith(BODY)
    await asep.press(got, "Sudah dibaca")
    await eventually(
        lambda: any("tanda sudah dibaca" in (a["text"] or "") for a in asep.callback_answers)
    )
    await forge_press(asep, got, "an:ack:1")  # the button went with the first press
    await eventually(lambda: any("sebelumnya" in (a["text"] or "") for a in asep.callback_answers))
    assert all("Pengumuman" not in m.plain for m in anggota.inbox)

    report = rina.inbox[-1]
    await rina.press(report, "Perbarui")
    await eventually(lambda: "Sudah dibaca: 1" in rina.inbox[-1].plain)
    assert "Terkirim: 2" in rina.inbox[-1].plain


async def test_blocked_members_are_named_in_the_report(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)
    world.sim.block(budi.id)
    await compose(rina)
    report = await send_now_from(rina)
    await eventually(lambda: asep.inbox)

    def current() -> SimMessage:
        return next(m for m in rina.inbox if m.message_id == report.message_id)

    async def named() -> bool:
        await rina.press(report, "Perbarui")
        await asyncio.sleep(0.2)
        return "Terkirim: 1" in current().plain

    await eventually(named)
    assert "Tidak terjangkau: 1" in current().plain and "Terkirim ·" not in current().plain
    assert "• Koordinator Budi (BKM Cibeunying)" in current().plain


async def send_now_from(user: SimUser) -> SimMessage:
    when = user.inbox[-1]
    await user.press(when, "Kirim sekarang")
    summary = await next_with(user, "akan diterima 2 orang")
    await user.press(summary, "✅ Kirim")
    return await next_with(user, "Pengumuman #")


async def test_stop_drops_what_is_not_yet_sent_and_counts_it(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    await koordinators(world)
    await world.bot.runtime.sender.stop()  # nothing leaves (not even the progress message)
    await compose(rina)
    when = rina.inbox[-1]
    await rina.press(when, "Kirim sekarang")
    summary = await next_with(rina, "akan diterima 2 orang")
    await rina.press(summary, "✅ Kirim")
    await eventually(lambda: "mulai dikirim kepada 2 orang" in current(rina, summary).plain)
    await rina.send("/umumkan")
    listing = await next_with(rina, "#1 · Sedang dikirim · terkirim 0/2")
    await rina.press(listing, "Pengumuman #1")

    def report() -> SimMessage:
        return next(m for m in rina.inbox if m.message_id == listing.message_id)

    await eventually(lambda: "Menunggu: 2" in report().plain)
    await rina.press(report(), "Hentikan pengiriman")
    await next_with(rina, "Pengiriman dihentikan. 2 pesan tidak jadi dikirim.")
    final = await next_with(rina, "Pengumuman #1")
    assert "Dihentikan" in final.plain and "Tidak dikirim karena dihentikan: 2" in final.plain


async def test_a_scheduled_announcement_is_listed_and_can_be_cancelled(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    await koordinators(world)
    when = await compose(rina)
    await rina.press(when, "Jadwalkan")
    await next_with(rina, "Silakan ketik waktunya")
    await rina.send("besok 09.00")
    shown = await next_with(rina, "Dijadwalkan:")
    assert "pukul 09.00 WIB" in shown.plain
    summary = await next_with(rina, "akan diterima 2 orang")
    await rina.press(summary, "✅ Kirim")
    report = await next_with(rina, "Pengumuman #1")
    assert "Terjadwal" in report.plain
    await rina.send("/umumkan")
    listing = await next_with(rina, "#1 · Terjadwal")
    await rina.press(listing, "Pengumuman #1")  # the list becomes that one's report

    def current() -> SimMessage:
        return next(m for m in rina.inbox if m.message_id == listing.message_id)

    await eventually(lambda: "Batalkan jadwal" in current().button_labels()[-1])
    await rina.press(current(), "Batalkan jadwal")
    await next_with(rina, "Jadwal pengumuman dibatalkan.")
    assert "Dibatalkan" in (await next_with(rina, "Pengumuman #1")).plain


async def test_send_now_in_quiet_hours_asks_now_or_in_the_morning(night: World):
    rina = await person(night, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, _ = await koordinators(night)
    when = await compose(rina)
    await rina.press(when, "Kirim sekarang")
    asked = await next_with(rina, "Sekarang sudah larut malam di Bandung")
    assert asked.button_labels() == ["▶️ Kirim sekarang", "🌅 Kirim pagi nanti"]
    await rina.press(asked, "Kirim pagi nanti")
    summary = await next_with(rina, "akan diterima 2 orang")
    await rina.press(summary, "✅ Kirim")
    report = await next_with(rina, "Pengumuman #1")
    assert "Terjadwal" in report.plain and "Dijadwalkan:" in report.plain
    assert not [m for m in asep.inbox if "Pengumuman dari" in m.plain]


async def test_a_scheduled_announcement_starts_from_the_reminder_job(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)
    when = await compose(rina)
    await rina.press(when, "Jadwalkan")
    await next_with(rina, "Silakan ketik waktunya")
    await rina.send("besok 09.00")
    summary = await next_with(rina, "akan diterima 2 orang")
    await rina.press(summary, "✅ Kirim")
    await next_with(rina, "Pengumuman #1")
    async with world.db.transaction() as s:  # its time has come
        (announcement,) = (await s.exec(select(Announcement))).all()
        announcement.send_at = world.clock.now()
    scheduler = world.bot.runtime.scheduler
    assert scheduler is not None
    await scheduler.run_once()
    assert BODY in (await next_with(asep, "Pengumuman dari Fasilitator Kota Bandung")).plain
    assert BODY in (await budi.reply()).plain
