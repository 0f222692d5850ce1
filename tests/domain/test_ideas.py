"""Ideas, the inviter's notice and English formatting, at the domain level on a real database."""

from __future__ import annotations

import json

import pytest
from sqlmodel import col, select

from bot.domain import ideas, invites, people, privacy
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from storage.idea_models import Idea, IdeaStatus
from storage.models import Bkm, Outbox, Person, Proposal, Role
from tests.domain.factories import actor, seed

IDEA = "Lampu jalan di gang RW 03 mati sejak bulan lalu. Usul dipasang PJU tenaga surya."


async def _outbox(db, person_id: int) -> list[str]:
    async with db.transaction() as s:
        rows = (
            await s.exec(
                select(Outbox).where(Outbox.person_id == person_id).order_by(col(Outbox.id))
            )
        ).all()
    return [r.text for r in rows]


async def _suggest(db, clock, world, text: str = IDEA) -> int:
    warga = await actor(db, world, "warga")
    async with db.transaction() as s:
        idea = await ideas.suggest(s, clock, warga, bkm_id=world.bkm, text=text, photo_file_id="F1")
    assert idea.id is not None
    return idea.id


async def test_a_warga_suggests_and_the_bkms_members_are_told(db, clock):
    world = await seed(db, clock)
    idea_id = await _suggest(db, clock, world)
    async with db.transaction() as s:
        idea = await s.get_one(Idea, idea_id)
    assert (idea.status, idea.photo_file_id, idea.bkm_id) == ("baru", "F1", world.bkm)
    for who in ("koordinator", "koordinator2", "anggota2"):
        assert any("Ide baru dari warga" in t for t in await _outbox(db, world.people[who]))
    assert await _outbox(db, world.people["warga"]) == []  # not told of their own idea
    assert await _outbox(db, world.people["koordinator_mks"]) == []  # another BKM
    async with db.transaction() as s:  # the author's own data (UU PDP) lists the idea
        data = await privacy.my_data(s, await s.get_one(Person, world.people["warga"]))
    assert json.loads(privacy.export_json(data))["ideas"][0]["text"] == IDEA


async def test_who_may_suggest_see_and_act(db, clock):
    world = await seed(db, clock)
    warga = await actor(db, world, "warga")
    async with db.transaction() as s:
        with pytest.raises(NotAllowed):  # only to their own BKM
            await ideas.suggest(s, clock, warga, bkm_id=world.bkm_mks, text=IDEA)
        with pytest.raises(InvalidInput):
            await ideas.suggest(s, clock, warga, bkm_id=world.bkm, text="jalan")
    idea_id = await _suggest(db, clock, world)
    other = await actor(db, world, "koordinator_mks")
    async with db.transaction() as s:
        with pytest.raises(NotFound):
            await ideas.view(s, other, idea_id)
        with pytest.raises(NotFound):
            await ideas.start_draft(s, clock, other, idea_id)
        assert await ideas.bkm_ideas(s, other) == []
        with pytest.raises(NotAllowed):  # the author sees it, but drafts are for members
            await ideas.start_draft(s, clock, warga, idea_id)
        with pytest.raises(NotAllowed):
            await ideas.bkm_ideas(s, warga)
        assert [i.id for i in await ideas.own_ideas(s, warga)] == [idea_id]
    anggota = await actor(db, world, "anggota2")
    async with db.transaction() as s:
        seen = await ideas.view(s, anggota, idea_id)
        assert seen.may_draft and not seen.may_decline  # declining is the koordinator's
        with pytest.raises(NotAllowed):
            await ideas.decline(s, clock, anggota, idea_id, reason="Sudah ada programnya tahun ini")


async def test_a_draft_from_an_idea_is_prefilled_and_the_author_told(db, clock):
    world = await seed(db, clock)
    idea_id = await _suggest(db, clock, world)
    anggota = await actor(db, world, "anggota2")
    async with db.transaction() as s:
        proposal = await ideas.start_draft(s, clock, anggota, idea_id)
        proposal_id = proposal.id
    async with db.transaction() as s:
        proposal = await s.get_one(Proposal, proposal_id)
        idea = await s.get_one(Idea, idea_id)
    assert proposal.status == "draf" and proposal.author_id == world.people["anggota2"]
    assert proposal.judul == "Lampu jalan di gang RW 03 mati sejak bulan lalu"
    assert proposal.uraian == IDEA and proposal.step not in ("judul", "uraian")
    assert idea.status == IdeaStatus.PROPOSED.value and idea.proposal_id == proposal_id
    told = await _outbox(db, world.people["warga"])
    assert len(told) == 1 and "sedang disusun menjadi usulan oleh BKM Sukamaju" in told[0]

    async with db.transaction() as s:  # a double tap: the same draft, nobody told twice
        again = await ideas.start_draft(s, clock, anggota, idea_id)
    assert again.id == proposal_id and len(await _outbox(db, world.people["warga"])) == 1
    koordinator = await actor(db, world, "koordinator")
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition):  # already taken up
            await ideas.start_draft(s, clock, koordinator, idea_id)

    # Filled in and submitted by the koordinator: the author hears the code and status, once.
    from bot.domain.proposals import submit
    from tests.domain.factories import answers, fill

    await fill(db, clock, anggota, proposal_id, answers(world))
    async with db.transaction() as s:
        result = await submit.submit(s, clock, koordinator, proposal_id)
    assert result.code is not None
    told = await _outbox(db, world.people["warga"])
    assert len(told) == 2 and result.code in told[1] and "Diajukan" in told[1]
    async with db.transaction() as s:  # told once: a second call finds it already said
        await ideas.proposal_submitted(s, clock, await s.get_one(Proposal, proposal_id))
    assert len(await _outbox(db, world.people["warga"])) == 2


