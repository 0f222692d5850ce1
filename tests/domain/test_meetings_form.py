"""The meeting form: steps in order, back / skip / edit / resume, bad input refused with nothing
half-stored, the audience each organiser may pick and the people it names."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.meetings import audience, form, queries
from bot.domain.meetings.steps import FLOW, SUMMARY
from bot.i18n import Translator
from storage.meeting_models import Meeting
from tests.domain import factories as f
from tests.domain import meeting_factories as mf


async def _start(db, clock, world, who="fasilitator"):
    organiser = await f.actor(db, world.base, who)
    async with db.transaction() as s:
        meeting = await form.start_or_resume(s, clock, organiser)
    return organiser, meeting.id


async def _answer(db, clock, who, meeting_id, step, value):
    async with db.transaction() as s:
        return await form.answer_step(s, clock, who, meeting_id, step=step, value=value)


async def test_the_form_asks_each_step_in_turn_and_stores_every_answer(db, clock):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world)
    asked = []
    values = mf.answers(world)
    for _ in FLOW:
        async with db.transaction() as s:
            where = form.position(await form.load_draft(s, organiser, meeting_id))
        asked.append(where.name)
        async with db.transaction() as s:
            if values[where.name] is mf.SKIP:
                await form.skip_step(s, clock, organiser, meeting_id, step=where.name)
            else:
                await form.answer_step(
                    s, clock, organiser, meeting_id, step=where.name, value=values[where.name]
                )
    assert asked == list(FLOW)
    meeting = await mf.load(db, meeting_id)
    assert meeting.step == SUMMARY and meeting.status == "draf"
    assert meeting.starts_at == datetime(2026, 3, 3, 7, 0, tzinfo=UTC)  # besok 14.00 WIB
    assert meeting.duration_minutes == 120  # skipped: two hours
    assert (meeting.latitude, meeting.longitude) == (-6.9, 107.6)
    assert meeting.audience_kind == "bkm" and meeting.audience_bkm_id == world.bkm


async def test_resume_back_edit_and_stale_buttons(db, clock):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world)
    await _answer(db, clock, organiser, meeting_id, "jenis", "rembug")
    # A restart: the same draft, where it stood.
    _, again = await _start(db, clock, world)
    assert again == meeting_id
    assert form.position(await mf.load(db, meeting_id)).name == "judul"
    # The same answer twice (a double tap) is a no-op; a different one is stale.
    await _answer(db, clock, organiser, meeting_id, "jenis", "rembug")
    with pytest.raises(form.StaleStep) as stale:
        await _answer(db, clock, organiser, meeting_id, "jenis", "bkm")
    assert stale.value.position.name == "judul"
    async with db.transaction() as s:
        await form.go_back(s, clock, organiser, meeting_id, step="judul")
        await form.go_back(s, clock, organiser, meeting_id, step="judul")  # second tap: no-op
    assert (await mf.load(db, meeting_id)).step == "jenis"
    await mf.fill(db, clock, organiser, meeting_id, mf.answers(world, jenis="rembug"))
    async with db.transaction() as s:
        await form.edit_field(s, clock, organiser, meeting_id, step="pengingat")
    await _answer(db, clock, organiser, meeting_id, "pengingat", "2 jam, 30 menit")
    meeting = await mf.load(db, meeting_id)
    assert meeting.step == SUMMARY and meeting.reminder_minutes == [120, 30]


async def test_the_summary_in_words(db, clock):
    world = await mf.seed(db, clock)
    meeting_id = await mf.compose(db, clock, world)
    organiser = await f.actor(db, world.base, "fasilitator")
    async with db.transaction() as s:
        lines = await queries.summary(s, Translator("id"), organiser, meeting_id)
    shown = {line.step: line.value for line in lines}
    assert shown["jenis"] == "Rapat BKM"
    assert shown["waktu"] == "Selasa, 3 Maret 2026, pukul 14.00 WIB"
    assert shown["durasi"] == "2 jam"
    assert shown["agenda"] == "Membahas rencana kegiatan &amp; pembagian tugas"  # escaped
    assert shown["peserta"] == "Seluruh BKM Sukamaju"
    assert shown["pengingat"] is None  # the service's default applies


@pytest.mark.parametrize(
    ("step", "value"),
    [
        ("waktu", "kapan-kapan"),
        ("waktu", "31/2 09.00"),
        ("waktu", "1/3 09.00"),
        ("durasi", "0"),
        ("durasi", "20 hari"),
        ("tempat", "x" * 5000),
        ("judul", "Rp"),
        ("lokasi", (48.8, 2.3)),
        ("jenis", "pesta"),
        ("peserta", "bkm:abc"),
    ],
)
async def test_bad_answers_are_refused_and_nothing_is_stored(db, clock, step, value):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world)
    answers = mf.answers(world)
    await mf.fill(db, clock, organiser, meeting_id, answers)
    async with db.transaction() as s:
        await form.edit_field(s, clock, organiser, meeting_id, step=step)
    before = (await mf.load(db, meeting_id)).model_dump()
    with pytest.raises(InvalidInput):
        await _answer(db, clock, organiser, meeting_id, step, value)
    assert (await mf.load(db, meeting_id)).model_dump() == before


async def test_an_audience_with_nobody_in_it_is_refused(db, clock):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world, "fasilitator_jpr")
    await mf.fill(db, clock, organiser, meeting_id, mf.answers(world), until="peserta")
    with pytest.raises(InvalidInput) as caught:  # no mitra contact registered in Jayapura
        await _answer(db, clock, organiser, meeting_id, "peserta", "mitra")
    assert caught.value.message == audience.EMPTY
    assert (await mf.load(db, meeting_id)).audience_kind is None


async def test_a_koordinator_invites_only_their_own_bkm(db, clock):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world, "koordinator")
    await mf.fill(db, clock, organiser, meeting_id, mf.answers(world), until="peserta")
    async with db.transaction() as s:
        options = await audience.options(s, organiser, await s.get_one(Meeting, meeting_id))
    assert [o.code for o in options] == [f"bkm:{world.bkm}"]
    for other in (f"bkm:{world.bkm_awal}", f"bkm:{world.bkm_mks}", "kota", "role:anggota"):
        with pytest.raises(NotAllowed):
            await _answer(db, clock, organiser, meeting_id, "peserta", other)
    await _answer(db, clock, organiser, meeting_id, "peserta", f"bkm:{world.bkm}")


async def test_a_fasilitator_may_pick_any_audience_of_their_kota(db, clock):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world)
    async with db.transaction() as s:
        meeting = await s.get_one(Meeting, meeting_id)
        options = await audience.options(s, organiser, meeting)
        tr = Translator("id")
        shown = {o.code: o.text(tr) for o in options}
    assert shown == {
        f"bkm:{world.bkm_awal}": "Seluruh BKM Awal",
        f"bkm:{world.bkm}": "Seluruh BKM Sukamaju",
        "kota": "Semua BKM di Bandung",
        "role:koordinator": "Semua Koordinator BKM di Bandung",
        "role:anggota": "Semua Anggota BKM di Bandung",
        "role:fasilitator": "Semua Fasilitator di Bandung",
        "role:panitia": "Semua Anggota Panitia Kemitraan di Bandung",
        "role:warga": "Semua Warga / relawan di Bandung",
        "mitra": "Kontak semua mitra di Bandung",
    }
    with pytest.raises(InvalidInput):  # a BKM of another kota is not on the list
        async with db.transaction() as s:
            meeting = await s.get_one(Meeting, meeting_id)
            await audience.check(s, organiser, meeting, audience.parse_code(f"bkm:{world.bkm_mks}"))


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("bkm", mf.SUKAMAJU),
        ("kota", ["anggota", "anggota2", "anggota_mks", "koordinator", "koordinator2",
                  "koordinator_awal"]),
        ("role:koordinator", ["koordinator", "koordinator2", "koordinator_awal"]),
        ("role:fasilitator", []),  # the organiser is never among the invited
        ("role:panitia", ["panitia", "sekretaris"]),  # the kota's committee, from any pillar
        ("mitra", ["mitra", "mitra_other", "mitra_peduli"]),
    ],
)  # fmt: skip
async def test_who_each_audience_names(db, clock, code, expected):
    world = await mf.seed(db, clock)
    _, meeting_id = await _start(db, clock, world)
    code = f"bkm:{world.bkm}" if code == "bkm" else code
    async with db.transaction() as s:
        meeting = await s.get_one(Meeting, meeting_id)
        found = await audience.people(s, meeting, audience.parse_code(code))
    assert mf.names(world, [p.id for p in found]) == expected


async def test_only_fasilitators_and_koordinators_call_meetings(db, clock):
    world = await mf.seed(db, clock)
    for who in ("anggota", "warga", "mitra"):
        with pytest.raises(NotAllowed):
            await _start(db, clock, world, who)


async def test_another_persons_draft_is_not_found_and_discard_deletes(db, clock):
    world = await mf.seed(db, clock)
    organiser, meeting_id = await _start(db, clock, world)
    stranger = await f.actor(db, world.base, "koordinator")
    with pytest.raises(NotFound):
        await _answer(db, clock, stranger, meeting_id, "jenis", "bkm")
    async with db.transaction() as s:
        await form.discard_draft(s, clock, organiser, meeting_id)
    async with db.transaction() as s:
        assert await s.get(Meeting, meeting_id) is None
