"""The committee decides: only its secretary records a decision, with the meeting's date, and
every message about it names the committee (Panitia Kemitraan) of the proposal's kota."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import decision, queries, review
from storage.committee_models import CommitteeDecision
from storage.meeting_models import Meeting, MeetingMinutes
from storage.models import Person, Proposal, ProposalEvent, ProposalPartner
from tests.domain import factories as f


async def _do(db, clock, world, who, fn, pid, **kw):
    async with db.transaction() as s:
        return await fn(s, clock, await f.actor(db, world, who), pid, **kw)


async def submitted_row(db, clock, world) -> int:
    """A submitted proposal written straight into the tables (the form is tested elsewhere)."""
    async with db.transaction() as s:
        proposal = Proposal(
            bkm_id=world.bkm, kota_id=world.kota, author_id=world.people["anggota"],
            status="diajukan", code="PKT-2026-0101", judul="Perbaikan jalan lingkungan RW 05",
            jenis="lingkungan", anggaran_total=15_000_000, dana_blm=10_000_000,
            submitted_at=clock.now() - timedelta(days=3), step="ringkasan",
        )  # fmt: skip
        s.add(proposal)
        await s.flush()
        assert proposal.id is not None
        s.add(ProposalPartner(proposal_id=proposal.id, mitra_id=world.dinas))
        s.add(ProposalPartner(proposal_id=proposal.id, mitra_id=world.peduli))
        s.add(ProposalEvent(proposal_id=proposal.id, at=clock.now(), from_status="draf",
                            to_status="diajukan", actor_label="koordinator:BKM Sukamaju"))  # fmt: skip
        return proposal.id


async def verified(db, clock, world) -> int:
    pid = await submitted_row(db, clock, world)
    await _do(db, clock, world, "fasilitator", review.check, pid)
    await _do(db, clock, world, "fasilitator", review.complete, pid)
    return pid


def _today(clock) -> date:
    return clock.now().date()


# --- who may record ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("fasilitator", NotAllowed),  # verifies, but is not the committee's secretary
        ("panitia", NotAllowed),  # a member, not its secretary
        ("sekretaris_jpr", NotFound),  # the secretary of another kota's committee
        ("koordinator", NotAllowed),
        ("mitra", NotAllowed),
        ("fasilitator_jpr", NotFound),
    ],
)
async def test_only_the_committee_secretary_of_the_kota_records_a_decision(db, clock, who, error):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    with pytest.raises(error):
        await _do(db, clock, world, who, decision.approve, pid, amount=10_000_000,
                  meeting_date=_today(clock))  # fmt: skip
    assert (await f.load(db, pid)).status == "ditinjau"
    async with db.transaction() as s:
        assert (await s.exec(select(CommitteeDecision))).all() == []


async def test_a_fasilitator_given_the_secretary_right_records_it(db, clock):
    from bot.domain import people
    from bot.domain.actors import SYSTEM
    from storage.models import Kota, Role

    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    async with db.transaction() as s:
        bandung = await s.get_one(Kota, world.kota)
        await people.grant_role(s, clock, SYSTEM, telegram_id=201, role=Role.SEKRETARIS,
                                kota=bandung)  # fmt: skip
    outcome = await _do(db, clock, world, "fasilitator", decision.waitlist, pid,
                        meeting_date=_today(clock))  # fmt: skip
    assert outcome.changed and outcome.proposal.status == "daftar_tunggu"


# --- what is recorded -------------------------------------------------------------------------


async def test_a_decision_is_recorded_with_the_meeting_and_told_to_everyone(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    meeting_day = _today(clock) - timedelta(days=1)
    before = len(await f.outbox_rows(db))
    outcome = await _do(db, clock, world, "sekretaris", decision.approve, pid,
                        amount=9_000_000, meeting_date=meeting_day)  # fmt: skip
    assert outcome.proposal.status == "disetujui" and outcome.proposal.approved_amount == 9_000_000
    async with db.transaction() as s:
        row = (await s.exec(select(CommitteeDecision))).one()
        event = await s.get_one(ProposalEvent, row.event_id)
    assert (row.outcome, row.amount, row.meeting_date, row.committee) == (
        "disetujui", 9_000_000, meeting_day, "Panitia Kemitraan",
    )  # fmt: skip
    assert row.recorded_by == world.people["sekretaris"] and event.to_status == "disetujui"

    told = {r.person_id: r for r in (await f.outbox_rows(db))[before:]}
    expected = ("anggota", "koordinator", "koordinator2", "fasilitator", "panitia", "mitra",
                "mitra_peduli")  # fmt: skip
    for who in expected:
        assert world.people[who] in told, who
    assert world.people["sekretaris"] not in told  # the chat answers the one who recorded it
    day_id = f"{meeting_day.day} {_MONTHS_ID[meeting_day.month]} {meeting_day.year}"
    said_id = f"Diputuskan dalam rapat Panitia Kemitraan Kota Bandung, {day_id}."
    assert said_id in told[world.people["koordinator"]].text
    assert said_id in told[world.people["mitra"]].text
    assert said_id in told[world.people["fasilitator"]].text
    for who in ("anggota", "mitra_peduli"):  # English readers: their own words (checked e2e)
        assert "Panitia Kemitraan" in told[world.people[who]].text, who


_MONTHS_ID = {1: "Januari", 2: "Februari", 3: "Maret", 4: "April", 5: "Mei", 6: "Juni",
              7: "Juli", 8: "Agustus", 9: "September", 10: "Oktober", 11: "November",
              12: "Desember"}  # fmt: skip


async def test_meeting_dates_are_checked(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    for day, says in (
        (_today(clock) + timedelta(days=1), "tidak boleh setelah hari ini"),
        (_today(clock) - timedelta(days=30), "tidak boleh sebelum usulan diajukan"),
    ):
        with pytest.raises(InvalidInput, match=says):
            await _do(db, clock, world, "sekretaris", decision.approve, pid, amount=1_000_000,
                      meeting_date=day)  # fmt: skip


async def test_a_linked_committee_meeting_gives_the_date_and_its_minutes(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    async with db.transaction() as s:
        held = Meeting(status="terjadwal", kota_id=world.kota, kind="panitia",
                       title="Rapat Panitia Januari", starts_at=clock.now() - timedelta(hours=26),
                       duration_minutes=120)  # fmt: skip
        bkm_meeting = Meeting(status="terjadwal", kota_id=world.kota, kind="bkm", title="Rapat BKM",
                              starts_at=clock.now() - timedelta(hours=3))  # fmt: skip
        s.add_all([held, bkm_meeting])
        await s.flush()
        s.add(MeetingMinutes(meeting_id=held.id, kind="document", file_id="F1", file_name="ba.pdf"))
        proposal = await s.get_one(Proposal, pid)
        offered = await decision.recent_meetings(s, clock, proposal)
    assert [m.id for m in offered] == [held.id]
    with pytest.raises(InvalidInput, match="bukan rapat Panitia"):
        await _do(db, clock, world, "sekretaris", decision.reject, pid,
                  reason="Bukan kegiatan Tridaya yang diprioritaskan", meeting_id=bkm_meeting.id)  # fmt: skip
    await _do(db, clock, world, "sekretaris", decision.reject, pid,
              reason="Bukan kegiatan Tridaya yang diprioritaskan", meeting_id=held.id)  # fmt: skip
    async with db.transaction() as s:
        row = (await s.exec(select(CommitteeDecision))).one()
        view = await queries.view_by_id(s, await f.actor(db, world, "koordinator"), pid)
    assert row.meeting_id == held.id
    assert (
        row.meeting_date
        == (clock.now() - timedelta(hours=26))
        .astimezone(__import__("zoneinfo").ZoneInfo("Asia/Jakarta"))
        .date()
    )
    assert view.decision is not None and view.decision.meeting is not None
    assert [m.file_id for m in view.decision.meeting.minutes] == ["F1"]


async def test_notes_need_a_few_words(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    for reason in ("ok", "x", "tidak layak"):
        with pytest.raises(InvalidInput, match="sedikit lebih lengkap"):
            await _do(db, clock, world, "sekretaris", decision.reject, pid, reason=reason,
                      meeting_date=_today(clock))  # fmt: skip
    with pytest.raises(InvalidInput, match="sedikit lebih lengkap"):
        await _do(db, clock, world, "fasilitator", review.request_revision, pid, note="ok")
    await _do(db, clock, world, "fasilitator", review.request_revision, pid,
              note="Mohon lengkapi RAB dan foto lokasi")  # fmt: skip


async def test_a_repeated_decision_is_a_no_op_and_a_closed_proposal_stays_closed(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    kw = {"reason": "Tidak sesuai prioritas PJM Pronangkis", "meeting_date": _today(clock)}
    assert (await _do(db, clock, world, "sekretaris", decision.reject, pid, **kw)).changed
    assert not (await _do(db, clock, world, "sekretaris", decision.reject, pid, **kw)).changed
    with pytest.raises(InvalidTransition):
        await _do(db, clock, world, "sekretaris", decision.approve, pid, amount=1_000_000)
    async with db.transaction() as s:
        assert len((await s.exec(select(CommitteeDecision))).all()) == 1


# --- queues and visibility --------------------------------------------------------------------


async def test_the_committee_sees_what_waits_for_its_decision(db, clock):
    world = await f.seed(db, clock)
    waiting = await verified(db, clock, world)
    async with db.transaction() as s:
        p = await s.get_one(Proposal, waiting)
        p.code = "PKT-2026-0100"  # a second one, only submitted, keeps the seed's code free
    not_yet = await submitted_row(db, clock, world)
    async with db.transaction() as s:
        member = await f.actor(db, world, "panitia")
        queue = await queries.committee_queue(s, member)
        other = await queries.committee_queue(s, await f.actor(db, world, "sekretaris_jpr"))
        fas = await queries.review_queue(s, await f.actor(db, world, "fasilitator"))
        seen = await queries.visible_proposals(s, member)
    assert [i.id for i in queue] == [waiting] and other == []
    assert [i.id for i in seen.items] == [waiting]  # not the one still before its check
    groups = queries.grouped(fas, queries.FASILITATOR_GROUPS)
    assert [(g.label, [i.id for i in g.items]) for g in groups] == [
        ("Perlu diperiksa kelengkapannya", [not_yet]),
        ("Menunggu keputusan Panitia Kemitraan", [waiting]),
    ]
    await _do(db, clock, world, "sekretaris", decision.approve, waiting, amount=10_000_000)
    async with db.transaction() as s:
        fas = await queries.review_queue(s, await f.actor(db, world, "fasilitator"))
    labels = [g.label for g in queries.grouped(fas, queries.FASILITATOR_GROUPS)]
    assert "Disetujui, menunggu pencairan dana" in labels  # approved still waits for them


async def test_verification_tells_the_committee(db, clock):
    world = await f.seed(db, clock)
    await verified(db, clock, world)
    rows = await f.outbox_rows(db, kind="proposal.committee")
    assert {r.person_id for r in rows} == {world.people["panitia"], world.people["sekretaris"]}
    async with db.transaction() as s:
        names = {p.id: p.locale for p in (await s.exec(select(Person))).all()}
    english = next(r for r in rows if names[r.person_id] == "en")
    assert "Panitia Kemitraan" in english.text
