"""The pacer's outbox line: replies never queue behind the outbox, and among outbox sends a
prompt row (a status change) goes before the bulk rows (a broadcast) that came before it."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from bot.runtime.edge import REPLY, Lane
from bot.runtime.pacing import Pacer

T = TypeVar("T")


def never(error: BaseException) -> None:
    return None  # no 429s in these tests


def paced(
    pacer: Pacer, sent: list[T], name: T, chat: int, lane: Lane = REPLY
) -> asyncio.Task[bool]:
    """One sendMessage through the pacer, as a task; `name` joins `sent` when it goes out."""

    async def call() -> bool:
        sent.append(name)
        return True

    request = pacer.call(call, method="sendMessage", chat_id=chat, retry_after_of=never, lane=lane)
    return asyncio.create_task(request)


async def test_replies_go_first_and_prompt_outbox_sends_pass_bulk_ones():
    pacer = Pacer(10)  # a bucket of 2 (0.2 s of sends), one token kept for replies
    order: list[str] = []

    def send(name: str, chat: int, priority: int | None = None) -> asyncio.Task[bool]:
        lane = REPLY if priority is None else Lane(outbox=True, priority=priority)
        return paced(pacer, order, name, chat, lane)

    bulk = [send(f"bulk {i}", 1000 + i, priority=1) for i in range(15)]
    await asyncio.sleep(0.05)
    assert order == ["bulk 0"]  # the bucket minus the replies' share
    status = send("status", 1, priority=0)
    reply = send("reply", 2)
    await asyncio.gather(*bulk, status, reply)
    assert order[1:4] == ["reply", "status", "bulk 1"]
    assert order[4:] == [f"bulk {i}" for i in range(2, 15)]  # the rest in arrival order


async def test_a_burst_stays_far_under_telegrams_headroom():
    """Telegram takes about 30 at once; we let 5 go at once at 25/s, so sends we counted
    earlier that reach Telegram late (a slow network, a busy machine) still fit beside them."""
    pacer = Pacer(25)
    sent: list[int] = []
    began = asyncio.get_running_loop().time()
    crowd = [paced(pacer, sent, chat, chat) for chat in range(30)]
    for _ in range(5):
        await asyncio.sleep(0)  # let every ready send through
    # 5 at once, then one per 40 ms: a busy machine may have spent a few of those here.
    took = asyncio.get_running_loop().time() - began
    assert pacer.burst == 5 and 5 <= len(sent) <= 5 + int(took * 25) + 1
    await asyncio.gather(*crowd)
    assert sorted(sent) == list(range(30))


async def test_an_outbox_send_that_gives_up_leaves_the_line_to_the_next():
    pacer = Pacer(2)  # no reply share at this rate
    order: list[str] = []

    def send(name: str, chat: int) -> asyncio.Task[bool]:
        return paced(pacer, order, name, chat, Lane(outbox=True, priority=1))

    first = [send("a", 1)]  # the bucket's one token (0.2 s of sends, at least one)
    waiting = [send("c", 3), send("d", 4)]
    await asyncio.sleep(0.05)
    waiting[0].cancel()  # the sender stopped while "c" waited at the head of the line
    await asyncio.gather(*first, waiting[1])
    assert order == ["a", "d"]
