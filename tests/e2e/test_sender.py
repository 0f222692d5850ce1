"""The outbox sender against the simulator: delivery, pacing, 429 and blocked people."""

from __future__ import annotations

from sqlmodel import select

from bot.domain import outbox
from bot.domain.actors import person_by_telegram
from bot.ui import Button, keyboard
from storage.models import Outbox, Person, Role
from tests.e2e.conftest import World, eventually


async def _queue(world: World, telegram_id: int, texts: list[str]) -> None:
    async with world.db.transaction() as s:
        person = await person_by_telegram(s, telegram_id)
        assert person is not None
        for text in texts:
            outbox.enqueue(
                s,
                world.clock,
                person,
                kind="test",
                text=text,
                buttons=keyboard(Button("Lihat", data="menu:status")),
            )
    world.bot.runtime.sender.wake()


async def _rows(world: World) -> list[Outbox]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(Outbox).order_by(Outbox.id))).all())


async def _all_status(world: World, status: str) -> bool:
    return all(r.status == status for r in await _rows(world))


async def test_queued_messages_arrive_in_order_with_buttons_and_are_marked_sent(world: World):
    siti = world.sim.user(6001, first_name="Siti")
    await world.register(siti, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await _queue(world, 6001, ["satu <b>1</b>", "dua", "tiga"])
    got = await siti.replies(3, timeout=10)
    assert [m.plain for m in got] == ["satu 1", "dua", "tiga"]
    assert got[0].button_labels() == ["Lihat"]
    await eventually(lambda: _all_status(world, "sent"))
    rows = await _rows(world)
    assert [r.message_id for r in rows] == [m.message_id for m in got]


async def test_sender_paces_itself_and_survives_429(world: World):
    budi = world.sim.user(6002, first_name="Budi")
    await world.register(budi, Role.ANGGOTA, bkm="BKM Sukamaju")
    # Stricter than the sender's own pace (1/s): Telegram answers 429 and the sender must wait.
    world.sim.set_limits(
        per_chat_per_second=0.5, per_chat_burst=1, global_per_second=30, global_burst=30
    )
    await _queue(world, 6002, [f"pesan {i}" for i in range(3)])
    got = await budi.replies(3, timeout=20)
    assert [m.plain for m in got] == ["pesan 0", "pesan 1", "pesan 2"]
    await eventually(lambda: _all_status(world, "sent"))
    assert any(code == 429 for _method, code, _d in world.sim.errors)


async def test_blocked_person_is_marked_unreachable_and_not_retried(world: World):
    rina = world.sim.user(6003, first_name="Rina")
    await world.register(rina, Role.ANGGOTA, bkm="BKM Sukamaju")
    # A deleted account answers 403 like a block, but Telegram sends no my_chat_member for it:
    # only the sender's own 403 can tell.
    world.sim.blocked.add(6003)
    await _queue(world, 6003, ["a", "b"])

    await eventually(lambda: _all_status(world, "dropped"))
    async with world.db.transaction() as s:
        person = (await s.exec(select(Person).where(Person.telegram_id == 6003))).one()
        assert person.unreachable_at is not None
        # Nothing more is queued for an unreachable person.
        assert outbox.enqueue(s, world.clock, person, kind="test", text="c") is None
    sends = [
        c
        for c in world.sim.calls_to("sendMessage")
        if c.get("chat_id") == 6003 and c["text"] in "ab"
    ]
    assert len(sends) == 1  # the first 403 dropped the second row without another attempt


async def test_blocking_the_bot_is_noticed_and_the_facilitators_are_told(world: World):
    fasilitator = world.sim.user(6005, first_name="Rina")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung", locale="en")
    far_away = world.sim.user(6006, first_name="Daeng")
    await world.register(far_away, Role.FASILITATOR, kota="Makassar")
    ani = world.sim.user(6004, first_name="Ani")
    await world.register(ani, Role.ANGGOTA, bkm="BKM Sukamaju")
    world.sim.block(6004)  # Telegram tells the bot with a my_chat_member update
    told = (await fasilitator.reply()).plain
    assert told.startswith("Ani — BKM Sukamaju (BKM member) can no longer be reached")
    await far_away.wait_idle()
    assert far_away.unread == []  # another kota's facilitator is not bothered

    async def unreachable() -> bool:
        async with world.db.transaction() as s:
            person = await person_by_telegram(s, 6004)
            return person is not None and person.unreachable_at is not None

    await eventually(unreachable)
    world.sim.unblock(6004)
    await eventually(lambda: _not(unreachable))


async def _not(predicate) -> bool:  # type: ignore[no-untyped-def]
    return not await predicate()
