"""The update processor: each chat in order, chats side by side, one slot per chat at most."""

from __future__ import annotations

import asyncio

from telegram import Chat, Message, Update, User

from bot.runtime.ordering import ChatLines
from bot.runtime.ptb.processor import ChatOrderedUpdateProcessor


def _update(update_id: int, chat_id: int) -> Update:
    user = User(chat_id, "P", is_bot=False)
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, None, chat, from_user=user, text="x"))  # type: ignore[arg-type]


async def test_one_chat_in_order_other_chats_alongside_and_one_slot_each():
    processor = ChatOrderedUpdateProcessor(2)
    done: list[tuple[int, int]] = []
    release_a = asyncio.Event()

    async def handle(chat: int, n: int) -> None:
        if (chat, n) == (1, 0):
            await release_a.wait()  # chat 1's first update is slow (a long round trip)
        done.append((chat, n))

    tasks = [
        asyncio.create_task(processor.process_update(_update(i, 1), handle(1, i))) for i in range(5)
    ]
    await asyncio.sleep(0.01)
    # Chat 1 has five updates in flight but holds one slot: chat 2 still gets through.
    assert processor.current_concurrent_updates == 1 and processor.backlog(1) == 4
    await processor.process_update(_update(10, 2), handle(2, 0))
    assert done == [(2, 0)]
    release_a.set()
    await asyncio.gather(*tasks)
    assert done[1:] == [(1, 0), (1, 1), (1, 2), (1, 3), (1, 4)]
    assert processor.backlog(1) == 0


async def test_a_long_backlog_is_told_to_wait_once():
    told: list[int] = []

    async def tell(update: Update) -> None:
        told.append(update.update_id)

    processor = ChatOrderedUpdateProcessor(4, on_backlog=tell, backlog_notice_at=3)
    gate = asyncio.Event()

    async def handle(n: int) -> None:
        if n == 0:
            await gate.wait()

    tasks = [
        asyncio.create_task(processor.process_update(_update(i, 7), handle(i))) for i in range(8)
    ]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert told == [3]  # once, when the line reached three waiting


async def test_a_failing_update_does_not_strand_the_ones_behind_it():
    processor = ChatOrderedUpdateProcessor(2)
    done: list[int] = []
    gate = asyncio.Event()

    async def handle(n: int) -> None:
        if n == 0:
            await gate.wait()
            raise RuntimeError("boom")
        done.append(n)

    tasks = [
        asyncio.create_task(processor.process_update(_update(i, 3), handle(i))) for i in range(3)
    ]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert done == [1, 2]


async def test_lines_that_hold_their_own_slots_give_a_flooding_chat_one():
    """aiogram's mode: every update is its own task, the lines hold the slots."""
    lines = ChatLines(2)
    done: list[tuple[int, int]] = []
    gate = asyncio.Event()

    async def handle(chat: int, n: int) -> None:
        if chat == 1:
            await gate.wait()
        done.append((chat, n))

    flood = [asyncio.create_task(lines.run(1, handle(1, i))) for i in range(20)]
    await asyncio.sleep(0.01)
    assert lines.backlog(1) == 19
    # Twenty updates of chat 1 hold one slot: two other chats still get through at once.
    await asyncio.wait_for(
        asyncio.gather(lines.run(2, handle(2, 0)), lines.run(3, handle(3, 0))), 1
    )
    assert sorted(done) == [(2, 0), (3, 0)]
    gate.set()
    await asyncio.gather(*flood)
    assert done[2:] == [(1, i) for i in range(20)]
