"""Submitting: who may, the checks before, the tracking code, resubmission and withdrawal."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import form, queries, review, submit
from bot.domain.proposals.submit import Submitted
from storage.models import Bkm, Proposal, ProposalCounter, ProposalEvent
from tests.domain import factories as f


async def _submit(db, clock, world, who, pid):
    async with db.transaction() as s:
        return await submit.submit(s, clock, await f.actor(db, world, who), pid)


async def _events(db, pid):
    async with db.transaction() as s:
        stmt = select(ProposalEvent).where(ProposalEvent.proposal_id == pid)
        return [(e.from_status, e.to_status, e.version) for e in (await s.exec(stmt)).all()]


async def test_koordinator_submits_and_gets_a_tracking_code(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    result = await _submit(db, clock, world, "koordinator", pid)
    assert result.result == Submitted.SUBMITTED and result.code == "PKT-2026-0001"
    p = await f.load(db, pid)
    assert p.status == "diajukan" and p.submitted_at == clock.now() and p.version == 1
    assert await _events(db, pid) == [(None, "draf", 1), ("draf", "diajukan", 1)]
    assert "proposal.submit" in await f.audit_actions(db)


async def test_submitting_again_returns_the_same_code_and_changes_nothing(db, clock):
    world = await f.seed(db, clock)
    pid, code = await f.submitted(db, clock, world)
    outbox, audits = len(await f.outbox_rows(db)), len(await f.audit_actions(db))
    for who in ("koordinator", "koordinator2", "anggota"):
        again = await _submit(db, clock, world, who, pid)
        assert (again.result, again.code) == (Submitted.ALREADY, code)
    async with db.transaction() as s:
        assert (await s.exec(select(ProposalCounter))).one().last == 1
    assert len(await f.outbox_rows(db)) == outbox and len(await f.audit_actions(db)) == audits
    assert len(await _events(db, pid)) == 2


async def test_an_anggota_hands_the_draft_to_the_koordinators(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, "anggota")
    for _ in range(2):  # a double tap asks the koordinators once
        result = await _submit(db, clock, world, "anggota", pid)
        assert result.result == Submitted.READY and result.code is None
    p = await f.load(db, pid)
    assert p.status == "draf" and p.step == "siap" and form.position(p).ready
    rows = await f.outbox_rows(db, kind="proposal.ready")
    assert sorted(r.person_id for r in rows) == sorted(
        [world.people["koordinator"], world.people["koordinator2"]]
    )
    assert all(r.buttons == [[{"label": "Periksa draf", "data": f"p:open:{pid}"}]] for r in rows)
    assert "siap" in rows[0].text and "Perbaikan jalan lingkungan RW 05" in rows[0].text
    done = await _submit(db, clock, world, "koordinator2", pid)
    assert done.result == Submitted.SUBMITTED and done.code == "PKT-2026-0001"


async def test_a_bkm_below_berdaya_is_refused_with_whom_to_ask(db, clock):
    world = await f.seed(db, clock)
    author = await f.actor(db, world, "koordinator_awal")
    async with db.transaction() as s:
        pid = (await form.start_or_resume_draft(s, clock, author)).id
    await f.fill(db, clock, author, pid, f.answers(world))
    with pytest.raises(InvalidTransition) as caught:
        await _submit(db, clock, world, "koordinator_awal", pid)
    text = caught.value.message.format(**caught.value.params)
    assert "BKM Awal saat ini berpredikat Awal" in text
    assert "BKM Berdaya" in text and "fasilitator kota Bandung" in text
    p = await f.load(db, pid)
    assert p.status == "draf" and p.code is None


@pytest.mark.parametrize(
    ("assessed_on", "says"),
    [
        (date(2025, 2, 1), "lebih dari 12 bulan (terakhir 01/02/2025)"),
        (None, "belum pernah dinilai"),
    ],
)
async def test_an_expired_or_missing_rating_is_refused(db, clock, assessed_on, says):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, world.bkm)
        bkm.assessed_on = assessed_on
        s.add(bkm)
    with pytest.raises(InvalidTransition) as caught:
        await _submit(db, clock, world, "koordinator", pid)
    assert says in caught.value.message.format(**caught.value.params)
    assert "fasilitator kota Bandung" in caught.value.message.format(**caught.value.params)


@pytest.mark.parametrize(
    ("apbd", "says"),
    [
        ("3 juta", "(Rp14.000.000) masih kurang Rp1.000.000 dari anggaran total (Rp15.000.000)"),
        ("4.500.000", "(Rp15.500.000) lebih Rp500.000 dari anggaran total (Rp15.000.000)"),
    ],
)
async def test_funding_lines_must_add_up_to_the_total(db, clock, apbd, says):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, dana_apbd_kota=apbd)
    with pytest.raises(InvalidInput) as caught:
        await _submit(db, clock, world, "koordinator", pid)
    assert says in caught.value.message.format(**caught.value.params)
    assert (await f.load(db, pid)).status == "draf"


async def test_hok_is_labour_not_rupiah(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, swadaya_hok="500")
    assert (await _submit(db, clock, world, "koordinator", pid)).result == Submitted.SUBMITTED


async def test_schedule_must_end_after_it_starts(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    async with db.transaction() as s:
        p = await s.get_one(Proposal, pid)
        p.jadwal_selesai = date(2026, 3, 31)
        s.add(p)
    with pytest.raises(InvalidInput, match="sebelum tanggal mulai"):
        await _submit(db, clock, world, "koordinator", pid)


async def test_codes_are_unique_across_kotas_and_restart_each_year_in_the_kota_zone(db, clock):
    world = await f.seed(db, clock)
    _, first = await f.submitted(db, clock, world)
    jayapura = {"mitra": [world.mitra_mks], "jadwal_mulai": "1/2/2027",
                "jadwal_selesai": "30/6/2027"}  # fmt: skip
    pid = await f.draft(db, clock, world, "koordinator_mks", **jayapura)
    second = (await _submit(db, clock, world, "koordinator_mks", pid)).code
    # 31 Dec 2026 15.30 UTC: still 2026 in Bandung (22.30 WIB), already 2027 in Jayapura (WIT).
    clock.set(datetime(2026, 12, 31, 15, 30, tzinfo=UTC))
    pid = await f.draft(db, clock, world, "koordinator_mks", **jayapura)
    third = (await _submit(db, clock, world, "koordinator_mks", pid)).code
    pid = await f.draft(db, clock, world, "koordinator2", jadwal_mulai="1/2/2027",
                        jadwal_selesai="30/6/2027")  # fmt: skip
    fourth = (await _submit(db, clock, world, "koordinator2", pid)).code
    assert [first, second, third, fourth] == [
        "PKT-2026-0001", "PKT-2026-0002", "PKT-2027-0001", "PKT-2026-0003",
    ]  # fmt: skip


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL"),
    reason="concurrent writers need PostgreSQL; SQLite serialises whole transactions",
)
async def test_concurrent_submissions_never_share_a_code(db, clock):
    world = await f.seed(db, clock)
    ids = [await f.draft(db, clock, world, who) for who in ("koordinator", "koordinator2")]
    ids += [await f.draft(db, clock, world, "koordinator_mks", mitra=[world.mitra_mks])]

    async def one(pid, who):
        async with db.transaction() as s:
            result = await submit.submit(s, clock, await f.actor(db, world, who), pid)
            await asyncio.sleep(0.05)  # hold the transaction open while the others run
            return result.code

    whos = ("koordinator", "koordinator2", "koordinator_mks")
    codes = await asyncio.gather(*(one(pid, who) for pid, who in zip(ids, whos, strict=True)))
    assert sorted(codes) == ["PKT-2026-0001", "PKT-2026-0002", "PKT-2026-0003"]


async def test_next_code_counts_per_year(db, clock):
    async with db.transaction() as s:
        codes = [await submit.next_code(s, year) for year in (2026, 2026, 2027, 2026)]
    assert codes == ["PKT-2026-0001", "PKT-2026-0002", "PKT-2027-0001", "PKT-2026-0003"]


async def _revise(db, clock, world, pid, note="Mohon lampirkan RAB."):
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.check(s, clock, fasilitator, pid)
        await review.request_revision(s, clock, fasilitator, pid, note=note)


async def test_the_revision_loop_raises_the_version_and_keeps_both(db, clock):
    world = await f.seed(db, clock)
    pid, code = await f.submitted(db, clock, world)
    await _revise(db, clock, world, pid)
    anggota = await f.actor(db, world, "anggota")
    async with db.transaction() as s:  # the author edits from the summary
        await form.edit_field(s, clock, anggota, pid, step="uraian")
        await form.answer_step(
            s, clock, anggota, pid, step="uraian",
            value="Memperbaiki jalan lingkungan 200 meter; RAB terlampir sebagai PDF.",
        )  # fmt: skip
    # An anggota cannot resubmit: the koordinators are asked, as for a first submission.
    assert (await _submit(db, clock, world, "anggota", pid)).result == Submitted.READY
    clock.advance(hours=2)
    async with db.transaction() as s:
        result = await submit.resubmit(s, clock, await f.actor(db, world, "koordinator"), pid)
        again = await submit.resubmit(s, clock, await f.actor(db, world, "koordinator"), pid)
    assert (result.result, result.code, again.result) == (
        Submitted.SUBMITTED,
        code,
        Submitted.ALREADY,
    )
    p = await f.load(db, pid)
    assert p.version == 2 and p.status == "diajukan" and p.submitted_at == clock.now()
    assert await _events(db, pid) == [
        (None, "draf", 1), ("draf", "diajukan", 1), ("diajukan", "diperiksa", 1),
        ("diperiksa", "perlu_perbaikan", 1), ("perlu_perbaikan", "diajukan", 2),
    ]  # fmt: skip
    async with db.transaction() as s:
        view = await queries.get_view(s, await f.actor(db, world, "fasilitator"), code)
    assert [e.version for e in view.timeline][-1] == 2
    assert view.timeline[3].note == "Mohon lampirkan RAB."


async def test_submit_on_a_returned_proposal_resubmits_it(db, clock):
    world = await f.seed(db, clock)
    pid, code = await f.submitted(db, clock, world)
    await _revise(db, clock, world, pid)
    result = await _submit(db, clock, world, "koordinator", pid)
    assert result.result == Submitted.SUBMITTED and result.code == code
    assert (await f.load(db, pid)).version == 2


async def test_resubmit_only_after_a_revision_request(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition):
            await submit.resubmit(s, clock, await f.actor(db, world, "koordinator"), pid)


async def test_withdraw_before_a_decision(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    koordinator = await f.actor(db, world, "koordinator")
    for who, error in (("anggota", NotAllowed), ("fasilitator", NotAllowed),
                       ("koordinator_mks", NotFound)):  # fmt: skip
        async with db.transaction() as s:
            with pytest.raises(error):
                await submit.withdraw(s, clock, await f.actor(db, world, who), pid)
    for _ in range(2):
        async with db.transaction() as s:
            outcome = await submit.withdraw(s, clock, koordinator, pid, reason="Dana dari CSR")
    assert outcome.changed is False  # the second time
    p = await f.load(db, pid)
    assert p.status == "dibatalkan"
    assert (await _events(db, pid))[-1] == ("diajukan", "dibatalkan", 1)
    assert (await f.audit_actions(db)).count("proposal.withdraw") == 1


async def test_no_withdrawal_after_approval(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        await review.check(s, clock, fasilitator, pid)
        await review.complete(s, clock, fasilitator, pid)
        await review.approve(s, clock, fasilitator, pid, amount=10_000_000)
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition, match="sedang berstatus"):
            await submit.withdraw(s, clock, await f.actor(db, world, "koordinator"), pid)
