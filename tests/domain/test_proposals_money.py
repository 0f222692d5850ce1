"""Money after the decision: tranches, corrections, progress files, finishing, partner plans."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from bot.domain.errors import InvalidInput, InvalidTransition
from bot.domain.proposals import (
    attachments,
    completion,
    disbursement,
    partners,
    queries,
    review,
)
from bot.domain.proposals.partners import IN_KIND, NEXT_BUDGET, SupportPlan
from bot.i18n import Translator
from storage.models import AuditLog, Outbox, Proposal, ProposalEvent, ProposalPartner
from storage.money_models import Disbursement
from tests.domain import factories as f


async def _do(db, clock, world, who, fn, pid, **kw):
    async with db.transaction() as s:
        return await fn(s, clock, await f.actor(db, world, who), pid, **kw)


async def _approved(db, clock, world, *, approved=25_000_000, status="disetujui") -> int:
    """An approved proposal channelled to a Dinas and a Kelompok Peduli (the form is not tested here)."""
    async with db.transaction() as s:
        p = Proposal(
            bkm_id=world.bkm, kota_id=world.kota, author_id=world.people["anggota"], status=status,
            code="PKT-2026-0099", judul="Jalan lingkungan RW 03", jenis="lingkungan",
            anggaran_total=30_000_000, dana_blm=25_000_000, dana_apbd_kota=3_000_000,
            dana_kelompok_peduli=2_000_000, approved_amount=approved, created_at=clock.now(),
        )  # fmt: skip
        s.add(p)
        await s.flush()
        assert p.id is not None
        for mitra in (world.dinas, world.peduli):
            s.add(ProposalPartner(proposal_id=p.id, mitra_id=mitra))
        # It went under review once: that is what channels it to its partners.
        s.add(ProposalEvent(proposal_id=p.id, at=clock.now(), from_status="diperiksa",
                            to_status="ditinjau", actor_label="fasilitator:Bandung"))  # fmt: skip
        return p.id


async def _all_files(db, clock, world, pid, who="koordinator"):
    for n, stage in enumerate(attachments.STAGES):
        kind = "document" if stage == attachments.LPJ else "photo"
        await _do(db, clock, world, who, attachments.attach, pid, stage=stage,
                  file_id=f"file-{n}", kind=kind, file_name="lpj.pdf" if kind == "document" else None)  # fmt: skip


async def _proposal(db, pid) -> Proposal:
    async with db.transaction() as s:
        return await s.get_one(Proposal, pid)


# --- tranches -----------------------------------------------------------------------------------


async def test_tranches_add_up_and_the_view_says_how_much_of_what(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    one = await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
                    amount=10_000_000, tranche=1)  # fmt: skip
    two = await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
                    amount=5_000_000, tranche=2)  # fmt: skip
    again = await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
                      amount=5_000_000, tranche=2)  # a double tap  # fmt: skip
    assert one.changed and two.changed and not again.changed
    p = await _proposal(db, pid)
    assert (p.status, p.disbursed_amount) == ("dana_cair", 15_000_000)
    async with db.transaction() as s:
        view = await queries.view_by_id(s, await f.actor(db, world, "koordinator"), pid)
        rows = (await s.exec(select(Disbursement))).all()
    assert [(t.number, t.amount) for t in view.tranches] == [(1, 10_000_000), (2, 5_000_000)]
    faskel = world.people["fasilitator"]
    assert [(r.tranche, r.recorded_by) for r in rows] == [(1, faskel), (2, faskel)]
    with pytest.raises(InvalidTransition, match="sudah dicatat"):
        await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
                  amount=1_000_000, tranche=2)  # fmt: skip


async def test_an_amount_over_the_approved_one_is_refused_with_what_is_left(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
              amount=20_000_000, tranche=1)  # fmt: skip
    for fn, kw in ((disbursement.plan_tranche, {"amount": 6_000_000}),
                   (disbursement.record_tranche, {"amount": 6_000_000, "tranche": 2})):  # fmt: skip
        with pytest.raises(InvalidInput) as caught:
            if fn is disbursement.plan_tranche:
                async with db.transaction() as s:
                    await fn(s, await f.actor(db, world, "fasilitator"), pid, **kw)
            else:
                await _do(db, clock, world, "fasilitator", fn, pid, **kw)
        error = caught.value
        assert Translator("id")._(error.message, **error.params).endswith(": Rp5.000.000.")
        assert Translator("en")._(error.message, **error.params).endswith(": Rp5,000,000.")
        assert "melebihi sisa dana" in caught.value.message
    assert (await _proposal(db, pid)).disbursed_amount == 20_000_000
    with pytest.raises(Exception, match="fasilitator"):
        await _do(db, clock, world, "koordinator", disbursement.record_tranche, pid,
                  amount=1_000_000, tranche=2)  # fmt: skip


def test_rp10_is_questioned_with_the_likely_reading():
    left = 25_000_000
    assert disbursement.readings(10, left) == (10_000_000,)  # Rp10.000 is no likelier than Rp10
    assert disbursement.readings(25, left) == (25_000_000,)
    assert disbursement.readings(5_000, left) == (5_000_000,)  # far below what is left
    assert disbursement.readings(500, 3_000_000) == (500_000,)
    assert disbursement.readings(10_000_000, left) == ()
    assert disbursement.readings(500_000, left) == ()  # small, but a real tranche


async def test_plan_tranche_questions_rp10_and_writes_nothing(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    async with db.transaction() as s:
        plan = await disbursement.plan_tranche(
            s, await f.actor(db, world, "fasilitator"), pid, amount=10
        )
    assert (plan.tranche, plan.readings, plan.remaining_after) == (1, (10_000_000,), 24_999_990)
    assert (await _proposal(db, pid)).status == "disetujui"


async def test_a_wrong_tranche_is_corrected_by_an_audited_entry(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid, amount=10,
              tranche=1)  # fmt: skip
    await f.clear_outbox(db)
    with pytest.raises(InvalidInput):
        await _do(db, clock, world, "fasilitator", disbursement.correct_tranche, pid, tranche=1,
                  amount=10_000_000, reason="ok")  # fmt: skip
    with pytest.raises(InvalidInput, match="paling banyak"):
        await _do(db, clock, world, "fasilitator", disbursement.correct_tranche, pid, tranche=1,
                  amount=26_000_000, reason="salah ketik, seharusnya dua puluh enam juta")  # fmt: skip
    fixed = await _do(db, clock, world, "fasilitator", disbursement.correct_tranche, pid,
                      tranche=1, amount=10_000_000, reason="Salah ketik, seharusnya 10 juta")  # fmt: skip
    assert fixed.changed
    async with db.transaction() as s:
        rows = (await s.exec(select(Disbursement).order_by(col(Disbursement.id)))).all()
        audit = (
            await s.exec(
                select(AuditLog).where(AuditLog.action == "proposal.disbursement_corrected")
            )
        ).one()
        outbox = (await s.exec(select(Outbox).where(Outbox.kind == "proposal.correction"))).all()
    assert [(r.amount, r.corrects_id, r.reason) for r in rows] == [
        (10, None, None), (9_999_990, rows[0].id, "Salah ketik, seharusnya 10 juta"),
    ]  # the wrong entry is kept as it was  # fmt: skip
    assert audit.detail["old_amount"] == 10 and audit.detail["new_amount"] == 10_000_000
    assert audit.actor_person_id == world.people["fasilitator"]
    assert (await _proposal(db, pid)).disbursed_amount == 10_000_000
    assert {o.person_id for o in outbox} >= {world.people["koordinator"], world.people["anggota"]}
    koor = next(o for o in outbox if o.person_id == world.people["koordinator"])
    assert "tahap 1" in koor.text and "dikoreksi: Rp10 menjadi Rp10.000.000" in koor.text
    assert "Alasan: Salah ketik, seharusnya 10 juta" in koor.text


# --- progress files and finishing ---------------------------------------------------------------


async def test_finishing_needs_the_progress_photos_and_the_lpj(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
              amount=25_000_000, tranche=1)  # fmt: skip
    await _do(db, clock, world, "fasilitator", review.start, pid)
    with pytest.raises(InvalidTransition, match="lampirkan dulu"):
        await _do(db, clock, world, "fasilitator", completion.finish, pid)
    with pytest.raises(InvalidInput, match="LPJ"):
        await _do(db, clock, world, "koordinator", attachments.attach, pid, stage="lpj",
                  file_id="x", kind="photo")  # fmt: skip
    with pytest.raises(Exception, match="koordinator BKM atau fasilitator"):
        await _do(db, clock, world, "anggota", attachments.attach, pid, stage="foto_0",
                  file_id="x", kind="photo")  # fmt: skip
    await _all_files(db, clock, world, pid)
    async with db.transaction() as s:
        check = await completion.check_finish(s, await f.actor(db, world, "fasilitator"), pid)
    assert check.missing == () and check.shortfall == 0
    done = await _do(db, clock, world, "fasilitator", completion.finish, pid)
    assert done.changed and (await _proposal(db, pid)).status == "selesai"
    with pytest.raises(InvalidTransition):  # no tranche after the end
        await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
                  amount=1_000_000, tranche=2)  # fmt: skip
    with pytest.raises(InvalidTransition):
        await _do(db, clock, world, "koordinator", attachments.attach, pid, stage="foto_100",
                  file_id="late", kind="photo")  # fmt: skip


async def test_finishing_with_money_left_needs_a_reason_and_a_confirmation(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
              amount=10_000_000, tranche=1)  # fmt: skip
    await _do(db, clock, world, "fasilitator", review.start, pid)
    await _all_files(db, clock, world, pid)
    for kw in ({}, {"reason": "Sisa dana dikembalikan ke kas daerah"},
               {"reason": "ok", "confirmed": True}):  # fmt: skip
        with pytest.raises(InvalidInput):
            await _do(db, clock, world, "fasilitator", completion.finish, pid, **kw)
    assert (await _proposal(db, pid)).status == "dilaksanakan"
    # Before finishing the rest may still be recorded.
    await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
              amount=5_000_000, tranche=2)  # fmt: skip
    await _do(db, clock, world, "fasilitator", completion.finish, pid,
              reason="Sisa dana dikembalikan ke kas daerah", confirmed=True)  # fmt: skip
    async with db.transaction() as s:
        audit = (await s.exec(select(AuditLog).where(AuditLog.action == "proposal.finish"))).one()
    assert audit.detail["note"] == "Sisa dana dikembalikan ke kas daerah"
    assert (audit.detail["disbursed"], audit.detail["approved"]) == (15_000_000, 25_000_000)


# --- partner plans ------------------------------------------------------------------------------


async def test_a_mitra_plans_in_kind_or_from_next_years_budget(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    year = clock.now().year
    await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid,
              plan=SupportPlan(NEXT_BUDGET, 3_000_000, year=year + 1))  # fmt: skip
    await _do(db, clock, world, "mitra_peduli", partners.answer_as_mitra, pid,
              plan=SupportPlan(IN_KIND, None, "20 sak semen dan 2 tukang"))  # fmt: skip
    with pytest.raises(InvalidInput):  # in kind needs a description
        await _do(db, clock, world, "mitra_peduli", partners.answer_as_mitra, pid,
                  plan=SupportPlan(IN_KIND, 1_000_000, "semen"))  # fmt: skip
    with pytest.raises(InvalidInput, match="tahun anggaran"):
        await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid,
                  plan=SupportPlan(NEXT_BUDGET, 3_000_000, year=year + 9))  # fmt: skip
    async with db.transaction() as s:
        view = await queries.view_by_id(s, await f.actor(db, world, "koordinator"), pid)
        told = (await s.exec(select(Outbox).where(Outbox.kind == "proposal.partner"))).all()
    plans = {p.name: (p.plan_kind, p.pledged_amount, p.plan_description, p.plan_year)
             for p in view.partners}  # fmt: skip
    assert plans == {
        "Dinas PUPR Kota Bandung": ("next_budget", 3_000_000, None, year + 1),
        "Universitas Pasundan": ("in_kind", None, "20 sak semen dan 2 tukang", None),
    }
    # The fasilitator hears every answer, as the BKM does.
    assert world.people["fasilitator"] in {o.person_id for o in told}
    assert any("barang/jasa: 20 sak semen dan 2 tukang" in o.text for o in told)
    assert [e.kind for e in view.timeline[-2:]] == ["plan_next_budget", "plan_in_kind"]


def test_the_pledge_is_measured_against_what_was_asked_of_that_mitra():
    p = Proposal(bkm_id=1, kota_id=1, anggaran_total=8_000_000, dana_apbd_kota=2_000_000,
                 dana_apbd_provinsi=1_000_000, dana_kelompok_peduli=500_000)  # fmt: skip
    assert partners.asked_of(p, "dinas") == 3_000_000
    assert partners.asked_of(p, "kelompok_peduli") == 500_000
    doubt = partners.pledge_doubt(100_000_000, asked=3_000_000, total=8_000_000)
    assert doubt is not None and doubt.over_asked and doubt.readings == ()
    assert partners.pledge_doubt(3_000_000, asked=3_000_000, total=8_000_000) is None
    small = partners.pledge_doubt(3, asked=3_000_000, total=8_000_000)
    assert small is not None and small.readings == (3_000, 3_000_000)
    assert partners.pledge_doubt(100_000_000, asked=0, total=8_000_000).over_asked  # type: ignore[union-attr]


async def test_a_plan_turned_into_a_decline_is_confirmed_first(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, pledge=3_000_000)
    reason = "Anggaran dinas tahun ini sudah habis terpakai"
    with pytest.raises(InvalidInput) as caught:
        await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, decline_reason=reason)
    assert caught.value.message == partners.SWITCH_TO_DECLINE
    async with db.transaction() as s:
        row = (
            await s.exec(select(ProposalPartner).where(ProposalPartner.mitra_id == world.dinas))
        ).one()
    assert (row.answer, row.plan_kind) == ("pledged", "cash")
    await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, decline_reason=reason,
              drop_plan=True)  # fmt: skip
    async with db.transaction() as s:
        row = (
            await s.exec(select(ProposalPartner).where(ProposalPartner.mitra_id == world.dinas))
        ).one()
        audit = (
            await s.exec(select(AuditLog).where(AuditLog.action == "proposal.mitra_declined"))
        ).one()
    assert (row.answer, row.plan_kind, row.pledged_amount, row.note) == (
        "declined",
        None,
        None,
        reason,
    )
    assert audit.detail["replaced"] == "pledged"


async def test_partners_answer_after_a_tranche_and_are_told_when_it_closes(db, clock):
    world = await f.seed(db, clock)
    pid = await _approved(db, clock, world)
    await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
              amount=25_000_000, tranche=1)  # fmt: skip
    answered = await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid,
                         pledge=2_000_000)  # not cut off by the disbursement  # fmt: skip
    assert answered.changed
    await _do(db, clock, world, "fasilitator", review.start, pid)
    await _all_files(db, clock, world, pid, who="fasilitator")
    await f.clear_outbox(db)
    await _do(db, clock, world, "fasilitator", completion.finish, pid)
    async with db.transaction() as s:
        closed = (await s.exec(select(Outbox).where(Outbox.kind == "proposal.closed"))).all()
    assert {o.person_id for o in closed} == {world.people["mitra"], world.people["mitra_peduli"]}
    english = next(o for o in closed if o.person_id == world.people["mitra_peduli"])
    assert "Universitas Pasundan" in english.text
    with pytest.raises(InvalidTransition, match="tidak lagi dapat"):
        await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, pledge=3_000_000)
