"""The fasilitator's actions, the transition table, and the mitra's answers."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals import attachments, lifecycle, partners, queries, review
from bot.domain.proposals.lifecycle import Action, ProposalStatus, allowed_actions
from storage.models import AuditLog, ProposalEvent, ProposalPartner
from tests.domain import factories as f


async def _do(db, clock, world, who, fn, pid, **kw):
    async with db.transaction() as s:
        return await fn(s, clock, await f.actor(db, world, who), pid, **kw)


def _who(fn) -> str:
    """The committee's secretary records decisions; the fasilitator does the rest."""
    return "sekretaris" if fn in (review.approve, review.waitlist, review.reject) else "fasilitator"


async def _in_review(db, clock, world, **overrides):
    pid, code = await f.submitted(db, clock, world, **overrides)
    await _do(db, clock, world, "fasilitator", review.check, pid)
    await _do(db, clock, world, "fasilitator", review.complete, pid)
    return pid, code


async def _attach_progress_files(db, clock, world, pid):
    """A progress photo at 0 %, 50 % and 100 % and the LPJ as a document, by the koordinator."""
    for n, stage in enumerate(attachments.STAGES):
        kind = "document" if stage == attachments.LPJ else "photo"
        await _do(db, clock, world, "koordinator", attachments.attach, pid, stage=stage,
                  file_id=f"file-{n}", kind=kind,
                  file_name="lpj.pdf" if kind == "document" else None)  # fmt: skip


async def test_the_whole_way_to_completion(db, clock):
    world = await f.seed(db, clock)
    pid, code = await _in_review(db, clock, world)
    steps = [
        (review.approve, {"amount": 10_000_000}, "disetujui"),
        (review.disburse, {"amount": 4_000_000, "tranche": 1}, "dana_cair"),
        (review.disburse, {"amount": 3_000_000, "tranche": 2}, "dana_cair"),
        (review.start, {}, "dilaksanakan"),
        (review.disburse, {"amount": 3_000_000, "tranche": 3}, "dilaksanakan"),
        (review.finish, {}, "selesai"),
    ]
    for fn, kw, status in steps:
        if fn is review.finish:
            # Finishing needs the progress photos and the LPJ first (the money is all out).
            with pytest.raises(InvalidTransition, match="lampirkan dulu foto kemajuan"):
                await _do(db, clock, world, "fasilitator", fn, pid)
            await _attach_progress_files(db, clock, world, pid)
        outcome = await _do(db, clock, world, _who(fn), fn, pid, **kw)
        assert outcome.changed and outcome.proposal.status == status
    p = await f.load(db, pid)
    assert (p.approved_amount, p.disbursed_amount) == (10_000_000, 10_000_000)
    async with db.transaction() as s:
        view = await queries.get_view(s, await f.actor(db, world, "koordinator"), code)
        audits = (await s.exec(select(AuditLog).where(AuditLog.entity == "proposal"))).all()
    assert [(e.kind, e.to_status, e.amount) for e in view.timeline][4:] == [
        ("status", "disetujui", 10_000_000),
        ("tranche", "dana_cair", 4_000_000),
        ("tranche", "dana_cair", 3_000_000),
        ("status", "dilaksanakan", None),
        ("tranche", "dilaksanakan", 3_000_000),
        ("status", "selesai", None),
    ]
    assert [e.actor_label for e in view.timeline[2:]] == [
        "fasilitator:Bandung", "fasilitator:Bandung", "sekretaris:Bandung",
        *["fasilitator:Bandung"] * 5,
    ]  # fmt: skip
    transitions = [a for a in audits if a.action.split(".")[1] in {x.value for x in Action}]
    assert [a.action for a in transitions] == [
        "proposal.submit", "proposal.check", "proposal.complete", "proposal.approve",
        "proposal.disburse", "proposal.disburse", "proposal.start", "proposal.disburse",
        "proposal.finish",
    ]  # fmt: skip
    assert transitions[-2].detail["tranche"] == 3 and transitions[-2].actor_label.startswith(
        "fasilitator"
    )


