"""How the bot speaks: two codes in one message, voice notes, "Data saya", English plurals."""

from __future__ import annotations

from bot.domain import areas
from bot.domain.actors import person_by_telegram
from bot.simulator import SimUser
from storage.models import Proposal, Role
from tests.e2e.conftest import World


async def make_proposal(world: World, author: SimUser, code: str) -> str:
    """A submitted proposal, written straight to the database: the form has its own tests."""
    async with world.db.transaction() as s:
        bkm = await areas.find_bkm(s, "BKM Sukamaju")
        person = await person_by_telegram(s, author.id)
        assert person is not None and bkm.id is not None
        s.add(
            Proposal(
                code=code, bkm_id=bkm.id, kota_id=bkm.kota_id, author_id=person.id,
                status="diajukan", step="ringkasan", judul=f"Usulan {code}", jenis="lingkungan",
                created_at=world.clock.now(), submitted_at=world.clock.now(),
            )
        )  # fmt: skip
    return code


async def test_a_message_naming_two_codes_answers_both(world: World):
    koordinator = world.sim.user(8001, first_name="Siti")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju")
    anggota = world.sim.user(8002, first_name="Budi")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    first = await make_proposal(world, koordinator, "PKT-2026-0001")
    second = await make_proposal(world, anggota, "PKT-2026-0002")

    await koordinator.send(f"/status {first} {second}")
    shown = await koordinator.replies(2)
    assert first in shown[0].plain and second in shown[1].plain

    await koordinator.send(f"gimana {second.lower()} dan {first}?")
    shown = await koordinator.replies(2)
    assert second in shown[0].plain and first in shown[1].plain

    await koordinator.send(f"/status {first} PKT-2020-9999")  # one unknown: the other still shown
    shown = await koordinator.replies(2)
    assert first in shown[0].plain and "tidak ditemukan" in shown[1].plain


async def test_a_voice_note_is_answered_and_the_question_stays_open(world: World):
    token = await world.invite(Role.ANGGOTA, bkm="BKM Sukamaju")
    ani = world.sim.user(8101, first_name="Ani")
    await ani.send(f"/start {token}")
    await ani.press(await ani.reply(), "Saya setuju")
    await ani.press(await ani.reply(), "Ubah nama")
    asked = await ani.reply()
    assert "Silakan ketik nama Bapak/Ibu (nama panggilan juga boleh)." in asked.plain
    await ani.send_voice()
    assert (
        await ani.reply()
    ).plain == "Maaf, pesan suara belum bisa dibaca; mohon ketik jawabannya."
    await ani.send("Bu Ani")  # the name question was still open
    assert "bahasa" in (await ani.reply()).plain.lower()

    # In the middle of the proposal form too.
    user = world.sim.user(8102, first_name="Rudi")
    await world.register(user, Role.ANGGOTA, bkm="BKM Sukamaju")
    await user.send("/usulan")
    await user.wait_idle()
    user.clear()
    await user.send_voice()
    assert "pesan suara belum bisa dibaca" in (await user.reply()).plain
    await user.send("/batal")
    await user.wait_idle()
    user.clear()
    await user.send("/batal")
    assert "Tidak ada isian yang perlu dibatalkan." in (await user.reply()).plain


async def test_data_saya_names_the_language(world: World):
    user = world.sim.user(8201, first_name="Lina")
    await world.register(user, Role.WARGA, bkm="BKM Sukamaju")
    await user.send("/privasi")
    await user.press(await user.reply(), "Lihat data saya")
    await user.wait_idle()
    shown = user.inbox[-1].plain
    assert "Bahasa: Bahasa Indonesia" in shown and "Bahasa: id" not in shown


async def test_welcome_words(world: World):
    stranger = world.sim.user(8301, first_name="Tamu")
    await stranger.send("/start")
    assert "layanan chat program PAKET" in (await stranger.reply()).plain


async def test_english_counts_use_the_singular_for_one(world: World):
    """Needs the English catalog with this change's strings (/tmp/i18n_words.json) merged."""
    koordinator = world.sim.user(8401, first_name="Sue")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju", locale="en")
    await make_proposal(world, koordinator, "PKT-2026-0001")
    await koordinator.send("/status")
    text = (await koordinator.reply()).plain
    assert "1 proposal," in text and "1 proposals" not in text
