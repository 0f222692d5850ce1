"""/tinjau and the actions under a proposal, through the simulator over HTTP: the fasilitator's
queue and every review action (with invalid input asked again), a mitra's pledge and decline,
old and forged buttons, and the notifications each change sends, in each person's language."""

from __future__ import annotations

from sqlmodel import col, select

from bot.domain.actors import person_by_telegram
from bot.domain.proposals import review
from bot.domain.proposals.lifecycle import Action
from bot.simulator import SimMessage, SimUser
from storage.models import AuditLog, Outbox, Proposal, Role
from tests.e2e.conftest import World, eventually, forge_press
from tests.e2e.test_proposal_status import (
    act,
    in_review,
    make_proposal,
    notification,
    register_mitra,
    settle,
    show,
)


async def _bkm(world: World, base: int, koordinator_locale: str = "id") -> tuple[SimUser, ...]:
    """An anggota (the author), a koordinator and a fasilitator of Bandung."""
    anggota = world.sim.user(base + 1, first_name="Ratna")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    koor = world.sim.user(base + 2, first_name="Siti")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju", locale=koordinator_locale)
    faskel = world.sim.user(base + 3, first_name="Budi")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    return anggota, koor, faskel


async def _press(user: SimUser, message: SimMessage | None, label: str) -> SimMessage:
    """Press a button and return the new message it brings."""
    await user.press(message, label)
    return await user.reply()


async def _status(world: World, proposal_id: int) -> Proposal:
    async with world.db.transaction() as s:
        return await s.get_one(Proposal, proposal_id)


# --- the queue --------------------------------------------------------------------------------


