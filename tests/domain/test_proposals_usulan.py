"""What a real usulan holds: several RW/RT, ticked funding sources, the question counter,
kota or kabupaten words, and a member told when a koordinator edits their draft."""

from __future__ import annotations

import pytest

from bot.domain import areas
from bot.domain.actors import SYSTEM
from bot.domain.errors import InvalidInput
from bot.domain.proposals import form, form_lists, steps
from bot.domain.proposals.form import StaleStep
from bot.i18n import Translator
from tests.domain import factories as f


async def _answer(db, clock, who, pid, step, value):
    async with db.transaction() as s:
        return await form.answer_step(s, clock, who, pid, step=step, value=value)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("03 dan 04", "03, 04"), ("3,4", "03, 04"), ("RW 5", "05"), ("04, 3 & 4", "03, 04"),
     ("rw 01 / 02 / 12", "01, 02, 12")],
)  # fmt: skip
async def test_several_rw_are_accepted_and_stored_normalised(db, clock, typed, stored):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "rw")
    await _answer(db, clock, author, pid, "rw", typed)
    await _answer(db, clock, author, pid, "rt", "1 dan 2")
    p = await f.load(db, pid)
    assert (p.rw, p.rt) == (stored, "01, 02")


async def test_sources_are_ticked_then_only_theirs_asked_blm_first(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "sumber_dana")

    async def tick(code, selected=True):
        async with db.transaction() as s:
            p = await form_lists.tick_source(s, clock, author, pid, code=code, selected=selected)
            return steps.chosen_sources(p)

    assert await tick("swadaya_natura") == ["swadaya_natura"]
    assert await tick("blm") == ["blm", "swadaya_natura"]  # the form's order, BLM first
    assert await tick("blm") == ["blm", "swadaya_natura"]  # a double tap
    assert await tick("lainnya") == ["blm", "swadaya_natura", "lainnya"]
    assert await tick("lainnya", False) == ["blm", "swadaya_natura"]
    with pytest.raises(InvalidInput):
        await tick("emas")
    await _answer(db, clock, author, pid, "sumber_dana", None)  # Selesai
    asked = []
    for value in ("12 juta", "3 juta", "40"):
        name = form.position(await f.load(db, pid)).name
        asked.append(name)
        await _answer(db, clock, author, pid, name, value)
    assert asked == ["dana_blm", "dana_swadaya_natura", "swadaya_hok"]
    p = await f.load(db, pid)
    assert p.step == "mitra" and steps.funding_gap(p) == 0
    with pytest.raises(StaleStep):
        await tick("apbd_kota")  # the sources question is behind


