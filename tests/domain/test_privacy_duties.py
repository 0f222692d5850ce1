"""Separation of duties: nobody redeems an invite they made, and nobody checks, decides, pays
or closes a proposal of a BKM they belong to."""

from __future__ import annotations

import pytest
from sqlmodel import select

from bot.domain import invites, people
from bot.domain.actors import SYSTEM
from bot.domain.errors import NotAllowed
from bot.domain.proposals import completion, decision, disbursement, lifecycle, review
from bot.domain.proposals.lifecycle import allowed_actions
from storage.models import Bkm, Invite, InviteRedemption, Kota, Person, Proposal, Role, RoleGrant
from tests.domain import factories as f
from tests.domain.test_proposals_decision import verified


async def _do(db, clock, world, who, fn, pid, **kw):
    async with db.transaction() as s:
        return await fn(s, clock, await f.actor(db, world, who), pid, **kw)


async def _join_bkm(db, clock, world, telegram_id: int, role: Role) -> None:
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, world.bkm)
        await people.grant_role(s, clock, SYSTEM, telegram_id=telegram_id, role=role, bkm=bkm)


async def _fasilitator_invite(db, clock, world) -> str:
    """A koordinator invite for BKM Sukamaju, made by Bandung's fasilitator (201)."""
    fasilitator = await f.actor(db, world, "fasilitator")
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, world.bkm)
        invite = await invites.create_invite(s, clock, fasilitator, role=Role.KOORDINATOR, bkm=bkm)
        return invite.token


async def test_nobody_redeems_an_invite_they_made(db, clock):
    world = await f.seed(db, clock)
    token = await _fasilitator_invite(db, clock, world)
    async with db.transaction() as s:
        person = await s.get_one(Person, world.people["fasilitator"])
        with pytest.raises(NotAllowed) as offered:
            await invites.offer(s, clock, token, person)
    assert "buat sendiri" in f.said(offered.value)
    with pytest.raises(NotAllowed, match="buat sendiri"):
        async with db.transaction() as s:
            await people.register_with_invite(
                s, clock, telegram_id=201, name="Fasil", language_code="id", token=token,
                notice_version="v1",
            )  # fmt: skip
    async with db.transaction() as s:
        invite = (await s.exec(select(Invite).where(Invite.token == token))).one()
        redemptions = (await s.exec(select(InviteRedemption))).all()
        grants = (
            await s.exec(
                select(RoleGrant).where(RoleGrant.person_id == world.people["fasilitator"])
            )
        ).all()
    assert invite.uses == 0 and redemptions == []  # the use was not spent
    assert [g.role for g in grants] == ["fasilitator"]
    # Someone else still can: the link is only refused to its maker.
    async with db.transaction() as s:
        other, _ = await people.register_with_invite(
            s, clock, telegram_id=9001, name="Bu Rina", language_code="id", token=token,
            notice_version="v1",
        )  # fmt: skip
    assert other.id is not None


async def test_a_fasilitator_who_is_in_the_bkm_may_not_review_its_proposal(db, clock):
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    await _join_bkm(db, clock, world, 201, Role.ANGGOTA)
    fasilitator = await f.actor(db, world, "fasilitator")
    proposal = await f.load(db, pid)
    assert lifecycle.belongs_to_bkm_of(fasilitator, proposal)
    assert not lifecycle.is_fasilitator_of(fasilitator, proposal)
    assert allowed_actions(proposal, fasilitator) == ()  # no buttons offered
    for fn, kw in ((review.check, {}), (review.request_revision, {"note": "Mohon lengkapi RAB."})):
        with pytest.raises(NotAllowed) as refused:
            await _do(db, clock, world, "fasilitator", fn, pid, **kw)
        assert f.said(refused.value) == lifecycle.NOT_INDEPENDENT
    assert (await f.load(db, pid)).status == "diajukan"
    # The other fasilitator of the kota (no BKM) still can: only the member is held back.
    async with db.transaction() as s:
        bandung = await s.get_one(Kota, world.kota)
        await people.grant_role(s, clock, SYSTEM, telegram_id=9002, role=Role.FASILITATOR,
                                kota=bandung)  # fmt: skip
        other = await s.exec(select(Person).where(Person.telegram_id == 9002))
        world.people["fasilitator_lain"] = other.one().id  # type: ignore[assignment]
    outcome = await _do(db, clock, world, "fasilitator_lain", review.check, pid)
    assert outcome.changed


async def test_a_secretary_who_is_in_the_bkm_may_not_record_its_decision(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    await _join_bkm(db, clock, world, 502, Role.KOORDINATOR)
    with pytest.raises(NotAllowed) as refused:
        await _do(db, clock, world, "sekretaris", decision.approve, pid, amount=10_000_000,
                  meeting_date=clock.now().date())  # fmt: skip
    assert f.said(refused.value) == lifecycle.NOT_INDEPENDENT
    # As koordinator they may still withdraw it; as secretary nothing is offered.
    offered = allowed_actions(await f.load(db, pid), await f.actor(db, world, "sekretaris"))
    assert offered == (lifecycle.Action.WITHDRAW,)
    assert (await f.load(db, pid)).status == "ditinjau"


async def test_an_admin_in_the_bkm_is_held_back_too(db, clock):
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    async with db.transaction() as s:
        await people.grant_role(s, clock, SYSTEM, telegram_id=201, role=Role.ADMIN)
    await _join_bkm(db, clock, world, 201, Role.KOORDINATOR)
    with pytest.raises(NotAllowed):
        await _do(db, clock, world, "fasilitator", review.check, pid)


async def test_money_and_closing_are_refused_to_a_member_as_well(db, clock):
    world = await f.seed(db, clock)
    pid = await verified(db, clock, world)
    await _do(db, clock, world, "sekretaris", decision.approve, pid, amount=10_000_000,
              meeting_date=clock.now().date())  # fmt: skip
    await _join_bkm(db, clock, world, 201, Role.ANGGOTA)
    with pytest.raises(NotAllowed, match="anggota BKM pengusul"):
        await _do(db, clock, world, "fasilitator", disbursement.record_tranche, pid,
                  amount=4_000_000, tranche=1)  # fmt: skip
    async with db.transaction() as s:
        fasilitator = await f.actor(db, world, "fasilitator")
        with pytest.raises(NotAllowed, match="anggota BKM pengusul"):
            await completion.check_finish(s, fasilitator, pid)
    async with db.transaction() as s:
        assert (await s.get_one(Proposal, pid)).disbursed_amount == 0


async def test_a_member_without_the_role_gets_the_usual_refusal(db, clock):
    """The separation-of-duties reason is given only to someone who holds the role."""
    world = await f.seed(db, clock)
    pid, _code = await f.submitted(db, clock, world)
    with pytest.raises(NotAllowed) as refused:
        await _do(db, clock, world, "koordinator", review.check, pid)
    assert f.said(refused.value) == review.ONLY_FASILITATOR