@pytest.mark.parametrize(
    ("fn", "kw", "status"),
    [
        (review.request_revision, {"note": "RAB belum lengkap"}, "perlu_perbaikan"),
        (review.waitlist, {"note": "Dana tahun ini habis"}, "daftar_tunggu"),
        (review.reject, {"reason": "Bukan kegiatan Tridaya"}, "ditolak"),
    ],
)
async def test_review_decisions(db, clock, fn, kw, status):
    world = await f.seed(db, clock)
    pid, _ = await _in_review(db, clock, world)
    outcome = await _do(db, clock, world, _who(fn), fn, pid, **kw)
    assert outcome.proposal.status == status
    async with db.transaction() as s:
        last = (await s.exec(select(ProposalEvent).order_by(ProposalEvent.id.desc()))).first()  # type: ignore[union-attr]
    assert last.note == next(iter(kw.values())) and last.from_status == "ditinjau"


async def test_a_waitlisted_proposal_can_be_approved_or_rejected_later(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await _in_review(db, clock, world)
    await _do(db, clock, world, "sekretaris", review.waitlist, pid)
    assert set(allowed_actions(await f.load(db, pid), await f.actor(db, world, "sekretaris"))) == {
        Action.APPROVE, Action.REJECT,
    }  # fmt: skip
    outcome = await _do(db, clock, world, "sekretaris", review.approve, pid, amount=9_000_000)
    assert outcome.proposal.status == "disetujui"


async def test_revision_may_be_asked_from_each_stage_before_a_decision(db, clock):
    world = await f.seed(db, clock)
    for stage in ("diajukan", "diperiksa", "ditinjau"):
        pid, _ = await f.submitted(db, clock, world)
        if stage != "diajukan":
            await _do(db, clock, world, "fasilitator", review.check, pid)
        if stage == "ditinjau":
            await _do(db, clock, world, "fasilitator", review.complete, pid)
        note = "Mohon perbaiki RAB-nya"
        await _do(db, clock, world, "fasilitator", review.request_revision, pid, note=note)
        p = await f.load(db, pid)
        assert p.status == "perlu_perbaikan" and p.step == "ringkasan"


@pytest.mark.parametrize(
    ("fn", "kw"),
    [
        (review.complete, {}),  # not checked yet (decisions: tests/domain/test_proposals_decision)
        (review.disburse, {"amount": 1_000_000, "tranche": 1}),
        (review.start, {}),
        (review.finish, {}),
    ],
)
async def test_moves_the_life_cycle_does_not_have_are_refused(db, clock, fn, kw):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    with pytest.raises(InvalidTransition, match="sedang berstatus"):
        await _do(db, clock, world, "fasilitator", fn, pid, **kw)
    assert (await f.load(db, pid)).status == "diajukan"


async def test_a_draft_is_not_reviewed_and_a_closed_one_stays_closed(db, clock):
    world = await f.seed(db, clock)
    draft_id = await f.draft(db, clock, world)
    with pytest.raises(NotFound):  # a fasilitator does not see drafts at all
        await _do(db, clock, world, "fasilitator", review.check, draft_id)
    pid, _ = await _in_review(db, clock, world)
    await _do(
        db, clock, world, "sekretaris", review.reject, pid, reason="Tidak layak didanai PAKET"
    )
    for fn, kw in (
        (review.approve, {"amount": 5}),
        (review.request_revision, {"note": "Mohon lengkapi RAB-nya"}),
    ):
        with pytest.raises(InvalidTransition):
            await _do(db, clock, world, _who(fn), fn, pid, **kw)


async def test_a_double_tap_is_a_no_op(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    first = await _do(db, clock, world, "fasilitator", review.check, pid)
    second = await _do(db, clock, world, "fasilitator", review.check, pid)
    assert (first.changed, second.changed) == (True, False)
    await _do(db, clock, world, "fasilitator", review.complete, pid)
    await _do(db, clock, world, "sekretaris", review.approve, pid, amount=10_000_000)
    again = await _do(db, clock, world, "sekretaris", review.approve, pid, amount=10_000_000)
    assert again.changed is False
    with pytest.raises(InvalidTransition, match="sudah berstatus"):
        await _do(db, clock, world, "sekretaris", review.approve, pid, amount=9_000_000)
    # A partner's answer in between does not hide that the approval was already made.
    await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, pledge=1_000_000,
              decline_reason=None)  # fmt: skip
    again = await _do(db, clock, world, "sekretaris", review.approve, pid, amount=10_000_000)
    assert again.changed is False
    assert (await f.audit_actions(db)).count("proposal.check") == 1
    assert (await f.audit_actions(db)).count("proposal.approve") == 1


async def test_notes_and_amounts_are_checked(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await _in_review(db, clock, world)
    for fn, kw, says in (
        (review.request_revision, {"note": "   "}, "catatan atau alasannya"),
        (review.request_revision, {"note": "ok"}, "sedikit lebih lengkap"),
        (review.request_revision, {"note": "a b c"}, "sedikit lebih lengkap"),
        (review.reject, {"reason": ""}, "catatan atau alasannya"),
        (review.reject, {"reason": "x"}, "sedikit lebih lengkap"),
        (review.reject, {"reason": "kata " * 250}, "paling banyak"),
        (review.approve, {"amount": 0}, "lebih dari nol"),
        (review.approve, {"amount": 15_000_001}, "tidak boleh lebih dari anggaran total"),
    ):
        with pytest.raises(InvalidInput, match=says):
            await _do(db, clock, world, _who(fn), fn, pid, **kw)
    assert (await f.load(db, pid)).status == "ditinjau"


async def test_tranches_never_exceed_the_approved_amount(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await _in_review(db, clock, world)
    await _do(db, clock, world, "sekretaris", review.approve, pid, amount=10_000_000)

    async def tranche(n, amount):
        return await _do(db, clock, world, "fasilitator", review.disburse, pid, amount=amount,
                         tranche=n)  # fmt: skip

    with pytest.raises(InvalidInput, match="melebihi sisa"):
        await tranche(1, 10_000_001)
    with pytest.raises(InvalidInput) as caught:
        await tranche(2, 1_000_000)
    assert f.said(caught.value) == "Tahap berikutnya adalah tahap 1."
    assert (await tranche(1, 6_000_000)).changed
    assert not (await tranche(1, 6_000_000)).changed  # the same tranche recorded twice
    with pytest.raises(InvalidTransition, match="sudah dicatat"):
        await tranche(1, 5_000_000)
    with pytest.raises(InvalidInput) as caught:
        await tranche(2, 4_000_001)
    assert "Sisa yang dapat dicairkan: Rp4.000.000." in f.said(caught.value)
    await tranche(2, 4_000_000)
    p = await f.load(db, pid)
    assert p.disbursed_amount == 10_000_000 and p.status == "dana_cair"
    assert Action.DISBURSE not in allowed_actions(p, await f.actor(db, world, "fasilitator"))


@pytest.mark.parametrize(
    ("who", "error"),
    [
        ("fasilitator_jpr", NotFound),  # another kota: cannot even see it
        ("koordinator", NotAllowed),  # sees it, may not review it
        ("anggota", NotAllowed),
        ("koordinator_mks", NotFound),
        ("mitra", NotFound),  # channelled only after the completeness check
        ("warga", NotFound),
    ],
)
async def test_only_the_kota_fasilitator_reviews(db, clock, who, error):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    with pytest.raises(error):
        await _do(db, clock, world, who, review.check, pid)
    assert (await f.load(db, pid)).status == "diajukan"


def test_allowed_actions_follow_the_table():
    from bot.domain.actors import Actor, Grant
    from storage.models import Proposal, Role

    fas = Actor(1, "F", (Grant(Role.FASILITATOR, kota_id=1, scope_name="Bandung"),))
    koo = Actor(2, "K", (Grant(Role.KOORDINATOR, kota_id=1, bkm_id=1, scope_name="BKM"),))
    other = Actor(3, "O", (Grant(Role.FASILITATOR, kota_id=2, scope_name="Jayapura"),))

    def actions(status, actor):
        p = Proposal(bkm_id=1, kota_id=1, status=status, approved_amount=10, disbursed_amount=0)
        return set(allowed_actions(p, actor))

    S = ProposalStatus
    assert actions(S.SUBMITTED, fas) == {Action.CHECK, Action.REVISE}
    assert actions(S.CHECKING, fas) == {Action.COMPLETE, Action.REVISE}
    # The fasilitator verifies; the decision is the committee's, recorded by its secretary.
    sek = Actor(4, "S", (Grant(Role.SEKRETARIS, kota_id=1, scope_name="Bandung"),))
    assert actions(S.IN_REVIEW, fas) == {Action.REVISE}
    assert actions(S.IN_REVIEW, sek) == {Action.APPROVE, Action.WAITLIST, Action.REJECT}
    assert actions(S.WAITLISTED, sek) == {Action.APPROVE, Action.REJECT}
    assert actions(S.WAITLISTED, fas) == set()
    assert actions(S.APPROVED, fas) == {Action.DISBURSE}
    assert actions(S.DISBURSED, fas) == {Action.DISBURSE, Action.START}
    assert actions(S.IN_PROGRESS, fas) == {Action.DISBURSE, Action.FINISH}
    assert actions(S.DRAFT, koo) == {Action.SUBMIT}
    assert actions(S.NEEDS_REVISION, koo) == {Action.RESUBMIT, Action.WITHDRAW}
    assert actions(S.IN_REVIEW, koo) == {Action.WITHDRAW}
    for closed in (S.REJECTED, S.COMPLETED, S.WITHDRAWN):
        assert actions(closed, fas) == actions(closed, koo) == set()
    assert all(actions(s, other) == set() for s in S)
    assert set(lifecycle.STATUS_LABELS) == set(S)
    for action in Action:
        assert len(f"p:do:{action.value}:2147483647".encode()) <= 64


# --- mitra ------------------------------------------------------------------------------------


async def test_mitra_pledge_and_decline_are_separate_records(db, clock):
    world = await f.seed(db, clock)
    pid, code = await _in_review(db, clock, world)
    async with db.transaction() as s:
        queue = await partners.mitra_queue(s, await f.actor(db, world, "mitra"))
    assert [q.code for q in queue] == [code]
    pledged = await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid,
                        pledge=5_000_000, decline_reason=None)  # fmt: skip
    declined = await _do(db, clock, world, "mitra_peduli", partners.answer_as_mitra, pid,
                         pledge=None, decline_reason="Anggaran CSR tahun ini habis")  # fmt: skip
    assert pledged.changed and declined.changed
    async with db.transaction() as s:
        view = await queries.get_view(s, await f.actor(db, world, "koordinator"), code)
        queue = await partners.mitra_queue(s, await f.actor(db, world, "mitra"))
    assert queue == []
    assert [(p.name, p.answer, p.pledged_amount, p.note) for p in view.partners] == [
        ("Dinas PUPR Kota Bandung", "pledged", 5_000_000, None),
        ("Universitas Pasundan", "declined", None, "Anggaran CSR tahun ini habis"),
    ]
    assert [(e.kind, e.actor_label, e.amount) for e in view.timeline[-2:]] == [
        ("plan_cash", "mitra:Dinas PUPR Kota Bandung", 5_000_000),
        ("decline", "mitra:Universitas Pasundan", None),
    ]
    assert (await f.audit_actions(db))[-2:] == ["proposal.mitra_pledged", "proposal.mitra_declined"]


async def test_a_mitra_answer_repeated_is_a_no_op_and_a_change_is_recorded(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await _in_review(db, clock, world)

    async def answer(**kw):
        kw = {"pledge": None, "decline_reason": None, **kw}
        return await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, **kw)

    assert (await answer(pledge=5_000_000)).changed
    assert not (await answer(pledge=5_000_000)).changed
    assert (await answer(pledge=7_000_000)).changed  # the budget grew: allowed, and kept
    async with db.transaction() as s:
        row = (await s.exec(select(ProposalPartner).where(
            ProposalPartner.mitra_id == world.dinas))).one()  # fmt: skip
        amounts = [e.amount for e in (await s.exec(select(ProposalEvent))).all() if e.amount]
    assert row.pledged_amount == 7_000_000 and row.answered_by_label.startswith("mitra:")
    assert amounts == [5_000_000, 7_000_000]
    for kw, says in (({}, "Mohon pilih"), ({"pledge": 1, "decline_reason": "x"}, "Mohon pilih"),
                     ({"pledge": 0}, "lebih dari nol"),
                     ({"decline_reason": " "}, "catatan atau alasannya")):  # fmt: skip
        with pytest.raises(InvalidInput, match=says):
            await answer(**kw)


async def test_only_channelled_mitra_answer_and_only_while_open(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await f.submitted(db, clock, world)
    kw = {"pledge": 1_000_000, "decline_reason": None}
    with pytest.raises(NotFound):  # before the completeness check it is not channelled yet
        await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, **kw)
    await _do(db, clock, world, "fasilitator", review.check, pid)
    await _do(db, clock, world, "fasilitator", review.complete, pid)
    with pytest.raises(NotFound):  # Dinas Sosial was not chosen
        await _do(db, clock, world, "mitra_other", partners.answer_as_mitra, pid, **kw)
    with pytest.raises(NotAllowed):  # the fasilitator sees it but is no partner
        await _do(db, clock, world, "fasilitator", partners.answer_as_mitra, pid, **kw)
    await _do(
        db, clock, world, "sekretaris", review.reject, pid, reason="Tidak layak didanai PAKET"
    )
    with pytest.raises(InvalidTransition, match="tidak lagi dapat"):
        await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, **kw)


async def test_a_decline_is_checked_before_it_is_shown_back_and_nothing_is_written(db, clock):
    world = await f.seed(db, clock)
    pid, _ = await _in_review(db, clock, world)

    async def check(who="mitra_peduli", reason="Anggaran CSR tahun ini habis"):
        async with db.transaction() as s:  # no clock: it writes nothing
            actor = await f.actor(db, world, who)
            return await partners.check_decline(s, actor, pid, reason=reason)

    checked = await check()
    assert (checked.mitra, checked.reason, checked.replaces_plan) == (
        "Universitas Pasundan", "Anggaran CSR tahun ini habis", False,
    )  # fmt: skip
    with pytest.raises(InvalidInput, match="sedikit lebih lengkap"):
        await check(reason="x")
    with pytest.raises(InvalidInput, match="paling banyak") as too_long:  # the column holds 500
        await check(reason="Anggaran kami habis " * 30)
    assert too_long.value.params["max"] == 500
    # A plan given before: the confirmation says it will be dropped.
    await _do(db, clock, world, "mitra", partners.answer_as_mitra, pid, pledge=4_000_000)
    assert (await check(who="mitra", reason="Anggaran dinas sudah habis")).replaces_plan
    async with db.transaction() as s:
        rows = (await s.exec(select(ProposalPartner).order_by(ProposalPartner.mitra_id))).all()
    assert [(r.answer, r.note) for r in rows] == [("pledged", None), (None, None)]
    assert "proposal.mitra_declined" not in await f.audit_actions(db)
    await _do(db, clock, world, "sekretaris", review.reject, pid,
              reason="Tidak layak didanai PAKET")  # fmt: skip
    with pytest.raises(InvalidTransition, match="tidak lagi dapat"):
        await check()