async def test_unticking_a_source_forgets_its_amount(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    author = await f.actor(db, world, "koordinator")
    async with db.transaction() as s:
        await form.edit_field(s, clock, author, pid, step="sumber_dana")
    await _answer(db, clock, author, pid, "sumber_dana", ["blm", "swadaya_tunai", "lainnya"])
    p = await f.load(db, pid)
    assert p.dana_apbd_kota is None and p.step == "ubah:dana_lainnya"  # the new line is asked
    with pytest.raises(InvalidInput) as caught:
        await _answer(db, clock, author, pid, "dana_lainnya", "5 juta")
    assert "Sisa yang belum terisi: Rp4.000.000" in f.said(caught.value)
    await _answer(db, clock, author, pid, "dana_lainnya", "4 juta")
    p = await f.load(db, pid)
    assert p.step == "ringkasan" and steps.funding_gap(p) == 0


async def test_the_counter_counts_only_the_questions_this_proposal_is_asked(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    p = await f.load(db, pid)
    lingkungan = steps.applicable(p)
    assert steps.question_number(p, steps.STEPS_BY_NAME["judul"]) == (1, len(lingkungan))
    assert steps.question_number(p, steps.STEPS_BY_NAME["lampiran"]) == (
        len(lingkungan), len(lingkungan),
    )  # fmt: skip
    sosial = await f.draft(db, clock, world, "anggota", jenis="sosial", komponen="pelatihan",
                           rencana="tidak")  # fmt: skip
    q = await f.load(db, sosial)
    names = [s.name for s in steps.applicable(q)]
    assert "status_lahan" not in names and "pemeliharaan" not in names
    assert "rencana_program" not in names and "swadaya_hok" not in names
    assert (q.status_lahan, q.pemeliharaan, q.rencana_program) == (None, None, None)
    assert len(names) == len(lingkungan) - 3


async def test_komponen_lainnya_asks_its_name(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, jenis="sosial", komponen="lainnya",
                        komponen_lain="Posyandu lansia")  # fmt: skip
    assert (await f.load(db, pid)).komponen_lain == "Posyandu lansia"
    assert steps.choice_label("komponen", "santunan") == "Santunan"
    assert "bergulir" in (steps.choice_label("jenis", "ekonomi") or "")


async def test_lurah_is_a_date_or_the_signed_letter(db, clock):
    from bot.domain.proposals.validators import FileRef

    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, lurah=FileRef("photo", "surat-lurah"))
    p = await f.load(db, pid)
    assert (p.lurah_tanggal, p.lurah_file_kind, p.lurah_file_id) == (None, "photo", "surat-lurah")


async def test_a_koordinator_editing_a_members_draft_tells_the_member_once(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, "anggota")
    koordinator = await f.actor(db, world, "koordinator")
    await f.clear_outbox(db)
    for step, value in (("judul", "Perbaikan drainase RW 05"), ("volume", "300 m")):
        async with db.transaction() as s:
            await form.edit_field(s, clock, koordinator, pid, step=step)
        await _answer(db, clock, koordinator, pid, step, value)
    rows = await f.outbox_rows(db, kind="proposal.edited")
    assert [r.person_id for r in rows] == [world.people["anggota"]]  # one notice, not two
    assert "Orang 101" in rows[0].text and "Perbaikan drainase RW 05" in rows[0].text
    assert "Title" in rows[0].text or "Judul" in rows[0].text
    assert rows[0].buttons[0][0]["data"] == f"p:open:{pid}"
    clock.advance(hours=2)  # a later editing session is told again
    async with db.transaction() as s:
        await form.edit_field(s, clock, koordinator, pid, step="ksm_pelaksana")
    await _answer(db, clock, koordinator, pid, "ksm_pelaksana", "KSM Sejahtera")
    assert len(await f.outbox_rows(db, kind="proposal.edited")) == 2
    # The author's own edits tell nobody.
    anggota = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        await form.edit_field(s, clock, anggota, pid, step="volume")
    await _answer(db, clock, anggota, pid, "volume", "310 m")
    assert len(await f.outbox_rows(db, kind="proposal.edited")) == 2


async def test_kota_or_kabupaten_words(db, clock):
    async with db.transaction() as s:
        bogor = await areas.add_kota(s, clock, SYSTEM, name="Bogor", kind="kabupaten")
        bandung = await areas.add_kota(s, clock, SYSTEM, name="Bandung")
        with pytest.raises(InvalidInput):
            await areas.add_kota(s, clock, SYSTEM, name="Depok", kind="desa")
    assert (bogor.kind, bandung.kind) == ("kabupaten", "kota")
    indonesian, english = Translator("id"), Translator("en")
    assert areas.area_name(indonesian, bogor) == "Kabupaten Bogor"
    assert areas.area_name(indonesian, bandung) == "Kota Bandung"
    assert areas.apbd_label(bogor) == "APBD kabupaten" and areas.apbd_label(bandung) == "APBD kota"
    assert areas.area_name(english, bogor)  # translated once the catalog has it
    kab = steps.STEPS_BY_NAME["dana_apbd_kota"]
    assert steps.label_of(kab, "kabupaten") == "APBD kabupaten"
    assert "kabupaten" in steps.prompt_of(kab, "kabupaten")
