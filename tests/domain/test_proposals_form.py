"""The draft form on a real database: every step's validation, back, skip, edit, resume, repeats."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import form, form_lists, steps, submit
from bot.domain.proposals.form import StaleStep
from bot.domain.proposals.validators import FileRef
from storage.models import (
    AuditLog,
    Proposal,
    ProposalAttachment,
    ProposalEvent,
    ProposalPartner,
)
from tests.domain import factories as f


async def _answer(db, clock, who, pid, step, value):
    async with db.transaction() as s:
        return await form.answer_step(s, clock, who, pid, step=step, value=value)


async def _position(db, pid) -> str:
    return form.position(await f.load(db, pid)).name


async def test_start_creates_a_draft_and_resume_returns_it(db, clock):
    world = await f.seed(db, clock)
    author = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        first = await form.start_or_resume_draft(s, clock, author)
    await _answer(db, clock, author, first.id, "judul", "Sumur bor untuk RW 03")
    clock.advance(days=5)  # days of silence: the draft waits
    async with db.transaction() as s:
        again = await form.start_or_resume_draft(s, clock, author)
        events = (await s.exec(select(ProposalEvent))).all()
    assert again.id == first.id and again.step == "jenis" and again.judul == "Sumur bor untuk RW 03"
    assert first.status == "draf" and first.bkm_id == world.bkm and first.kota_id == world.kota
    assert [(e.from_status, e.to_status, e.actor_label) for e in events] == [
        (None, "draf", "anggota:BKM Sukamaju")
    ]
    assert (await f.audit_actions(db))[-2:] == ["proposal.draft", "proposal.answer"]


async def test_each_author_has_their_own_draft(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        one = await form.start_or_resume_draft(s, clock, await f.actor(db, world, "anggota"))
        two = await form.start_or_resume_draft(s, clock, await f.actor(db, world, "anggota2"))
    assert one.id != two.id


@pytest.mark.parametrize("who", ["warga", "fasilitator", "mitra"])
async def test_only_bkm_members_draft(db, clock, who):
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        with pytest.raises(NotAllowed, match="anggota atau koordinator BKM"):
            await form.start_or_resume_draft(s, clock, await f.actor(db, world, who))


async def test_a_member_cannot_draft_for_another_bkm(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):
            await form.start_or_resume_draft(
                s, clock, await f.actor(db, world, "koordinator"), bkm_id=world.bkm_mks
            )


async def test_a_full_walk_stores_clean_values_and_reaches_the_summary(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    p = await f.load(db, pid)
    assert p.step == "ringkasan"
    assert (p.rw, p.rt, p.kk, p.kk_miskin, p.jiwa, p.perempuan) == ("05", "02", 120, 45, 400, 210)
    assert (p.anggaran_total, p.dana_swadaya_tunai, p.dana_blm, p.dana_apbd_kota) == (
        15_000_000, 1_000_000, 10_000_000, 4_000_000,
    )  # fmt: skip
    # Only the ticked sources were asked; the others hold nothing, and HOK is not asked.
    assert p.sumber_dana == "blm,apbd_kota,swadaya_tunai"
    assert (p.dana_apbd_provinsi, p.dana_kelompok_peduli, p.dana_lainnya) == (None, None, None)
    assert p.swadaya_hok is None
    assert (p.volume, p.status_lahan, p.rencana, p.pemeliharaan) == (
        "200 m × 1,5 m", "negara", "pjm", "kpp",
    )  # fmt: skip
    assert (
        str(p.lurah_tanggal) == "2026-02-20" and p.berita_acara_file_id == "berita-acara-rapat-bkm"
    )
    assert (p.latitude, p.longitude) == (-6.9, 107.6)
    assert str(p.jadwal_mulai) == "2026-04-01" and str(p.jadwal_selesai) == "2026-06-30"
    assert steps.funding_gap(p) == 0


# (step, a wrong answer, what the one-line refusal says)
INVALID = [
    ("judul", "Abc", "Judul harus"),
    ("judul", "x" * 101, "Judul harus"),
    ("judul", "Bantuan untuk 3201234567890123", "NIK"),
    ("jenis", "infrastruktur", "pilih salah satu tombol"),
    ("komponen", "modal", "pilih salah satu tombol"),  # ekonomi's, not lingkungan's
    ("uraian", "terlalu pendek", "Uraian harus"),
    ("uraian", "Untuk keluarga NIK 3201 2345 6789 0123 yang rusak rumahnya", "NIK"),
    ("rw", "abc", "nomor RW"),
    ("rw", "0", "nomor RW"),
    ("rw", "1000", "nomor RW"),
    ("rw", "03 dan empat", "nomor RW"),
    ("rt", "RT", "nomor RT"),
    ("lokasi", (51.5, -0.12), "di luar Indonesia"),
    ("lokasi", "di dekat masjid", "titik lokasi"),
    ("kk", "0", "paling sedikit"),
    ("kk", "seratus", "angka bulat"),
    ("kk", "100.001", "paling banyak"),
    ("kk_miskin", "121", "tidak boleh lebih dari jumlah KK"),
    ("jiwa", "100", "kurang dari jumlah KK"),
    ("perempuan", "-1", "negatif"),
    ("perempuan", "401", "lebih dari jumlah jiwa"),
    ("volume", "x", "Volume harus"),
    ("status_lahan", "sewa", "pilih salah satu tombol"),
    ("rencana", "ya", "pilih salah satu tombol"),
    ("rencana_program", "ab", "Nama program"),
    ("anggaran_total", "0", "lebih dari nol"),
    ("anggaran_total", "banyak sekali", "misalnya 15 juta"),
    ("sumber_dana", [], "paling sedikit satu sumber dana"),
    ("sumber_dana", ["emas"], "tombol yang tersedia"),
    ("dana_blm", "-1 juta", "negatif"),
    ("dana_blm", "0", "lebih dari nol"),
    ("dana_blm", "16 juta", r"Sisa yang belum terisi: Rp15\.000\.000"),
    # 10 juta BLM and 4 juta APBD already given: 1 juta is left of 15 juta.
    (
        "dana_swadaya_tunai",
        "2 juta",
        r"melebihi anggaran total .*Sisa yang belum terisi: Rp1\.000\.000",
    ),
    ("mitra", [], "paling sedikit satu mitra"),
    ("mitra", "dinas", "daftar yang tersedia"),
    ("jadwal_mulai", "1/1/2026", "sebelum hari ini"),
    ("jadwal_mulai", "1/1/2030", "tiga tahun"),
    ("jadwal_mulai", "kemarin", "Mohon tulis tanggal seperti"),
    ("jadwal_selesai", "31/3/2026", "sebelum tanggal mulai"),
    ("jadwal_selesai", "31/2/2027", "tidak ada di kalender"),
    ("ksm_pelaksana", "ab", "Nama KSM"),
    ("pemeliharaan", "pemerintah", "pilih salah satu tombol"),
    ("lurah", "1/1/2027", "belum lewat"),
    ("lurah", "sudah", "Mohon tulis tanggal"),
    ("berita_acara", "ada di kantor", "foto atau berkas PDF"),
    ("berita_acara", FileRef("document", "ba", mime_type="text/plain"), "foto atau berkas PDF"),
    ("lampiran", None, "Belum ada lampiran"),
]


@pytest.mark.parametrize(("step", "value", "says"), INVALID)
async def test_every_step_refuses_invalid_input_and_stores_nothing(db, clock, step, value, says):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, step)
    before = (await f.load(db, pid)).model_dump()
    async with db.transaction() as s:  # the refusal is caught: whatever was stored would commit
        with pytest.raises(InvalidInput) as caught:
            await form.answer_step(s, clock, author, pid, step=step, value=value)
    assert re.search(says, f.said(caught.value)), f.said(caught.value)
    assert (await f.load(db, pid)).model_dump() == before


async def test_mitra_from_another_kota_or_two_dinas_are_refused(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "mitra")
    for value, says in (([world.mitra_mks], "daftar yang tersedia"),
                        ([world.dinas, world.dinas2], "satu Dinas")):  # fmt: skip
        async with db.transaction() as s:
            with pytest.raises(InvalidInput, match=says):
                await form.answer_step(s, clock, author, pid, step="mitra", value=value)
    async with db.transaction() as s:
        assert (await s.exec(select(ProposalPartner))).all() == []


async def test_skip_only_optional_steps(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "judul")
    async with db.transaction() as s:
        with pytest.raises(InvalidInput, match="wajib diisi"):
            await form.skip_step(s, clock, author, pid, step="judul")
    author, pid = await f.at_step(db, clock, world, "lokasi")
    async with db.transaction() as s:
        await form.skip_step(s, clock, author, pid, step="lokasi")
        await form.skip_step(s, clock, author, pid, step="lokasi")  # a double tap: no-op
    p = await f.load(db, pid)
    assert p.step == "status_lahan" and p.latitude is None  # lingkungan work: land status next


async def test_back_moves_one_step_and_a_double_tap_moves_once(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "anggaran_total")
    for _ in range(2):
        async with db.transaction() as s:
            await form.go_back(s, clock, author, pid, step="anggaran_total")
    assert await _position(db, pid) == "rencana_program"
    for where in ("rencana_program", "rencana", "perempuan", "jiwa", "kk_miskin"):
        async with db.transaction() as s:
            await form.go_back(s, clock, author, pid, step=where)
    # Changing an earlier answer goes on to the next question still unanswered.
    await _answer(db, clock, author, pid, "kk", "130")
    p = await f.load(db, pid)
    assert p.kk == 130 and p.kk_miskin == 45 and p.step == "anggaran_total"


async def test_back_at_the_first_question_stays_there(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "judul")
    async with db.transaction() as s:
        await form.go_back(s, clock, author, pid, step="judul")
    assert await _position(db, pid) == "judul"


async def test_edit_from_the_summary_returns_to_it(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    author = await f.actor(db, world, "koordinator")
    async with db.transaction() as s:
        await form.edit_field(s, clock, author, pid, step="judul")
    assert form.position(await f.load(db, pid)).editing
    await _answer(db, clock, author, pid, "judul", "Perbaikan drainase RW 05")
    p = await f.load(db, pid)
    assert p.step == "ringkasan" and p.judul == "Perbaikan drainase RW 05" and p.kk == 120
    # Back from an edit cancels it; back from the summary goes to the last question.
    async with db.transaction() as s:
        await form.edit_field(s, clock, author, pid, step="kk")
        await form.go_back(s, clock, author, pid, step="kk")
    assert await _position(db, pid) == "ringkasan"
    async with db.transaction() as s:
        await form.go_back(s, clock, author, pid, step="ringkasan")
    assert await _position(db, pid) == "lampiran"


async def test_a_new_jenis_asks_for_its_komponen_before_the_summary(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    author = await f.actor(db, world, "koordinator")
    async with db.transaction() as s:
        await form.edit_field(s, clock, author, pid, step="jenis")
    await _answer(db, clock, author, pid, "jenis", "ekonomi")
    p = await f.load(db, pid)
    assert p.komponen is None and p.step == "ubah:komponen"
    await _answer(db, clock, author, pid, "komponen", "modal")
    p = await f.load(db, pid)
    # Ekonomi work has no land status and no upkeep: forgotten, and not asked.
    assert p.step == "ringkasan" and (p.status_lahan, p.pemeliharaan) == (None, None)
    async with db.transaction() as s:
        await form.edit_field(s, clock, author, pid, step="jenis")
    await _answer(db, clock, author, pid, "jenis", "lingkungan")
    asked = []
    for value in ("jembatan", "hibah", "kelompok"):  # komponen, then what lingkungan adds
        asked.append((await f.load(db, pid)).step)
        await _answer(db, clock, author, pid, asked[-1].removeprefix("ubah:"), value)
    assert asked == ["ubah:komponen", "ubah:status_lahan", "ubah:pemeliharaan"]
    assert await _position(db, pid) == "ringkasan"


async def test_edit_is_only_offered_from_the_summary(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "kk")
    async with db.transaction() as s:
        with pytest.raises(StaleStep) as caught:
            await form.edit_field(s, clock, author, pid, step="judul")
    assert caught.value.position.name == "kk"


async def test_a_repeated_answer_is_a_no_op_and_a_stale_different_one_is_refused(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "jenis")
    await _answer(db, clock, author, pid, "jenis", "lingkungan")
    audits = len(await f.audit_actions(db))
    again = await _answer(db, clock, author, pid, "jenis", "lingkungan")  # double tap
    assert again.step == "komponen" and len(await f.audit_actions(db)) == audits
    await _answer(db, clock, author, pid, "judul", "Perbaikan jalan lingkungan RW 05")  # redelivery
    with pytest.raises(StaleStep) as caught:
        await _answer(db, clock, author, pid, "jenis", "sosial")  # an old keyboard
    assert caught.value.position.name == "komponen"
    assert (await f.load(db, pid)).jenis == "lingkungan"


async def test_mitra_multi_select(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "mitra")

    async def select_(mitra_id, selected=True):
        async with db.transaction() as s:
            await form_lists.select_mitra(
                s, clock, author, pid, mitra_id=mitra_id, selected=selected
            )
            return {o.name for o in await form_lists.mitra_options(s, author, pid) if o.selected}

    assert await select_(world.dinas) == {"Dinas PUPR Kota Bandung"}
    assert await select_(world.peduli) == {"Dinas PUPR Kota Bandung", "Universitas Pasundan"}
    assert await select_(world.peduli2) == {
        "Dinas PUPR Kota Bandung", "Universitas Pasundan", "CSR Bank Jabar",
    }  # fmt: skip
    # A second Dinas replaces the first; a double tap changes nothing.
    assert await select_(world.dinas2) == {
        "Dinas Sosial Kota Bandung", "Universitas Pasundan", "CSR Bank Jabar",
    }  # fmt: skip
    assert await select_(world.peduli2, False) == {"Dinas Sosial Kota Bandung",
                                                    "Universitas Pasundan"}  # fmt: skip
    assert await select_(world.peduli2, False) == {"Dinas Sosial Kota Bandung",
                                                    "Universitas Pasundan"}  # fmt: skip
    with pytest.raises(InvalidInput):
        await select_(world.mitra_mks)
    await _answer(db, clock, author, pid, "mitra", None)  # "Selesai": keep the selection
    assert await _position(db, pid) == "jadwal_mulai"
    with pytest.raises(StaleStep):
        await select_(world.dinas)


async def test_attachments(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "lampiran")

    async def attach(file_id, kind="photo", **kw):
        async with db.transaction() as s:
            return await form_lists.add_attachment(
                s, clock, author, pid, kind=kind, file_id=file_id, **kw
            )

    assert await attach("photo-1") == 1
    assert await attach("photo-1") == 1  # the same update again
    assert await attach("rab", "document", file_name="RAB.pdf", mime_type="application/pdf") == 2
    for kw in ({"mime_type": "text/plain"}, {"file_name": "rab.xlsx"}):
        with pytest.raises(InvalidInput, match="foto atau berkas PDF"):
            await attach("bad", "document", **kw)
    with pytest.raises(InvalidInput):
        await attach("voice", "voice")
    for n in range(3, form_lists.MAX_ATTACHMENTS + 1):
        await attach(f"photo-{n}")
    with pytest.raises(InvalidInput, match="paling banyak"):
        await attach("one-too-many")
    await _answer(db, clock, author, pid, "lampiran", None)  # "Selesai"
    assert await _position(db, pid) == "ringkasan"
    async with db.transaction() as s:
        first = (await s.exec(select(ProposalAttachment))).first()
        left = await form_lists.remove_attachment(s, clock, author, pid, attachment_id=first.id)
    assert left == form_lists.MAX_ATTACHMENTS - 1


async def test_drafts_are_edited_by_their_author_and_the_koordinators_only(db, clock):
    world = await f.seed(db, clock)
    anggota, pid = await f.at_step(db, clock, world, "jenis", who="anggota")
    await _answer(db, clock, await f.actor(db, world, "koordinator"), pid, "jenis", "sosial")
    for who, error in (("anggota2", NotFound), ("fasilitator", NotFound),
                       ("koordinator_mks", NotFound), ("mitra", NotFound)):  # fmt: skip
        with pytest.raises(error):
            await _answer(db, clock, await f.actor(db, world, who), pid, "komponen", "kesehatan")
    assert (await f.load(db, pid)).komponen is None
    await _answer(db, clock, anggota, pid, "komponen", "kesehatan")
    assert (await f.load(db, pid)).komponen == "kesehatan"


async def test_a_submitted_proposal_cannot_be_edited(db, clock):
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    koordinator = await f.actor(db, world, "koordinator")
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition, match="sudah diajukan"):
            await form.edit_field(s, clock, koordinator, pid, step="judul")
        with pytest.raises(InvalidTransition):
            await form.discard_draft(s, clock, koordinator, pid)


async def test_discard_removes_the_draft_and_everything_under_it(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, "anggota")
    anggota = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        await form_lists.add_attachment(s, clock, anggota, pid, kind="photo", file_id="x")
        await form.discard_draft(s, clock, anggota, pid)
    async with db.transaction() as s:
        for model in (Proposal, ProposalPartner, ProposalAttachment, ProposalEvent):
            assert (await s.exec(select(model))).all() == []
        audit = (await s.exec(select(AuditLog).where(AuditLog.action == "proposal.discard"))).one()
    assert audit.entity_id == pid and audit.actor_label == "anggota:BKM Sukamaju"


def test_the_form_never_asks_for_names_or_nik():
    assert not {"nama", "nik", "name"} & set(steps.STEP_NAMES)
    optional = {s.name for s in steps.STEPS if s.optional}
    assert optional == {"lokasi", "swadaya_hok", "lampiran"}
    for step in steps.STEPS:
        for choice in (*step.choices, *(c for cs in steps.KOMPONEN.values() for c in cs)):
            assert len(f"f:999999:ans:{step.name}:{choice.code}".encode()) <= 64
            assert len(f"f:999999:tick:{choice.code}:1".encode()) <= 64


async def test_submit_lists_what_is_missing(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "kk")
    async with db.transaction() as s:
        with pytest.raises(submit.IncompleteProposal) as caught:
            await submit.submit(s, clock, author, pid)
    assert caught.value.steps[:4] == ["kk", "kk_miskin", "jiwa", "perempuan"]
    assert caught.value.steps[-1] == "berita_acara"
    assert "KK penerima manfaat" in caught.value.params["fields"]