async def test_fasilitator_queue_counts_pages_and_opens_in_place(world: World):
    koor = world.sim.user(8001, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    made = [await make_proposal(world, koor, koor, judul=f"Usulan ke-{i}") for i in range(8)]
    faskel = world.sim.user(8002, first_name="Fasil")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    await act(world, faskel, review.check, made[1][0])
    await in_review(world, faskel, made[2][0])
    await act(world, faskel, review.request_revision, made[3][0], note="Lengkapi RAB")
    await settle(world, koor, faskel)

    queue = await show(faskel, "/tinjau")
    assert "Menunggu tinjauan Bapak/Ibu: 7 usulan" in queue.plain  # not the one sent back
    assert "Diajukan: 5 · Sedang diperiksa: 1 · Sedang ditinjau: 1" in queue.plain
    assert "Halaman 1 dari 2" in queue.plain
    # Oldest submission first: a queue is worked from the front.
    assert f"1. {made[0][1]} “Usulan ke-0”, BKM Sukamaju — Diajukan" in queue.plain
    assert queue.button_labels()[-1] == "Berikutnya ▶️"
    await faskel.press(queue, "Berikutnya ▶️")
    await faskel.wait_idle()
    assert faskel.unread == [] and "Halaman 2 dari 2" in queue.plain  # edited in place
    assert f"7. {made[7][1]}" in queue.plain

    await faskel.press(queue, made[7][1])
    await faskel.wait_idle()
    assert f"📄 {made[7][1]}" in queue.plain
    assert queue.button_labels() == [
        "🔍 Periksa kelengkapan", "↩️ Minta perbaikan", "◀️ Kembali ke antrean",
    ]  # fmt: skip
    await faskel.press(queue, "Kembali ke antrean")
    await faskel.wait_idle()
    assert "Halaman 2 dari 2" in queue.plain

    # The menu button, and a fasilitator of another kota: nothing waits there.
    await faskel.send("/menu")
    assert "7 usulan" in (await _press(faskel, await faskel.reply(), "Tinjau usulan")).plain
    other = world.sim.user(8003, first_name="Mks")
    await world.register(other, Role.FASILITATOR, kota="Makassar")
    assert "Tidak ada usulan yang menunggu" in (await show(other, "/review")).plain
    # A koordinator may not use /tinjau at all.
    assert "tidak tersedia untuk peran" in (await show(koor, "/tinjau")).plain


# --- every fasilitator action -----------------------------------------------------------------


async def test_check_complete_approve_disburse_start_finish(world: World):
    anggota, koor, faskel = await _bkm(world, 8100)
    pid, code = await make_proposal(world, anggota, koor)
    await settle(world, anggota, koor, faskel)

    queue = await show(faskel, "/tinjau")
    await faskel.press(queue, code)
    await faskel.wait_idle()
    done = await _press(faskel, queue, "Periksa kelengkapan")
    assert f"✅ Usulan {code}" in done.plain and "sekarang berstatus Sedang diperiksa" in done.plain
    assert "Pengusul dan koordinator BKM sudah diberi tahu." in done.plain
    assert done.button_labels() == [
        "✅ Lengkap, lanjut ditinjau", "↩️ Minta perbaikan", "📄 Lihat usulan",
        "🔎 Antrean tinjauan",
    ]  # fmt: skip
    done = await _press(faskel, done, "Lengkap, lanjut ditinjau")
    assert "sekarang berstatus Sedang ditinjau" in done.plain

    ask = await _press(faskel, done, "Setujui")
    assert "Berapa jumlah yang disetujui" in ask.plain
    assert "Anggaran total: Rp15.000.000. Diminta dari BLM PAKET: Rp10.000.000." in ask.plain
    assert ask.button_labels() == ["👍 Setujui sesuai permintaan BLM: Rp10.000.000", "Batal"]
    await faskel.send("lima juta")
    again = (await faskel.reply()).plain
    assert again.startswith("Mohon tulis jumlah dalam rupiah") and "/batal" in again
    await faskel.send("20 juta")  # more than the total: the domain says why, asked again
    assert "tidak boleh lebih dari anggaran total (Rp15.000.000)" in (await faskel.reply()).plain
    await faskel.send("Rp 12.500.000")
    done = await faskel.reply()
    assert "sekarang berstatus Disetujui" in done.plain
    assert "Jumlah yang disetujui: Rp12.500.000." in done.plain

    ask = await _press(faskel, done, "Catat pencairan dana")
    assert "tahap 1" in ask.plain and "Sisa dana yang disetujui: Rp12.500.000" in ask.plain
    await faskel.send("0")
    assert "lebih dari nol" in (await faskel.reply()).plain
    await faskel.send("5jt")
    done = await faskel.reply()
    assert "Dana tersalurkan" in done.plain
    assert "Tahap 1: Rp5.000.000. Seluruhnya tersalurkan Rp5.000.000 dari Rp12.500.000." in (
        done.plain
    )
    done = await _press(faskel, done, "Mulai dilaksanakan")
    assert "sekarang berstatus Sedang dilaksanakan" in done.plain
    ask = await _press(faskel, done, "Catat pencairan dana")  # a later tranche while working
    assert "tahap 2" in ask.plain and "Rp7.500.000" in ask.plain
    await faskel.send("7,5 juta")
    done = await faskel.reply()
    assert "Tahap 2: Rp7.500.000. Seluruhnya tersalurkan Rp12.500.000 dari Rp12.500.000." in (
        done.plain
    )
    assert "Catat pencairan dana" not in " ".join(done.button_labels())  # fully paid
    done = await _press(faskel, done, "Selesai")
    assert "sekarang berstatus Selesai" in done.plain and done.button_labels() == [
        "📄 Lihat usulan", "🔎 Antrean tinjauan",
    ]  # fmt: skip

    proposal = await _status(world, pid)
    assert (proposal.status, proposal.approved_amount, proposal.disbursed_amount) == (
        "selesai", 12_500_000, 12_500_000,
    )  # fmt: skip
    async with world.db.transaction() as s:
        audits = (
            await s.exec(
                select(AuditLog.action)
                .where(AuditLog.entity == "proposal", AuditLog.entity_id == pid)
                .order_by(col(AuditLog.id))
            )
        ).all()
    lifecycle = {f"proposal.{a.value}" for a in Action} - {"proposal.submit"}
    assert [a for a in audits if a in lifecycle] == [
        "proposal.check", "proposal.complete", "proposal.approve", "proposal.disburse",
        "proposal.start", "proposal.disburse", "proposal.finish",
    ]  # fmt: skip
    await settle(world, koor, anggota)
    view = await show(koor, f"/status {code}")
    assert "Status: Selesai" in view.plain and "Disetujui: Rp12.500.000" in view.plain
    assert view.plain.count("Dana disalurkan") == 2


async def test_revision_request_needs_a_note_and_shows_it_with_perbaiki(world: World):
    anggota, koor, faskel = await _bkm(world, 8200)
    pid, code = await make_proposal(world, anggota, koor)
    await settle(world, anggota, koor, faskel)

    view = await show(faskel, f"/status {code}")
    ask = await _press(faskel, view, "Minta perbaikan")
    assert f"Apa yang perlu diperbaiki pada usulan {code}?" in ask.plain
    await faskel.send_sticker()  # no words: asked again
    again = (await faskel.reply()).plain
    assert again.startswith("Mohon tuliskan catatan atau alasannya.") and "/batal" in again
    await faskel.send("Mohon lampirkan <RAB> & berita acara 📎")
    done = await faskel.reply()
    assert "sekarang berstatus Perlu perbaikan" in done.plain

    told = await notification(koor)
    assert f"Status usulan {code}" in told.plain and "sekarang: Perlu perbaikan." in told.plain
    assert "Catatan: Mohon lampirkan <RAB> & berita acara 📎" in told.plain
    assert told.button_labels() == ["Lihat usulan"]
    await koor.press(told, "Lihat usulan")
    view = await koor.reply()
    assert "Status: Perlu perbaikan" in view.plain
    assert "Catatan: Mohon lampirkan <RAB> & berita acara 📎" in view.plain
    flat = [(b.text, b.callback_data) for row in view.buttons for b in row]
    assert (
        flat[0] == ("✏️ Perbaiki", f"p:open:{pid}")
        and ("🚫 Tarik usulan", f"p:do:withdraw:{pid}") in flat
    )
    assert "Perlu perbaikan" in (await notification(anggota)).plain  # the author too


async def test_waitlist_with_skip_then_approve_requested_blm_and_reject_with_reason(world: World):
    anggota, koor, faskel = await _bkm(world, 8300)
    pid, code = await make_proposal(world, anggota, koor)
    pid2, code2 = await make_proposal(world, anggota, koor, judul="Pelatihan menjahit")
    await in_review(world, faskel, pid)
    await in_review(world, faskel, pid2)
    await settle(world, anggota, koor, faskel)

    view = await show(faskel, f"/status {code}")
    ask = await _press(faskel, view, "Daftar tunggu")
    assert "daftar tunggu" in ask.plain and ask.button_labels() == ["Lewati", "Batal"]
    done = await _press(faskel, ask, "Lewati")
    assert "sekarang berstatus Masuk daftar tunggu" in done.plain
    await faskel.press_data(ask, ask.buttons[0][0].callback_data or "")  # an old Lewati: no-op
    await faskel.wait_idle()
    assert faskel.unread == []

    ask = await _press(faskel, done, "Setujui")
    done = await _press(faskel, ask, "Setujui sesuai permintaan BLM")
    assert "Jumlah yang disetujui: Rp10.000.000." in done.plain
    assert (await _status(world, pid)).approved_amount == 10_000_000

    view = await show(faskel, f"/status {code2}")
    ask = await _press(faskel, view, "Tolak")
    assert "Mohon tulis alasan usulan" in ask.plain
    await faskel.send("Bukan kegiatan Tridaya")
    done = await faskel.reply()
    assert "sekarang berstatus Belum dapat disetujui" in done.plain
    await settle(world, anggota)
    koor_msgs = [m.plain for m in koor.inbox if code2 in m.plain]
    assert any("Alasan: Bukan kegiatan Tridaya" in m for m in koor_msgs)


async def test_cancel_old_and_forged_buttons_are_refused_kindly(world: World):
    anggota, koor, faskel = await _bkm(world, 8400)
    pid, code = await make_proposal(world, anggota, koor)
    await settle(world, anggota, koor, faskel)

    # Batal leaves the question; /batal too; a code typed afterwards is not taken for a note.
    view = await show(faskel, f"/status {code}")
    ask = await _press(faskel, view, "Minta perbaikan")
    await faskel.press(ask, "Batal")
    await faskel.wait_idle()
    assert ask.plain == "Baik, dibatalkan. Status usulan tidak berubah."
    view = await show(faskel, f"/status {code}")
    await _press(faskel, view, "Minta perbaikan")
    await faskel.send("/batal")
    cancelled, _menu = await faskel.replies(2)
    assert cancelled.plain == "Baik, dibatalkan."
    shown = await show(faskel, f"bagaimana {code}?")
    assert f"📄 {code}" in shown.plain and (await _status(world, pid)).status == "diajukan"
    # A new question replaces an open one: the note goes to the action asked last.
    pid2, code2 = await make_proposal(world, anggota, koor, judul="Kedua")
    await settle(world, anggota, faskel)
    await _press(faskel, await show(faskel, f"/status {code}"), "Minta perbaikan")
    await _press(faskel, await show(faskel, f"/status {code2}"), "Minta perbaikan")
    await faskel.send("Untuk yang kedua")
    assert code2 in (await faskel.reply()).plain
    assert [(await _status(world, i)).status for i in (pid, pid2)] == [
        "diajukan", "perlu_perbaikan",
    ]  # fmt: skip
    await settle(world, anggota, koor)

    # An old button: the same action again changes nothing; another is refused by the domain.
    old = await show(faskel, f"/status {code}")
    await _press(faskel, old, "Periksa kelengkapan")
    await settle(world, anggota, koor)
    await forge_press(faskel, old, f"p:do:check:{pid}")
    assert "Sudah tercatat sebelumnya" in (await faskel.reply()).plain
    await forge_press(faskel, old, f"p:do:approve:{pid}")
    refused = (await faskel.reply()).plain
    assert refused == (
        "Maaf, tindakan ini tidak dapat dilakukan karena usulan sedang berstatus Sedang diperiksa."
    )
    # Forged: a koordinator acting as fasilitator; a fasilitator of another kota; a mitra.
    await forge_press(koor, koor.inbox[-1], f"p:do:complete:{pid}")
    assert "hanya fasilitator" in (await koor.reply()).plain
    other = world.sim.user(8404, first_name="Mks")
    await world.register(other, Role.FASILITATOR, kota="Makassar")
    await forge_press(other, other.inbox[-1], f"p:do:revise:{pid}")
    assert (await other.reply()).plain == "Maaf, usulan itu tidak ditemukan."
    await forge_press(other, other.inbox[-1], f"rv:pledge:{pid}:1")
    assert (await other.reply()).plain == "Maaf, usulan itu tidak ditemukan."
    await forge_press(faskel, old, "p:do:nonsense:1")
    await faskel.wait_idle()
    assert (await _status(world, pid)).status == "diperiksa"
    # Forged presses on messages without buttons only cost a harmless "not modified".
    assert [e for e in world.sim.errors if e[0] != "editMessageReplyMarkup"] == []


# --- mitra ------------------------------------------------------------------------------------


async def test_mitra_pledges_and_declines_each_on_its_own_record(world: World):
    anggota, koor, faskel = await _bkm(world, 8500)
    dinas = world.sim.user(8504, first_name="Dinas")
    await register_mitra(world, dinas, "Dinas PUPR Kota Bandung")
    peduli = world.sim.user(8505, first_name="Peduli")
    await register_mitra(world, peduli, "Yayasan Peduli Bandung")
    pid, code = await make_proposal(world, anggota, koor)
    assert "Tidak ada usulan" in (await show(dinas, "/tinjau")).plain  # not yet channelled

    await act(world, faskel, review.check, pid)
    await settle(world, faskel)  # the "new proposal" notice must not pass for the view
    view = await show(faskel, f"/status {code}")
    await _press(faskel, view, "Lengkap, lanjut ditinjau")
    channelled = await notification(dinas)
    assert (
        f"Usulan {code}" in channelled.plain and "disalurkan kepada Dinas PUPR" in channelled.plain
    )
    await settle(world, anggota, koor, faskel, peduli)

    queue = await show(dinas, "/tinjau")
    assert "1 usulan" in queue.plain and "Sedang ditinjau: 1" in queue.plain
    await dinas.press(queue, code)
    await dinas.wait_idle()
    assert queue.button_labels() == [
        "💰 Nyatakan dukungan dana", "✖️ Tolak dengan alasan", "◀️ Kembali ke antrean",
    ]  # fmt: skip
    ask = await _press(dinas, queue, "Nyatakan dukungan dana")
    assert "Berapa dukungan dana dari Dinas PUPR Kota Bandung" in ask.plain
    await dinas.send("empat")
    assert "Mohon tulis jumlah dalam rupiah" in (await dinas.reply()).plain
    await dinas.send("4jt")
    done = await dinas.reply()
    assert (
        "jawaban mitra untuk usulan" in done.plain and "Dukungan dana: Rp4.000.000." in done.plain
    )
    told = (await notification(koor)).plain
    assert "Dinas PUPR Kota Bandung menyatakan dukungan sebesar Rp4.000.000" in told
    assert "Tidak ada usulan" in (await show(dinas, "/tinjau")).plain  # answered

    view = await show(peduli, f"/status {code}")
    ask = await _press(peduli, view, "Tolak dengan alasan")
    await peduli.send_sticker()
    assert "Mohon tuliskan catatan atau alasannya." in (await peduli.reply()).plain
    await peduli.send("Anggaran tahun ini sudah habis")
    assert "sudah dicatat" in (await peduli.reply()).plain
    told = (await notification(koor)).plain
    assert "Yayasan Peduli Bandung belum dapat mendukung" in told
    assert "Alasan: Anggaran tahun ini sudah habis" in told

    view = await show(koor, f"/status {code}")
    assert "• Dinas PUPR Kota Bandung: mendukung Rp4.000.000" in view.plain
    assert (
        "• Yayasan Peduli Bandung: belum dapat mendukung. Alasan: Anggaran tahun ini sudah habis"
        in view.plain
    )
    assert "Dukungan dana Rp4.000.000 — Mitra (Dinas PUPR Kota Bandung)" in view.plain
    # A mitra not on this proposal is refused like anyone who may not see it.
    await forge_press(peduli, peduli.inbox[-1], f"rv:pledge:{pid}:999")
    assert "tidak disalurkan kepada mitra" in (await peduli.reply()).plain


# --- notifications ----------------------------------------------------------------------------


async def test_notifications_reach_each_in_their_language_and_skip_the_blocked(world: World):
    anggota, koor, faskel = await _bkm(world, 8600, koordinator_locale="en")
    koor2 = world.sim.user(8604, first_name="Wakil")
    await world.register(koor2, Role.KOORDINATOR, bkm="BKM Sukamaju")
    _, code = await make_proposal(world, anggota, koor, judul="Jalan <RW 05> & drainase 🚧")
    await settle(world, anggota, koor, faskel, koor2)
    world.sim.block(koor2.id)

    view = await show(faskel, f"/status {code}")
    await _press(faskel, view, "Minta perbaikan")
    await faskel.send("Foto lokasi belum ada")
    await faskel.reply()

    indonesian = await notification(anggota)
    assert indonesian.plain.splitlines() == [
        f"Status usulan {code} “Jalan <RW 05> & drainase 🚧” sekarang: Perlu perbaikan.",
        "Catatan: Foto lokasi belum ada",
        "Mohon perbaiki usulan sesuai catatan, lalu ajukan ulang.",
    ]
    english = await notification(koor)
    assert english.plain.splitlines() == [
        f"The status of proposal {code} “Jalan <RW 05> & drainase 🚧” is now: Needs revision.",
        "Note: Foto lokasi belum ada",
        "Please revise the proposal according to the note, then submit it again.",
    ]
    assert english.button_labels() == ["View proposal"]
    await koor.press(english, "View proposal")
    view = await koor.reply()
    assert "Status: Needs revision" in view.plain and "History" in view.plain
    assert "✏️ Revise" in view.button_labels()

    async def blocked_and_dropped() -> bool:
        async with world.db.transaction() as s:
            person = await person_by_telegram(s, koor2.id)
            rows = (await s.exec(select(Outbox).where(Outbox.chat_id == koor2.id))).all()
        assert person is not None
        return person.unreachable_at is not None and all(r.status != "pending" for r in rows)

    await eventually(blocked_and_dropped, within=15)
    assert not [m for m in koor2.unread if "Perlu perbaikan" in m.plain]
