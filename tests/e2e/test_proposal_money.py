"""Money after the decision through the simulator: tranches with every amount shown back (and
"Rp10" questioned), progress photos and the LPJ, finishing with money left, and a mitra's plan in
kind. The approved proposal is set up in the database: the form and the decision are tested
elsewhere."""

from __future__ import annotations

from sqlmodel import select

from bot.domain import areas
from bot.domain.actors import person_by_telegram
from bot.simulator import SimMessage, SimUser
from storage.models import Bkm, Proposal, ProposalEvent, ProposalPartner, Role
from storage.money_models import Disbursement, ProposalProgressFile
from tests.e2e.conftest import World
from tests.e2e.test_proposal_status import notification, register_mitra, settle, show

CODE = "PKT-2026-0777"


async def _approved(world: World, author: SimUser) -> int:
    """Approved for Rp25.000.000, channelled to the Dinas and the Kelompok Peduli."""
    async with world.db.transaction() as s:
        bkm = (await s.exec(select(Bkm).where(Bkm.name == "BKM Sukamaju"))).one()
        person = await person_by_telegram(s, author.id)
        assert person is not None and bkm.id is not None
        p = Proposal(
            bkm_id=bkm.id, kota_id=bkm.kota_id, author_id=person.id, status="disetujui", code=CODE,
            judul="Drainase RW 03", jenis="lingkungan", anggaran_total=30_000_000,
            dana_blm=25_000_000, dana_kelompok_peduli=5_000_000, approved_amount=25_000_000,
            created_at=world.clock.now(),
        )  # fmt: skip
        s.add(p)
        await s.flush()
        assert p.id is not None
        for name in ("Dinas PUPR Kota Bandung", "Yayasan Peduli Bandung"):
            mitra = await areas.find_mitra(s, name)
            assert mitra.id is not None
            s.add(ProposalPartner(proposal_id=p.id, mitra_id=mitra.id))
        s.add(ProposalEvent(proposal_id=p.id, at=world.clock.now(), from_status="diperiksa",
                            to_status="ditinjau", actor_label="fasilitator:Bandung"))  # fmt: skip
        return p.id


async def _press(user: SimUser, message: SimMessage | None, label: str) -> SimMessage:
    await user.press(message, label)
    return await user.reply()