async def test_an_open_draft_is_not_overwritten(db, clock):
    from bot.domain.proposals import form

    world = await seed(db, clock)
    idea_id = await _suggest(db, clock, world)
    koordinator = await actor(db, world, "koordinator")
    async with db.transaction() as s:
        draft = await form.start_or_resume_draft(s, clock, koordinator, world.bkm)
        assert draft.id is not None
        await form.answer_step(s, clock, koordinator, draft.id, step="judul", value="Jalan RW 05")
    async with db.transaction() as s:
        with pytest.raises(InvalidTransition, match="masih punya draf"):
            await ideas.start_draft(s, clock, koordinator, idea_id)
    async with db.transaction() as s:
        assert (await s.get_one(Idea, idea_id)).status == "baru"


async def test_the_koordinator_declines_with_a_reason(db, clock):
    world = await seed(db, clock)
    idea_id = await _suggest(db, clock, world)
    koordinator = await actor(db, world, "koordinator")
    async with db.transaction() as s:
        with pytest.raises(InvalidInput):
            await ideas.decline(s, clock, koordinator, idea_id, reason="x")
        with pytest.raises(InvalidInput):
            await ideas.decline(s, clock, koordinator, idea_id, reason="ok deh")
    reason = "Sudah masuk program Dinas PU tahun ini."
    async with db.transaction() as s:
        await ideas.decline(s, clock, koordinator, idea_id, reason=reason)
    async with db.transaction() as s:
        idea = await s.get_one(Idea, idea_id)
    assert idea.status == IdeaStatus.NOT_PURSUED.value and idea.reason == reason
    told = await _outbox(db, world.people["warga"])
    assert len(told) == 1 and "tidak dilanjutkan" in told[0] and reason in told[0]


async def test_the_inviter_is_told_once_when_someone_joins(db, clock):
    world = await seed(db, clock)
    koordinator = await actor(db, world, "koordinator")
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, world.bkm)
        invite = await invites.create_invite(s, clock, koordinator, role=Role.WARGA, bkm=bkm)
        token = invite.token
    async with db.transaction() as s:
        person, _ = await people.register_with_invite(
            s, clock, telegram_id=9001, name="Pak Ujang", language_code="id", token=token,
            notice_version="t",
        )  # fmt: skip
        person.onboarding_step = None
        assert await invites.tell_inviters(s, clock, person) == 1
        assert await invites.tell_inviters(s, clock, person) == 0
    told = await _outbox(db, world.people["koordinator"])
    assert told == [
        "✅ Pak Ujang sudah bergabung sebagai Warga / relawan (BKM Sukamaju) lewat undangan Bapak/Ibu."
    ]


async def test_an_invite_is_offered_to_a_registered_person_before_it_is_used(db, clock):
    world = await seed(db, clock)
    koordinator = await actor(db, world, "koordinator")
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, world.bkm)
        token = (
            await invites.create_invite(s, clock, koordinator, role=Role.ANGGOTA, bkm=bkm)
        ).token
    async with db.transaction() as s:
        warga = await s.get_one(Person, world.people["warga"])
        offer = await invites.offer(s, clock, token, warga)
        assert (offer.role, offer.scope, offer.held) == (Role.ANGGOTA, "BKM Sukamaju", False)
        koordinator_person = await s.get_one(Person, world.people["koordinator"])
        # Separation of duties: nobody takes a role through a link they made themself.
        with pytest.raises(NotAllowed, match="buat sendiri"):
            await invites.offer(s, clock, token, koordinator_person)
    async with db.transaction() as s:  # offering wrote nothing
        assert (await s.exec(select(Outbox).where(Outbox.kind == "invite.joined"))).first() is None


async def test_a_discarded_draft_leaves_the_idea_open_again(db, clock):
    from bot.domain.proposals import form

    world = await seed(db, clock)
    idea_id = await _suggest(db, clock, world)
    anggota = await actor(db, world, "anggota2")
    async with db.transaction() as s:
        proposal = await ideas.start_draft(s, clock, anggota, idea_id)
        assert proposal.id is not None
        proposal_id = proposal.id
    async with db.transaction() as s:
        await form.discard_draft(s, clock, anggota, proposal_id)  # the foreign key lets go
    async with db.transaction() as s:
        seen = await ideas.view(s, anggota, idea_id)
        assert seen.may_draft and seen.status == IdeaStatus.NEW.value
        again = await ideas.start_draft(s, clock, anggota, idea_id)
        assert again.id is not None and again.judul is not None
