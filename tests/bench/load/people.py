"""Simulated people: act, wait for the bot's answer, (think,) act again.

Without think time the loop is closed: everyone sends again the moment the answer arrives,
which finds how many updates a second the bot can answer (capacity) but makes every
latency about people / throughput. With think time (`Think`, e.g. 2–5 s) each person first
reads and taps as on a phone, so the load is what a crowd of real people offers, and the
latency is what they would feel.

Latency is the time from a person's update to the bot's first new message in that chat.
A person who waits longer than LOST_AFTER for an answer counts one lost reply and stops.
"""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NoReturn

from bot.simulator import SimMessage, Simulator, SimUser

LOST_AFTER = 30.0  # seconds without the awaited answer: a lost reply
JUDUL = "Perbaikan jalan lingkungan RW {n:02d}"
# What closes each step of our bot's conversation (the text of its last message).
STATUS_DONE = ("Usulan yang dapat", "Belum ada usulan")
OFFER = "masih punya draf"
CONFIRM = "Draf lama akan dihapus"
QUESTION = "Pertanyaan {n} dari"
CODE = re.compile(r"PKT-\d{4}-\d{4,}")  # a tracking code in the /status list


@dataclass(frozen=True)
class Think:
    """A pause of `low` to `high` seconds (uniformly random) before each action."""

    low: float
    high: float

    def __str__(self) -> str:
        return f"{self.low:g}–{self.high:g} s"


class Finished(Exception):
    """The measuring window is over: this person stops."""


class Lost(Exception):
    """The bot did not answer in time: this person stops."""


@dataclass
class Recorder:
    """Every answered update as (sent, first answer) times; lost replies; the window."""

    start: float  # the window opens here (after warm-up) ...
    end: float  # ... and closes here; nobody starts an update after it
    samples: list[tuple[float, float]] = field(default_factory=list)
    rounds: int = 0
    lost: int = 0
    off_script: int = 0  # people who met a message without the button they were to press
    examples: list[str] = field(default_factory=list)  # what the lost/off-script waited for

    def note(self, example: str) -> None:
        """Keep the first few examples of what went wrong."""
        if len(self.examples) < 5:
            self.examples.append(example)


class Mailbox:
    """Wakes only the person whose chat the bot wrote to.

    The simulator's own `reply()` waits on one signal that every API call fires, so 200
    waiting people would all wake on every message: the harness would spend on wake-ups the
    CPU it shares with the bot it measures. The simulator calls `touch(chat_id)` after it
    stores each bot message; this wraps that hook for this one simulator instance.
    """

    def __init__(self, sim: Simulator) -> None:
        self._waiting: dict[int, asyncio.Event] = {}
        touch = sim.touch

        def touched(chat_id: int) -> None:
            touch(chat_id)
            if (event := self._waiting.get(chat_id)) is not None:
                event.set()

        sim.touch = touched  # type: ignore[method-assign]

    async def next(self, user: SimUser, timeout: float) -> SimMessage | None:  # noqa: ASYNC109
        """The next unread bot message in the user's chat, or None after `timeout` seconds."""
        chat = user.chat
        deadline = time.monotonic() + timeout
        while chat.cursor >= len(chat.log):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            event = self._waiting[chat.id] = asyncio.Event()
            try:
                async with asyncio.timeout(remaining):
                    await event.wait()
            except TimeoutError:
                pass
            finally:
                self._waiting.pop(chat.id, None)
        message = chat.log[chat.cursor]
        chat.cursor += 1
        return message


@dataclass
class Person:
    """One simulated person and where their answers are recorded."""

    user: SimUser
    mailbox: Mailbox
    recorder: Recorder
    rounds: int = 0
    think: Think | None = None  # None: a closed loop, no pause
    rng: random.Random = field(default_factory=random.Random)

    async def act(
        self, update: Callable[[], Awaitable[object]], done: tuple[str, ...] = ()
    ) -> SimMessage:
        """(Think,) send one update; wait for the message containing one of `done` (any if empty)."""
        if self.think is not None:
            await asyncio.sleep(self.rng.uniform(self.think.low, self.think.high))
        now = time.monotonic()
        if now >= self.recorder.end:
            raise Finished
        await update()
        first: float | None = None
        while True:
            message = await self.mailbox.next(self.user, LOST_AFTER)
            if message is None:
                self._lost(done)
            if first is None:
                first = time.monotonic()
                self.recorder.samples.append((now, first))
            if not done or any(mark in message.plain for mark in done):
                return message

    def _lost(self, done: tuple[str, ...]) -> NoReturn:
        self.recorder.lost += 1
        last = self.user.last
        seen = last.plain[:80] if last else "nothing"
        self.recorder.note(f"lost: user {self.user.id} waited for {done or 'any answer'}; "
                           f"last seen: {seen!r}")  # fmt: skip
        raise Lost


async def paket_round(person: Person) -> None:
    """/status, one proposal of the list opened (/status CODE), then /usulan and the first two
    questions (a new draft each round)."""
    user, n = person.user, person.rounds
    listed = await person.act(lambda: user.send("/status"), STATUS_DONE)
    codes = CODE.findall(" ".join([listed.plain, *listed.button_labels()]))
    if codes:
        code = codes[n % len(codes)]
        await person.act(lambda: user.send(f"/status {code}"), (code,))
    shown = await person.act(lambda: user.send("/usulan"), (OFFER, QUESTION.format(n=1)))
    if OFFER in shown.plain:  # the draft of the round before: start again from the top
        confirm = await person.act(lambda: user.press(shown, "Mulai baru"), (CONFIRM,))
        await person.act(lambda: user.press(confirm, "Ya, hapus"), (QUESTION.format(n=1),))
    jenis = await person.act(lambda: user.send(JUDUL.format(n=n % 100)), (QUESTION.format(n=2),))
    await person.act(lambda: user.press(jenis, "Lingkungan"), (QUESTION.format(n=3),))


async def echo_round(person: Person) -> None:
    """One text message, answered by its echo."""
    await person.act(lambda: person.user.send(f"halo {person.rounds}"))


async def play(person: Person, round_: Callable[[Person], Awaitable[None]]) -> None:
    """Play rounds until the window closes or an answer is lost."""
    try:
        while True:
            await round_(person)
            person.rounds += 1
            person.recorder.rounds += 1
    except (Finished, Lost):
        return
    except AssertionError as error:  # no such button to press: the bot went off script
        person.recorder.off_script += 1
        person.recorder.note(f"off script: user {person.user.id}: {str(error)[:200]}")
