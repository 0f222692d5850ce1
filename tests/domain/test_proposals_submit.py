"""Submitting: who may, the checks before, the tracking code, resubmission and withdrawal."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import form, queries, review, steps, submit
from bot.domain.proposals.eligible import NotEligible
from bot.domain.proposals.submit import Submitted
from storage.models import Bkm, Kota, Proposal, ProposalCounter, ProposalEvent, ProposalPartner
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


async def test_a_bkm_below_berdaya_is_refused_before_the_first_question(db, clock):
    world = await f.seed(db, clock)
    author = await f.actor(db, world, "koordinator_awal")
    async with db.transaction() as s:
        with pytest.raises(NotEligible) as caught:
            await form.start_or_resume_draft(s, clock, author)
    text = f.said(caught.value)
    assert "BKM Awal belum dapat ikut PAKET: predikatnya saat ini Awal" in text
    assert "BKM Berdaya" in text and "fasilitator Kota Bandung" in text
    async with db.transaction() as s:
        assert (await s.exec(select(Proposal))).all() == []  # no draft was started


async def test_a_kabupaten_is_named_as_one(db, clock):
    world = await f.seed(db, clock)
    async with db.transaction() as s:
        kota = await s.get_one(Kota, world.kota)
        kota.kind = "kabupaten"
        s.add(kota)
    author = await f.actor(db, world, "koordinator_awal")
    async with db.transaction() as s:
        with pytest.raises(NotEligible) as caught:
            await form.start_or_resume_draft(s, clock, author)
    assert "fasilitator Kabupaten Bandung" in f.said(caught.value)


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
    with pytest.raises(NotEligible) as caught:  # a rating that expired while drafting
        await _submit(db, clock, world, "koordinator", pid)
    assert says in f.said(caught.value) and "fasilitator Kota Bandung" in f.said(caught.value)
    author = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        with pytest.raises(NotEligible, match="belum dapat ikut PAKET"):
            await form.start_or_resume_draft(s, clock, author)


async def test_funding_short_of_the_total_is_refused(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world, dana_apbd_kota="3 juta")
    with pytest.raises(InvalidInput) as caught:
        await _submit(db, clock, world, "koordinator", pid)
    assert "(Rp14.000.000) masih kurang Rp1.000.000 dari anggaran total (Rp15.000.000)" in f.said(
        caught.value
    )
    assert (await f.load(db, pid)).status == "draf"


async def test_a_total_lowered_below_the_funding_is_refused(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    async with db.transaction() as s:
        p = await s.get_one(Proposal, pid)
        p.anggaran_total = 14_500_000  # lines are checked as typed; the total may change later
        s.add(p)
    with pytest.raises(InvalidInput) as caught:
        await _submit(db, clock, world, "koordinator", pid)
    assert "(Rp15.000.000) lebih Rp500.000 dari anggaran total (Rp14.500.000)" in f.said(
        caught.value
    )


async def test_in_kind_swadaya_counts_in_the_total_and_hok_is_information(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(
        db, clock, world, sumber_dana=["blm", "apbd_kota", "swadaya_natura"],
        dana_apbd_kota="2 juta", dana_swadaya_natura="3 juta", swadaya_hok="500",
    )  # fmt: skip
    p = await f.load(db, pid)
    assert (p.dana_blm, p.dana_apbd_kota, p.dana_swadaya_natura, p.swadaya_hok) == (
        10_000_000, 2_000_000, 3_000_000, 500,
    )  # fmt: skip
    assert steps.funding_sum(p) == 15_000_000 and p.dana_swadaya_tunai is None
    assert (await _submit(db, clock, world, "koordinator", pid)).result == Submitted.SUBMITTED


async def test_the_berita_acara_is_required_at_submission(db, clock):
    world = await f.seed(db, clock)
    pid = await f.draft(db, clock, world)
    async with db.transaction() as s:
        p = await s.get_one(Proposal, pid)
        p.berita_acara_file_id = p.berita_acara_kind = None  # a draft from before it was asked
        s.add(p)
    with pytest.raises(submit.IncompleteProposal) as caught:
        await _submit(db, clock, world, "koordinator", pid)
    assert caught.value.steps == ["berita_acara"]
    assert "Berita acara rapat BKM" in caught.value.params["fields"]


async def test_apbd_money_needs_a_dinas_among_the_partners(db, clock):
    world = await f.seed(db, clock)
    author, pid = await f.at_step(db, clock, world, "mitra")
    async with db.transaction() as s:
        with pytest.raises(InvalidInput) as caught:
            await form.answer_step(s, clock, author, pid, step="mitra", value=[world.peduli])
    assert "Dana APBD kota hanya dapat diusulkan lewat Dinas" in f.said(caught.value)
    assert (await f.load(db, pid)).step == "mitra"
    # Also at submission, for partners changed another way since.
    pid = await f.draft(db, clock, world, "anggota")
    async with db.transaction() as s:
        dinas = (
            await s.exec(
                select(ProposalPartner).where(
                    ProposalPartner.proposal_id == pid, ProposalPartner.mitra_id == world.dinas
                )
            )
        ).one()
        await s.delete(dinas)
    with pytest.raises(InvalidInput, match="lewat Dinas"):
        await _submit(db, clock, world, "koordinator", pid)


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
        await review.approve(s, clock, await f.actor(db, world, "sekretaris"), pid,
                             amount=10_000_000)  # fmt: skip
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition, match="sedang berstatus"):
            await submit.withdraw(s, clock, await f.actor(db, world, "koordinator"), pid)