async def test_tranches_files_and_finishing_with_everyone_told(world: World):
    koor = world.sim.user(9101, first_name="Siti")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju", locale="en")
    faskel = world.sim.user(9102, first_name="Budi")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    pid = await _approved(world, koor)
    await settle(world, koor, faskel)

    view = await show(faskel, f"/status {CODE}")
    assert "Belum ada dana yang dicairkan." in view.plain
    ask = await _press(faskel, view, "Catat pencairan dana")
    assert "tahap 1" in ask.plain and "sisa Rp25.000.000" in ask.plain
    await faskel.send("10")
    doubt = await faskel.reply()
    assert "Rp10? Maksud Bapak/Ibu Rp10.000.000?" in doubt.plain
    assert doubt.button_labels() == ["Maksud saya Rp10.000.000", "Batal"]
    confirm = await _press(faskel, doubt, "Maksud saya Rp10.000.000")
    assert "tahap 1 sebesar Rp10.000.000" in confirm.plain and "Rp15.000.000" in confirm.plain
    async with world.db.transaction() as s:
        assert (await s.exec(select(Disbursement))).all() == []  # nothing before "Ya"
    done = await _press(faskel, confirm, "Ya, catat")
    assert "Dana tersalurkan" in done.plain
    told = await notification(koor)
    assert "Rp10,000,000" in told.plain  # the koordinator reads English

    # Tranche 2: over what is left is refused with the rest shown; the question stays open.
    ask = await _press(faskel, done, "Catat pencairan dana")
    assert "tahap 2" in ask.plain
    await faskel.send("20 juta")
    refused = await faskel.reply()
    assert "Sisa yang dapat dicairkan: Rp15.000.000" in refused.plain
    await faskel.send("5 juta")
    confirm = await faskel.reply()
    done = await _press(faskel, confirm, "Ya, catat")
    view = await show(faskel, f"/status {CODE}")
    assert "Tahap 2: Rp15.000.000 dari Rp25.000.000 sudah dicairkan." in view.plain
    await _press(faskel, view, "Mulai dilaksanakan")
    await settle(world, koor, faskel)

    # Finishing first asks for the files.
    view = await show(faskel, f"/status {CODE}")
    missing = await _press(faskel, view, "Tandai kegiatan selesai")
    assert "mohon lampirkan dulu" in missing.plain and "LPJ" in missing.plain

    # The koordinator (English) attaches the photos and the LPJ.
    view = await show(koor, f"/status {CODE}")
    stages = await _press(koor, view, view.button_labels()[0])  # 📷 Attach progress photos / LPJ
    for n, label in enumerate(stages.button_labels()[:3]):
        ask = await _press(koor, None, label)
        await koor.send_photo(b"photo-%d" % n)
        stages = await koor.reply()
    ask = await _press(koor, stages, stages.button_labels()[3])
    await koor.send_photo(b"not a pdf")
    assert "PDF" in (await koor.reply()).plain  # the LPJ is a document
    await koor.send_document(b"%PDF-1.4 lpj", filename="lpj.pdf")
    complete = await koor.reply()
    assert complete.button_labels()[:4] == [f"✅ {label.removeprefix('✅ ')}"
                                            for label in complete.button_labels()[:4]]  # fmt: skip
    async with world.db.transaction() as s:
        files = (await s.exec(select(ProposalProgressFile))).all()
    assert sorted(f.stage for f in files) == ["foto_0", "foto_100", "foto_50", "lpj"]

    # Rp10.000.000 is left: a reason of a few words and a confirmation are needed.
    view = await show(faskel, f"/status {CODE}")
    assert "Foto kemajuan 0 % ✅" in view.plain
    ask = await _press(faskel, view, "Tandai kegiatan selesai")
    assert "sisa Rp10.000.000" in ask.plain
    await faskel.send("ok")
    assert "paling sedikit" in (await faskel.reply()).plain
    await faskel.send("Sisa dana dikembalikan ke kas kota")
    confirm = await faskel.reply()
    done = await _press(faskel, confirm, "Ya, tandai selesai")
    assert "Selesai" in done.plain
    async with world.db.transaction() as s:
        assert (await s.get_one(Proposal, pid)).status == "selesai"
    finished = await notification(koor)
    assert "Status usulan" not in finished.plain  # told in English
    assert CODE in finished.plain


async def test_a_mitra_plans_support_in_kind(world: World):
    koor = world.sim.user(9201, first_name="Siti")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    faskel = world.sim.user(9202, first_name="Budi")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    peduli = world.sim.user(9203, first_name="Yayasan")
    await register_mitra(world, peduli, "Yayasan Peduli Bandung")
    pid = await _approved(world, koor)
    await settle(world, koor, faskel, peduli)

    view = await show(peduli, f"/status {CODE}")
    ask = await _press(peduli, view, "Nyatakan rencana dukungan")
    assert "Yang diminta dari Yayasan Peduli Bandung: Rp5.000.000" in ask.plain
    ask = await _press(peduli, ask, "Barang/jasa")
    await peduli.send("semen")
    assert "beberapa kata" in (await peduli.reply()).plain
    await peduli.send("20 sak semen dan 2 tukang selama 5 hari")
    value = await peduli.reply()
    await peduli.send("100 juta")
    doubt = await peduli.reply()
    assert "lebih besar dari yang diminta (Rp5.000.000)" in doubt.plain
    await peduli.send("3 juta")
    confirm = await peduli.reply()
    assert "barang/jasa: 20 sak semen dan 2 tukang selama 5 hari (perkiraan nilai Rp3.000.000)" in (
        confirm.plain
    )
    await _press(peduli, confirm, "Ya, kirim")
    async with world.db.transaction() as s:
        row = (
            await s.exec(select(ProposalPartner).where(ProposalPartner.answer == "pledged"))
        ).one()
    assert (row.plan_kind, row.plan_description, row.pledged_amount) == (
        "in_kind", "20 sak semen dan 2 tukang selama 5 hari", 3_000_000,
    )  # fmt: skip
    for user in (koor, faskel):  # the BKM and the fasilitator hear it
        assert "rencana dukungan" in (await notification(user)).plain
    del value, pid
