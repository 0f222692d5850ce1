"""A registered koordinator talking to the real router, for the benchmarks."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from bot.domain import areas, invites, people
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from bot.ui import Incoming, Response
from conversations.router import Router
from storage.db import Database
from storage.models import Role
from tests.conftest import RECENT_ASSESSMENT

KOORDINATOR_ID = 9


async def seed_koordinator(db: Database, clock: Clock) -> None:
    """A kota, an eligible BKM and its koordinator who finished onboarding (as test_router)."""
    async with db.transaction() as s:
        await areas.add_kota(s, clock, SYSTEM, name="Bandung")
        bkm = await areas.add_bkm(
            s, clock, SYSTEM, name="BKM A", kota="Bandung", kelurahan="A",
            level="berdaya", assessed_on=RECENT_ASSESSMENT,
        )  # fmt: skip
        invite = await invites.create_invite(s, clock, SYSTEM, role=Role.KOORDINATOR, bkm=bkm)
        person, _ = await people.register_with_invite(
            s, clock, telegram_id=KOORDINATOR_ID, name="Koor", language_code="id",
            token=invite.token, notice_version="v1",
        )  # fmt: skip
        person.onboarding_step = None


@dataclass
class Chat:
    """A registered koordinator talking to the real router; every update gets a fresh id."""

    router: Router
    run: Callable[[Coroutine[Any, Any, Response]], Response]
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def send(self, incoming: Incoming) -> Response:
        return self.run(self.router.handle(replace(incoming, update_id=next(self.ids))))

    def send_many(self, incoming: Incoming, count: int) -> None:
        for _ in range(count):
            self.send(incoming)


def command(name: str) -> Incoming:
    """The koordinator typing /name (update_id is filled in by Chat.send)."""
    return Incoming(
        update_id=0, user_id=KOORDINATOR_ID, chat_id=KOORDINATOR_ID, first_name="Koor",
        language_code="id", kind="command", text=f"/{name}", command=name,
    )  # fmt: skip


def press(data: str) -> Incoming:
    """The koordinator pressing an inline button whose callback data is `data`."""
    return Incoming(
        update_id=0, user_id=KOORDINATOR_ID, chat_id=KOORDINATOR_ID, first_name="Koor",
        language_code="id", kind="callback", callback_data=data,
    )  # fmt: skip
