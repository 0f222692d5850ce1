"""/umumkan end to end, continued: a photo with its caption (preview and recipients alike, the
✅ Sudah dibaca button on the photo), a caption over Telegram's limit refused with its count,
several BKMs ticked (each person once), and the author's one live progress message that turns
into the report — also when the bot was restarted in between."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlmodel import select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM
from bot.domain.announcements.frame import FRAME_ROOM
from bot.domain.announcements.limits import CAPTION_LIMIT
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, SimUser
from storage.announcement_models import Announcement
from storage.models import Role
from tests.e2e.conftest import World, eventually
from tests.e2e.test_announcements_chat import current, koordinators, next_with, person, running


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    """Quiet hours off: the bot runs on the real clock, and a night run would ask first."""
    async with running(database_url, "off") as the_world:
        yield the_world


PHOTO = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # any bytes: the simulator keeps them as a photo
CAPTION = "Kerja bakti <Sabtu> pukul 07.00 di RW 05"


async def write(user: SimUser) -> None:
    """/umumkan → ➕ Buat pengumuman."""
    await user.send("/umumkan")
    await user.press(await next_with(user, "Pengumuman"), "Buat pengumuman")
    await next_with(user, "Silakan tulis isi pengumuman")


async def confirm_now(user: SimUser, audience: SimMessage, choice: str, count: int) -> SimMessage:
    """The audience pressed, now, ✅ Kirim; returns the live progress message."""
    await user.press(audience, choice)
    await user.press(await next_with(user, "Kapan pengumuman ini dikirim?"), "Kirim sekarang")
    summary = await next_with(user, f"akan diterima {count} orang")
    await user.press(summary, "✅ Kirim")
    return await next_with(user, "Tidak terjangkau:")


async def test_a_photo_with_its_caption_reaches_each_recipient_with_the_read_button(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)
    await write(rina)
    await rina.send_photo(PHOTO, caption="😀" * (CAPTION_LIMIT // 2))  # 1,024 as Telegram counts
    refused = await next_with(rina, "terlalu panjang")
    assert f"{CAPTION_LIMIT} huruf" in refused.plain
    assert f"paling banyak {CAPTION_LIMIT - FRAME_ROOM}" in refused.plain
    await rina.send_photo(PHOTO, caption=CAPTION)
    audience = await next_with(rina, "Foto atau dokumen tersimpan.")
    await rina.press(audience, "Semua Koordinator BKM di Bandung")
    await rina.press(await next_with(rina, "Kapan"), "Kirim sekarang")
    preview = await next_with(rina, "Pengumuman dari Fasilitator Kota Bandung")
    assert preview.kind == "photo" and preview.plain.endswith(CAPTION)
    summary = await next_with(rina, "akan diterima 2 orang")
    await rina.press(summary, "✅ Kirim")

    got = await next_with(asep, "Pengumuman dari Fasilitator Kota Bandung")
    assert got.kind == "photo" and got.plain == preview.plain
    assert got.photo is not None and preview.photo is not None
    assert got.photo[-1]["file_id"] == preview.photo[-1]["file_id"]  # the same file, by its id
    assert got.button_labels() == ["✅ Sudah dibaca"]
    assert (await next_with(budi, "Kerja bakti")).kind == "photo"  # in English
    await asep.press(got, "Sudah dibaca")
    await eventually(
        lambda: any("tanda sudah dibaca" in (a["text"] or "") for a in asep.callback_answers)
    )


async def test_a_document_takes_the_text_typed_before_as_its_caption(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, _ = await koordinators(world)
    await write(rina)
    await rina.send("Undangan rapat terlampir.")
    await next_with(rina, "Kepada siapa")
    await rina.send_document(b"%PDF-1.4 undangan", filename="undangan.pdf")
    audience = await next_with(rina, "Foto atau dokumen tersimpan.")
    await confirm_now(rina, audience, "Semua Koordinator BKM di Bandung", 2)
    got = await next_with(asep, "Undangan rapat terlampir.")
    assert got.kind == "document" and got.document is not None
    assert got.document["file_name"] == "undangan.pdf"


async def test_several_bkms_ticked_reach_each_person_once(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)  # BKM Sukamaju, BKM Cibeunying
    dedi = await person(world, 7204, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")
    async with world.db.transaction() as s:  # Dedi is in both BKMs
        cibeunying = await areas.find_bkm(s, "BKM Cibeunying")
        await people.grant_role(s, world.clock, SYSTEM, telegram_id=dedi.id, role=Role.ANGGOTA,
                                bkm=cibeunying)  # fmt: skip
    await write(rina)
    await rina.send("Pelatihan pembukuan UPK hari Kamis.")
    audience = await next_with(rina, "Kepada siapa")
    await rina.press(audience, "Beberapa BKM")
    ticks = await next_with(rina, "Centang BKM")
    assert "(0 dipilih)" in ticks.plain
    await rina.press(ticks, "Lanjut")
    await next_with(rina, "Mohon centang paling sedikit satu BKM.")
    await rina.wait_idle()  # the question stays open: its buttons are not taken away
    assert "⬜ BKM Sukamaju" in current(rina, ticks).button_labels()
    for name in ("BKM Sukamaju", "BKM Cibeunying"):
        await rina.press(current(rina, ticks), name)
        await asyncio.sleep(0.1)
    await eventually(lambda: "(2 dipilih)" in current(rina, ticks).plain)
    assert "☑️ BKM Sukamaju" in current(rina, ticks).button_labels()
    await rina.press(current(rina, ticks), "Lanjut")
    await rina.press(await next_with(rina, "Kapan"), "Kirim sekarang")
    summary = await next_with(rina, "akan diterima 3 orang")
    assert "BKM Cibeunying, BKM Sukamaju" in summary.plain
    await rina.press(summary, "✅ Kirim")
    for user in (asep, budi, dedi):
        await next_with(user, "Pelatihan pembukuan UPK")
    await asyncio.sleep(1.5)  # a second copy would have come by now
    assert sum("Pelatihan pembukuan" in m.plain for m in dedi.inbox) == 1


async def test_the_progress_message_edits_itself_into_the_report(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)
    world.sim.block(budi.id)
    await write(rina)
    await rina.send("Rapat besar Sabtu ini.")
    live = await confirm_now(rina, await next_with(rina, "Kepada siapa"),
                             "Semua Koordinator BKM di Bandung", 2)  # fmt: skip
    assert "⏹ Hentikan pengiriman" in live.button_labels()

    def report() -> str:
        return current(rina, live).plain

    await eventually(lambda: "· Terkirim" in report(), within=15)
    assert "Terkirim: 1" in report() and "Tidak terjangkau: 1" in report()
    assert "• Koordinator Budi (BKM Cibeunying)" in report()
    assert current(rina, live).button_labels() == ["🔄 Perbarui"]
    await asep.press(await next_with(asep, "Rapat besar"), "Sudah dibaca")
    await eventually(
        lambda: any("tanda sudah dibaca" in (a["text"] or "") for a in asep.callback_answers)
    )
    await rina.press(current(rina, live), "Perbarui")  # read receipts: when asked
    await eventually(lambda: "Sudah dibaca: 1" in report())
    assert len([m for m in rina.inbox if "Tidak terjangkau:" in m.plain]) == 1  # one message


async def test_after_a_restart_the_same_progress_message_becomes_the_report(world: World):
    rina = await person(world, 7201, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    asep, budi = await koordinators(world)
    reporter = world.bot.runtime.progress
    assert reporter is not None
    await reporter.stop()  # the bot goes down before it edits anything
    await write(rina)
    await rina.send("Rapat besar Sabtu ini.")
    live = await confirm_now(rina, await next_with(rina, "Kepada siapa"),
                             "Semua Koordinator BKM di Bandung", 2)  # fmt: skip
    await next_with(asep, "Rapat besar")
    await next_with(budi, "Rapat besar")
    assert "Menunggu: 2" in current(rina, live).plain  # never edited: the bot is "down"
    await world.bot.stop()
    world.bot = BotProcess(world.bot.settings, world.clock)  # the fixture stops this one
    await world.bot.start()
    await eventually(lambda: "Terkirim: 2" in current(rina, live).plain, within=15)
    assert "· Terkirim" in current(rina, live).plain
    assert len([m for m in rina.inbox if "Tidak terjangkau:" in m.plain]) == 1

    async def recorded() -> bool:  # what it shows is kept: the next restart edits nothing
        async with world.db.transaction() as s:
            (found,) = (await s.exec(select(Announcement))).all()
        return found.progress_final and found.progress_message_id == live.message_id

    await eventually(recorded)
