"""Ideas end to end: a warga suggests, the BKM takes it up (a draft) or not, the warga hears."""

from __future__ import annotations

from sqlmodel import select

from bot.simulator import SimUser, sample_png
from storage.idea_models import Idea, IdeaStatus
from storage.models import Dialog, Proposal, Role
from tests.e2e.conftest import World, forge_press

IDEA = (
    "Saluran air di gang RT 02 sering mampet & banjir kalau hujan. Usul dibersihkan dan "
    "ditutup dengan plat beton supaya aman untuk anak-anak."
)


async def _team(world: World) -> tuple[SimUser, SimUser, SimUser]:
    warga = world.sim.user(7001, first_name="Wati")
    await world.register(warga, Role.WARGA, bkm="BKM Sukamaju")
    anggota = world.sim.user(7002, first_name="Budi")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    koordinator = world.sim.user(7003, first_name="Siti")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju")
    return warga, anggota, koordinator


async def _suggest(warga: SimUser, text: str, *, photo: bool = False) -> None:
    await warga.send("/usul_ide")
    assert "Silakan ketik ide" in (await warga.reply()).plain
    await warga.send(text)
    photo_question = await warga.reply()
    if photo:
        await warga.send_photo(sample_png())
    else:
        await warga.press(photo_question, "Lewati")
    preview = await warga.reply()
    assert "Kirim ke BKM?" in preview.plain
    await warga.press(preview, "Kirim ke BKM")
    await warga.wait_idle()
    assert "sudah dikirim ke BKM Sukamaju" in warga.inbox[-2].plain
    warga.clear()


async def test_a_wargas_idea_becomes_a_draft_and_the_warga_is_told(world: World):
    warga, anggota, koordinator = await _team(world)
    await warga.send("/menu")
    assert "💡 Usul ide" in (await warga.reply()).button_labels()

    # Invalid first: too short, then a voice note; the question stays open.
    await warga.send("/usul_ide")
    await warga.reply()
    await warga.send("jalan")
    assert "10 sampai 500 huruf" in (await warga.reply()).plain
    await warga.send_voice()
    assert "pesan suara belum bisa dibaca" in (await warga.reply()).plain
    await warga.send("/batal")
    await warga.wait_idle()
    warga.clear()

    await _suggest(warga, IDEA, photo=True)
    told = await anggota.reply()  # members and the koordinator hear of it at once
    assert "Ide baru dari warga" in told.plain and "Wati" in told.plain
    assert "Ide baru dari warga" in (await koordinator.reply()).plain

    await anggota.send("/ide")
    listing = await anggota.reply()
    assert "1 menunggu tanggapan" in listing.plain and "Menunggu BKM" in listing.plain
    await anggota.press(listing, listing.button_labels()[0])
    shown = await anggota.reply()
    assert "Saluran air" in shown.plain and "&" in shown.plain  # escaped, then shown as typed
    assert "📷 Lihat foto" in shown.button_labels()
    assert "✋ Tidak dilanjutkan" not in shown.button_labels()  # the koordinator's decision
    await anggota.press(shown, "📷 Lihat foto")
    assert (await anggota.reply()).photo is not None

    await anggota.press(shown, "📝 Jadikan usulan")
    await anggota.wait_idle()
    question = anggota.inbox[-1]
    assert "Tridaya" in question.plain  # judul and uraian are filled: the form goes on from there
    async with world.db.transaction() as s:
        proposal = (await s.exec(select(Proposal))).one()
        idea = (await s.exec(select(Idea))).one()
        dialog = await s.get(Dialog, 7002)
    assert proposal.status == "draf" and proposal.judul is not None
    assert proposal.judul.startswith("Saluran air di gang RT 02")
    assert proposal.uraian == IDEA
    assert idea.status == IdeaStatus.PROPOSED.value and idea.proposal_id == proposal.id
    assert idea.photo_file_id
    assert dialog is not None and dialog.flow == "proposal"

    outcome = await warga.reply()
    assert "sedang disusun menjadi usulan oleh BKM Sukamaju" in outcome.plain

    # The warga's own list says what became of it.
    await warga.send("/usul_ide")
    await warga.press(await warga.reply(), "📋 Ide saya")
    mine = await warga.reply()
    assert "Dijadikan usulan" in mine.plain and "draf sedang disusun" in mine.plain

    # A second tap on the same button (from another device) changes nothing, tells nobody twice.
    await forge_press(anggota, shown, f"idea:draft:{idea.id}")
    await anggota.wait_idle()
    await warga.wait_idle()
    assert len([m for m in warga.inbox if "sedang disusun menjadi" in m.plain]) == 1
    async with world.db.transaction() as s:
        assert len((await s.exec(select(Proposal))).all()) == 1


async def test_the_koordinator_does_not_take_an_idea_up_with_a_reason(world: World):
    warga, _anggota, koordinator = await _team(world)
    await _suggest(warga, "Usul pelatihan menjahit untuk ibu-ibu RW 05.")
    await koordinator.reply()
    await koordinator.send("/ide")
    await koordinator.press(await koordinator.reply(), "1.")
    shown = await koordinator.reply()
    await koordinator.press(shown, "Tidak dilanjutkan")
    assert "Mengapa ide ini tidak dilanjutkan?" in (await koordinator.reply()).plain
    await koordinator.send("x")  # a reason needs a few words
    assert "beberapa kata" in (await koordinator.reply()).plain
    await koordinator.send("Sudah ada program pelatihan dari Dinas tahun ini.")
    confirm = await koordinator.reply()
    assert "Kirim?" in confirm.plain
    await koordinator.press(confirm, "Kirim alasan")
    await koordinator.wait_idle()
    told = await warga.reply()
    assert "tidak dilanjutkan oleh BKM Sukamaju" in told.plain
    assert "Sudah ada program pelatihan dari Dinas" in told.plain
    async with world.db.transaction() as s:
        idea = (await s.exec(select(Idea))).one()
    assert idea.status == IdeaStatus.NOT_PURSUED.value and idea.proposal_id is None


async def test_another_bkm_does_not_see_the_idea(world: World):
    warga = world.sim.user(7101, first_name="Wati")
    await world.register(warga, Role.WARGA, bkm="BKM Sukamaju")
    other = world.sim.user(7102, first_name="Lain")
    await world.register(other, Role.ANGGOTA, bkm="BKM Cibeunying")
    await _suggest(warga, "Usul lampu jalan di gang buntu RW 03.")
    await other.send("/ide")
    empty = await other.reply()
    assert "Belum ada ide" in empty.plain
    async with world.db.transaction() as s:
        idea = (await s.exec(select(Idea))).one()
    await forge_press(other, empty, f"idea:draft:{idea.id}")  # a forged button: refused
    assert "tidak ditemukan" in (await other.reply()).plain
    async with world.db.transaction() as s:
        assert (await s.exec(select(Proposal))).first() is None
    await warga.send("/ide")  # a warga suggests; the list is for the BKM's members
    assert "tidak tersedia untuk peran" in (await warga.reply()).plain


async def test_control_characters_are_dropped_before_anything_is_stored(world: World):
    # PostgreSQL cannot store NUL at all, and no control character shows in a chat: a
    # broken client sending them gets its text kept without them, on either store.
    warga, _anggota, _koordinator = await _team(world)
    await _suggest(warga, "Saluran\x00 air\x07 gang RT 02\x1b mampet\r\nmohon dibersihkan")
    async with world.db.transaction() as s:
        idea = (await s.exec(select(Idea))).one()
    assert idea.text == "Saluran air gang RT 02 mampet\nmohon dibersihkan"
