"""Real crowds on a real network: everyone at once, each person in order, no reply lost.

The simulator keeps Telegram's limits on here (about 30 messages a second overall, about one a
second per chat after a short burst): a 429 must be waited out and the reply sent again.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlmodel import func, select

from bot.domain import areas, invites
from bot.domain.actors import SYSTEM
from bot.simulator import SimUser
from storage.models import Person, Proposal, RoleGrant
from tests.e2e.conftest import World, eventually
from tests.e2e.test_proposal_form import answers, fill, members, question_of, start_form

ONBOARDED = "Pendaftaran selesai"


async def _shared_invite(world: World, uses: int) -> str:
    async with world.db.transaction() as s:
        bkm = await areas.find_bkm(s, "BKM Sukamaju")
        invite = await invites.create_invite(
            s, world.clock, SYSTEM, role=invites.Role.ANGGOTA, bkm=bkm, max_uses=uses
        )
        return invite.token


async def _onboard(user: SimUser, token: str) -> None:
    """What a person at the meeting does with the link: every step waits for its answer."""
    await user.send(f"/start {token}")
    notice = await user.reply(timeout=60)
    await user.press(notice, "Saya setuju")
    name = await user.reply(timeout=60)
    await user.press(name, "Ya, benar")
    language = await user.reply(timeout=60)
    await user.press(language, "Bahasa Indonesia")
    while ONBOARDED not in (await user.reply(timeout=60)).plain:
        pass


@pytest.mark.parametrize("latency", [0.0, 0.1], ids=["loopback", "100ms"])
async def test_thirty_people_opening_one_invite_at_once_all_finish_onboarding(
    world: World, latency: float
):
    world.sim.latency = latency
    token = await _shared_invite(world, uses=30)
    people = [world.sim.user(5000 + i, first_name=f"Warga{i}") for i in range(30)]

    await asyncio.gather(*(_onboard(p, token) for p in people))

    async with world.db.transaction() as s:
        registered = (
            await s.exec(
                select(func.count()).select_from(Person).where(Person.onboarding_step == None)  # noqa: E711
            )
        ).one()
        grants = (await s.exec(select(func.count()).select_from(RoleGrant))).one()
    assert registered == 30 and grants == 30
    # Nobody got an apology instead of their next question.
    assert not any("gangguan" in m.plain for p in people for m in p.inbox)


async def test_a_burst_of_answers_is_answered_in_order_while_429s_are_absorbed(world: World):
    (koordinator,) = await members(world, (6100, invites.Role.KOORDINATOR, "BKM Sukamaju"))
    await fill(koordinator, await start_form(koordinator), answers(), until="kk")
    world.sim.errors.clear()

    # The signal comes back: six typed answers arrive at once.
    burst = ["120", "45", "400", "210"]
    for text in burst:
        await koordinator.send(text)
    for step in ["kk_miskin", "jiwa", "perempuan", "rencana"]:
        await question_of(koordinator, step)

    async with world.db.transaction() as s:
        proposal = (await s.exec(select(Proposal))).one()
    assert (proposal.kk, proposal.kk_miskin, proposal.jiwa, proposal.perempuan) == (
        120, 45, 400, 210,
    )  # fmt: skip
    # Telegram did push back, and nothing was lost to it.
    assert any(code == 429 for _, code, _ in world.sim.errors)
    assert not any("gangguan" in m.plain for m in koordinator.inbox)


async def test_with_a_slow_network_one_persons_long_work_does_not_hold_up_another(world: World):
    siti, budi = await members(
        world,
        (6201, invites.Role.KOORDINATOR, "BKM Sukamaju"),
        (6202, invites.Role.ANGGOTA, "BKM Sukamaju"),
    )
    world.sim.latency = 0.1  # every Bot API call now takes 100 ms, as over a real network
    loop = asyncio.get_running_loop()

    async def answered(user: SimUser, count: int) -> float:
        await user.replies(count, timeout=30)
        return loop.time()

    for _ in range(6):  # six requests at once: Telegram lets them out at about one a second
        await siti.send("/bantuan")
    siti_done = asyncio.create_task(answered(siti, 6))
    await eventually(lambda: len(siti.inbox) >= 1, within=20)
    await budi.send("/bantuan")
    budi_done = await answered(budi, 1)
    # Budi's one answer came while Siti's six were still going out: nobody waits behind another.
    assert budi_done < await siti_done


async def test_the_same_update_delivered_twice_at_once_is_handled_once(world: World):
    (siti,) = await members(world, (6301, invites.Role.KOORDINATOR, "BKM Sukamaju"))
    raw = {
        "update_id": 987654,
        "message": {
            "message_id": 77,
            "date": 0,
            "chat": {"id": siti.id, "type": "private", "first_name": "U6301"},
            "from": {"id": siti.id, "is_bot": False, "first_name": "U6301"},
            "text": "/usulan",
            "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        },
    }
    before = len(siti.inbox)
    # Telegram redelivers an update it thinks was lost: two copies are in flight together.
    for _ in range(2):
        await world.bot.frontend.feed(raw)
    await siti.reply()
    await siti.wait_idle()
    async with world.db.transaction() as s:
        drafts = (await s.exec(select(func.count()).select_from(Proposal))).one()
    first_questions = [m for m in siti.inbox[before:] if "Pertanyaan 1 dari" in m.plain]
    assert drafts == 1 and len(first_questions) == 1


async def test_a_button_press_delivered_twice_is_answered_and_tidied_once(world: World):
    (siti,) = await members(world, (6311, invites.Role.KOORDINATOR, "BKM Sukamaju"))
    await siti.send("/menu")
    menu = await siti.reply()
    update_id = await siti.press_data(menu, "menu:bantuan")
    (pending,) = [u for u in world.sim.updates.pending if u.update_id == update_id]
    await siti.reply()
    await siti.wait_idle()
    calls = len(world.sim.calls)
    # Telegram thought the press was lost and sends it again.
    await world.bot.frontend.feed(pending.body)
    await siti.send("/menu")  # handled after the repeat: this person's updates keep their order
    await siti.reply()
    # The first press was answered and its buttons removed; doing either again would get a 400
    # ("query is too old", "message is not modified"). Only the /menu reply went out.
    assert [m for m, _ in world.sim.calls[calls:] if m != "getUpdates"] == ["sendMessage"]
    world.sim.assert_no_errors()


async def test_someone_flooding_the_bot_is_asked_once_to_wait_and_others_are_unaffected(
    world: World,
):
    flooder, other = await members(
        world,
        (6401, invites.Role.ANGGOTA, "BKM Sukamaju"),
        (6402, invites.Role.ANGGOTA, "BKM Sukamaju"),
    )
    loop = asyncio.get_running_loop()
    for i in range(12):
        await flooder.send(f"halo {i}")
    await other.send("/bantuan")
    await other.reply(timeout=10)
    other_done = loop.time()
    # Every message is answered, in turn, at the pace Telegram allows one chat.
    await eventually(
        lambda: sum("belum mengerti" in m.plain for m in flooder.inbox) == 12, within=60
    )
    flooder_done = loop.time()
    waits = [m for m in flooder.inbox if "Mohon tunggu sebentar" in m.plain]
    assert len(waits) == 1  # said once, however long the backlog
    assert other_done < flooder_done
