"""/tinjau and the actions under a proposal, through the simulator over HTTP: the fasilitator's
queue and every review action (with invalid input asked again), a mitra's pledge and decline,
old and forged buttons, and the notifications each change sends, in each person's language."""

from __future__ import annotations

from sqlmodel import col, select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM, person_by_telegram
from bot.domain.proposals import partners, review
from bot.domain.proposals.lifecycle import Action
from bot.simulator import SimMessage, SimUser
from storage.models import AuditLog, Outbox, Proposal, ProposalPartner, Role
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


async def _secretary(world: World, telegram_id: int) -> SimUser:
    """The secretary of Bandung's Panitia Kemitraan (a panitia member given the right)."""
    secretary = world.sim.user(telegram_id, first_name="Sri")
    await world.register(secretary, Role.PANITIA, kota="Bandung")
    async with world.db.transaction() as s:
        bandung = await areas.find_kota(s, "Bandung")
        await people.grant_role(s, world.clock, SYSTEM, telegram_id=telegram_id,
                                role=Role.SEKRETARIS, kota=bandung)  # fmt: skip
    return secretary


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
    await act(world, faskel, review.request_revision, made[3][0], note="Mohon lengkapi RAB-nya")
    await settle(world, koor, faskel)

    queue = await show(faskel, "/tinjau")
    assert "Menunggu tinjauan Bapak/Ibu: 7 usulan" in queue.plain  # not the one sent back
    # Grouped by what is needed, each group under its heading.
    assert (
        "Perlu diperiksa kelengkapannya: 5 · Perlu diverifikasi: 1 · "
        "Menunggu keputusan Panitia Kemitraan: 1"
    ) in queue.plain
    assert "\nPerlu diperiksa kelengkapannya\n1. " in queue.plain
    assert "Halaman 1 dari 2" in queue.plain
    # Oldest submission first: a queue is worked from the front.
    assert f"1. {made[0][1]} “Usulan ke-0”, BKM Sukamaju — Diajukan" in queue.plain
    assert queue.button_labels()[-1] == "Berikutnya ▶️"
    await faskel.press(queue, "Berikutnya ▶️")
    await faskel.wait_idle()
    assert faskel.unread == [] and "Halaman 2 dari 2" in queue.plain  # edited in place
    # Groups in the life cycle's order: the one verified last waits for the committee.
    assert f"\nMenunggu keputusan Panitia Kemitraan\n7. {made[2][1]}" in queue.plain

    await faskel.press(queue, made[2][1])
    await faskel.wait_idle()
    assert f"📄 {made[2][1]}" in queue.plain
    # Verified: the fasilitator may still ask for revision; the decision is the committee's.
    assert queue.button_labels() == ["↩️ Minta perbaikan", "◀️ Kembali ke antrean"]
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

    # The fasilitator does not decide: the committee's secretary records the decision
    # (its conversation: tests/e2e/test_committee_decision.py).
    assert not any("keputusan" in label.lower() for label in done.button_labels())
    await act(world, await _secretary(world, 8104), review.approve, pid, amount=12_500_000)
    await settle(world, faskel)
    done = await show(faskel, f"/status {code}")
    assert "Disetujui" in done.plain and "Diputuskan dalam rapat Panitia Kemitraan" in done.plain

    ask = await _press(faskel, done, "Catat pencairan dana")
    assert "tahap 1" in ask.plain and "sisa Rp12.500.000" in ask.plain
    await faskel.send("0")
    assert "lebih dari nol" in (await faskel.reply()).plain
    await faskel.send("5jt")
    # Every amount is shown back, and nothing is recorded before "Ya, catat".
    shown = await faskel.reply()
    assert "Catat pencairan dana tahap 1 sebesar Rp5.000.000?" in shown.plain
    assert "sisa dana yang disetujui: Rp7.500.000" in shown.plain
    assert (await _status(world, pid)).disbursed_amount == 0
    done = await _press(faskel, shown, "Ya, catat")
    assert "Dana tersalurkan" in done.plain
    assert "Tahap 1: Rp5.000.000. Seluruhnya tersalurkan Rp5.000.000 dari Rp12.500.000." in (
        done.plain
    )
    done = await _press(faskel, done, "Mulai dilaksanakan")
    assert "sekarang berstatus Sedang dilaksanakan" in done.plain
    ask = await _press(faskel, done, "Catat pencairan dana")  # a later tranche while working
    assert "tahap 2" in ask.plain and "sisa Rp7.500.000" in ask.plain
    await faskel.send("7,5 juta")
    shown = await faskel.reply()
    assert "tahap 2 sebesar Rp7.500.000" in shown.plain
    done = await _press(faskel, shown, "Ya, catat")
    assert "Tahap 2: Rp7.500.000. Seluruhnya tersalurkan Rp12.500.000 dari Rp12.500.000." in (
        done.plain
    )
    assert "Catat pencairan dana" not in " ".join(done.button_labels())  # fully paid

    # Marking the work finished first asks for the progress photos and the LPJ.
    missing = await _press(faskel, done, "Tandai kegiatan selesai")
    assert "mohon lampirkan dulu" in missing.plain and "LPJ" in missing.plain
    assert (await _status(world, pid)).status == "dilaksanakan"
    await settle(world, koor)
    view = await show(koor, f"/status {code}")
    stages = await _press(koor, view, "Lampirkan foto kemajuan / LPJ")
    for n, label in enumerate(("Foto kemajuan 0 %", "Foto kemajuan 50 %", "Foto kemajuan 100 %")):
        await _press(koor, stages, label)
        await koor.send_photo(b"progress-%d" % n)
        stages = await koor.reply()
    await _press(koor, stages, "Laporan pertanggungjawaban (LPJ)")
    await koor.send_document(b"%PDF-1.4 lpj", filename="lpj.pdf")
    assert "LPJ sudah lengkap" in (await koor.reply()).plain

    # All of the approved amount is out: only a confirmation, no reason.
    view = await show(faskel, f"/status {code}")
    shown = await _press(faskel, view, "Tandai kegiatan selesai")
    assert "Tandai kegiatan usulan ini selesai?" in shown.plain
    assert (await _status(world, pid)).status == "dilaksanakan"  # not before "Ya"
    done = await _press(faskel, shown, "Ya, tandai selesai")
    assert "sekarang berstatus Selesai" in done.plain and done.button_labels() == [
        "🖼 Lihat foto kemajuan dan LPJ (4)", "📄 Lihat usulan", "🔎 Antrean tinjauan",
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
    shown = await faskel.reply()  # shown back as the BKM will read it, sent only when confirmed
    assert "Mohon lampirkan <RAB> & berita acara 📎" in shown.plain
    done = await _press(faskel, shown, "Kirim ke BKM")
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


async def test_waitlist_with_skip_then_approve_requested_blm_and_not_approved_with_reason(
    world: World,
):
    """The committee's secretary records each decision; the fasilitator is offered none."""
    anggota, koor, faskel = await _bkm(world, 8300)
    sek = await _secretary(world, 8304)
    pid, code = await make_proposal(world, anggota, koor)
    pid2, code2 = await make_proposal(world, anggota, koor, judul="Pelatihan menjahit")
    await in_review(world, faskel, pid)
    await in_review(world, faskel, pid2)
    await settle(world, anggota, koor, faskel, sek)
    labels = (await show(faskel, f"/status {code}")).button_labels()
    assert labels == ["↩️ Minta perbaikan"]  # verification is done; the decision is not theirs

    view = await show(sek, f"/status {code}")
    ask = await _press(sek, view, "Catat keputusan Panitia")
    ask = await _press(sek, ask, "Masuk daftar tunggu")
    ask = await _press(sek, ask, "Hari ini")
    assert "daftar tunggu" in ask.plain and ask.button_labels() == ["Lewati", "Batal"]
    check = await _press(sek, ask, "Lewati")
    await sek.press_data(ask, ask.buttons[0][0].callback_data or "")  # an old Lewati: no-op
    done = await _press(sek, check, "Ya, catat keputusan")
    assert "sudah dicatat: Masuk daftar tunggu" in done.plain

    view = await show(sek, f"/status {code}")  # waitlisted: decided again when funds appear
    ask = await _press(sek, view, "Catat keputusan Panitia")
    assert ask.button_labels() == ["👍 Disetujui", "✖️ Tidak disetujui", "Batal"]
    ask = await _press(sek, ask, "Disetujui")
    ask = await _press(sek, ask, "Hari ini")
    check = await _press(sek, ask, "Sesuai permintaan BLM")
    assert "Jumlah yang disetujui: Rp10.000.000." in check.plain
    done = await _press(sek, check, "Ya, catat keputusan")
    assert (await _status(world, pid)).approved_amount == 10_000_000

    view = await show(sek, f"/status {code2}")
    ask = await _press(sek, view, "Catat keputusan Panitia")
    ask = await _press(sek, ask, "Tidak disetujui")
    ask = await _press(sek, ask, "Hari ini")
    assert "Mohon tulis alasan Panitia tidak menyetujui usulan" in ask.plain
    await sek.send("x")
    assert "paling sedikit 3 kata" in (await sek.reply()).plain
    await sek.send("Bukan kegiatan Tridaya yang diprioritaskan")
    check = await sek.reply()
    assert "Alasan: Bukan kegiatan Tridaya yang diprioritaskan" in check.plain
    done = await _press(sek, check, "Ya, catat keputusan")
    assert "sudah dicatat: Tidak disetujui" in done.plain
    await settle(world, anggota)
    koor_msgs = [m.plain for m in koor.inbox if code2 in m.plain]
    assert any("Alasan: Bukan kegiatan Tridaya yang diprioritaskan" in m for m in koor_msgs)
    assert any("Diputuskan dalam rapat Panitia Kemitraan Kota Bandung" in m for m in koor_msgs)


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
    await faskel.send("Untuk yang kedua saja")
    shown = await faskel.reply()  # the note shown back; Kirim sends it for the second one
    await faskel.press(shown, "Kirim ke BKM")
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
    # A forged decision: the fasilitator verifies, the committee's secretary records decisions.
    await forge_press(faskel, old, f"p:do:approve:{pid}")
    refused = (await faskel.reply()).plain
    assert refused == (
        "Maaf, keputusan Panitia Kemitraan hanya dapat dicatat oleh sekretaris Panitia Kemitraan "
        "kota usulan ini."
    )
    await forge_press(faskel, old, f"pd:ok:{pid}")  # a step of the flow, never opened: stale
    await faskel.wait_idle()
    assert (await _status(world, pid)).status == "diperiksa"
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
    assert "1 usulan" in queue.plain and "Menunggu jawaban mitra: 1" in queue.plain
    await dinas.press(queue, code)
    await dinas.wait_idle()
    assert queue.button_labels() == [
        "💰 Nyatakan rencana dukungan", "✖️ Tolak dengan alasan", "◀️ Kembali ke antrean",
    ]  # fmt: skip
    ask = await _press(dinas, queue, "Nyatakan rencana dukungan")
    # What is asked of this Dinas (the APBD kota line), not the total.
    assert "Yang diminta dari Dinas PUPR Kota Bandung: Rp4.000.000" in ask.plain
    ask = await _press(dinas, ask, "Dana tunai")
    await dinas.send("empat")
    assert "Mohon tulis jumlah dalam rupiah" in (await dinas.reply()).plain
    await dinas.send("4jt")
    shown = await dinas.reply()  # shown back; nothing recorded before "Ya, kirim"
    assert "Kirim rencana dukungan: dana tunai Rp4.000.000?" in shown.plain
    async with world.db.transaction() as s:
        answers = (await s.exec(select(ProposalPartner.answer))).all()
    assert set(answers) == {None}
    done = await _press(dinas, shown, "Ya, kirim")
    assert "jawaban mitra untuk usulan" in done.plain
    assert "Rencana dukungan: dana tunai Rp4.000.000." in done.plain
    told = (await notification(koor)).plain
    assert "Dinas PUPR Kota Bandung menyampaikan rencana dukungan untuk usulan" in told
    assert "dana tunai Rp4.000.000. Ini rencana, belum dana yang pasti diterima." in told
    assert "Tidak ada usulan" in (await show(dinas, "/tinjau")).plain  # answered

    view = await show(peduli, f"/status {code}")
    ask = await _press(peduli, view, "Tolak dengan alasan")
    await peduli.send_sticker()
    assert "Mohon tuliskan catatan atau alasannya." in (await peduli.reply()).plain
    await peduli.send("Anggaran tahun ini sudah habis")
    shown = await peduli.reply()  # the reason as the BKM will read it, before it is recorded
    assert "Yayasan Peduli Bandung belum dapat mendukung usulan" in shown.plain
    assert "Alasan: Anggaran tahun ini sudah habis" in shown.plain
    async with world.db.transaction() as s:
        answers = (await s.exec(select(ProposalPartner.answer))).all()
    assert sorted(answers, key=str) == [None, "pledged"]  # not recorded before "Ya, kirim"
    done = await _press(peduli, shown, "Ya, kirim")
    assert "sudah dicatat" in done.plain
    told = (await notification(koor)).plain
    assert "Yayasan Peduli Bandung belum dapat mendukung" in told
    assert "Alasan: Anggaran tahun ini sudah habis" in told

    view = await show(koor, f"/status {code}")
    assert "• Dinas PUPR Kota Bandung: rencana dukungan, dana tunai Rp4.000.000" in view.plain
    assert (
        "• Yayasan Peduli Bandung: belum dapat mendukung. Alasan: Anggaran tahun ini sudah habis"
        in view.plain
    )
    assert "Rencana dukungan Rp4.000.000 — Mitra (Dinas PUPR Kota Bandung)" in view.plain
    assert "Belum dapat mendukung — Mitra (Yayasan Peduli Bandung)" in view.plain
    # A mitra not on this proposal is refused like anyone who may not see it.
    await forge_press(peduli, peduli.inbox[-1], f"rv:pledge:{pid}:999")
    assert "tidak disalurkan kepada mitra" in (await peduli.reply()).plain


async def test_a_decline_reason_is_shown_back_and_may_be_rewritten(world: World):
    anggota, koor, faskel = await _bkm(world, 8700)
    dinas = world.sim.user(8704, first_name="Dinas")
    await register_mitra(world, dinas, "Dinas PUPR Kota Bandung")
    pid, code = await make_proposal(world, anggota, koor, partners=("Dinas PUPR Kota Bandung",))
    await in_review(world, faskel, pid)
    await act(world, dinas, partners.answer_as_mitra, pid, pledge=4_000_000)
    await settle(world, anggota, koor, faskel, dinas)

    view = await show(dinas, f"/status {code}")
    switch = await _press(dinas, view, "Tolak dengan alasan")
    assert "Ubah jawaban menjadi tidak mendukung?" in switch.plain  # a plan was given: asked first
    ask = await _press(dinas, switch, "Ya, batalkan rencana itu")
    assert "Mohon tulis alasan Dinas PUPR Kota Bandung belum dapat mendukung" in ask.plain
    await dinas.send("habis")
    assert "sedikit lebih lengkap" in (await dinas.reply()).plain
    await dinas.send("Dana habis tahun ini")
    shown = await dinas.reply()
    assert shown.plain.splitlines() == [
        "Jawaban ini akan dikirim kepada BKM dan fasilitator:",
        "",
        f"Dinas PUPR Kota Bandung belum dapat mendukung usulan {code}.",
        "Alasan: Dana habis tahun ini",
        "",
        "Rencana dukungan yang disampaikan sebelumnya akan dibatalkan.",
        "Sudah sesuai?",
    ]
    assert shown.button_labels() == ["✅ Ya, kirim", "✏️ Tulis ulang", "Batal"]
    ask = await _press(dinas, shown, "Tulis ulang")  # nothing recorded: the reason is asked again
    assert "Mohon tulis alasan" in ask.plain
    await dinas.send("Anggaran dinas tahun ini sudah habis terpakai")
    shown = await dinas.reply()
    assert "Alasan: Anggaran dinas tahun ini sudah habis terpakai" in shown.plain
    async with world.db.transaction() as s:
        row = (await s.exec(select(ProposalPartner))).one()
    assert (row.answer, row.pledged_amount) == ("pledged", 4_000_000)  # not before "Ya, kirim"
    done = await _press(dinas, shown, "Ya, kirim")
    assert "sudah dicatat" in done.plain and "BKM dan fasilitator sudah diberi tahu." in done.plain
    async with world.db.transaction() as s:
        row = (await s.exec(select(ProposalPartner))).one()
    assert (row.answer, row.pledged_amount, row.note) == (
        "declined", None, "Anggaran dinas tahun ini sudah habis terpakai",
    )  # fmt: skip
    told = (await notification(koor)).plain
    assert "Alasan: Anggaran dinas tahun ini sudah habis terpakai" in told
    assert "Dana habis tahun ini" not in told


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
    await faskel.press(await faskel.reply(), "Kirim ke BKM")
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
