"""Hostile and odd input at every step of every conversation, seeded and repeatable.

People of every role wander through their flows — the proposal form, the review queue,
meetings, announcements, privacy, ideas, onboarding — mostly by pressing the buttons the bot
shows them (so they reach deep steps), and in between send whatever a phone, a confused
person or an attacker can send: long text across Unicode, HTML and Markdown fragments,
SQL-looking strings, stickers, voice and video notes, polls, contacts, locations, photos and
files, edits, channel posts, group messages, forged button data on real messages, commands
with random arguments.

Pass: no unhandled exception (no apology, nothing logged at ERROR), every Bot API call valid
(the simulator refuses what Telegram would), and nothing stored that no validator should
have let through (control characters, values longer than their column).

The short variant (80 rounds of 5 updates, about 16 s per runtime) runs in the normal suite;
PAKET_LONG_TESTS=1 runs 1,000 rounds (5,000 updates). PAKET_FUZZ_SEED=N repeats another run,
PAKET_FUZZ_ROUNDS=N sets the short variant's length.
"""

from __future__ import annotations

import logging
import os
import random
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import String, Text, select, text

from bot.simulator import SimGroup, SimMessage, SimUser, sample_png
from storage.models import Role, SQLModel
from tests.e2e.conftest import World
from tests.e2e.test_proposal_status import make_proposal

LONG = os.environ.get("PAKET_LONG_TESTS") == "1"
SEED = int(os.environ.get("PAKET_FUZZ_SEED", "1130"))
ROUNDS = (
    1000 if LONG else int(os.environ.get("PAKET_FUZZ_ROUNDS", "80"))
)  # each round: one update from every actor, then idle
APOLOGY = "gangguan"

COMMANDS = ("start", "usulan", "status", "tinjau", "rapatbaru", "rapat", "umumkan", "usul_ide",
            "ide", "laporan", "undang", "bahasa", "privasi", "bantuan", "batal", "menu",
            "help", "proposal", "cancel", "language", "privacy", "x", "start@paket_test_bot",
            "usulan@other_bot")  # fmt: skip
FRAGMENTS = (
    "<b>", "</b>", "<i>x</i>", "<a href='javascript:alert(1)'>", "<script>", "&amp;", "&lt;",
    "&#0;", "&", "<", ">", "*tebal*", "_miring_", "`kode`", "```pre```", "[t](http://x)",
    "||spoiler||", "'; DROP TABLE person; --", "1 OR 1=1", "\" OR \"\"=\"", "%s%s%n",
    "{name}", "{0}", "${x}", "\\", "\\n", "NULL", "None", "-1", "0", "99999999999999999999",
    "15 juta", "-5jt", "Rp 1.000.000,50", "1e9", "NaN", "31/02/2026", "besok 25.61",
    "3201-0123-4567-8901", "3201012345678901", "PKT-2026-0001", "PKT-9999-99999",
    "\u200b", "\u200b\u200c\u200d", "\u202e", "\ufeff", "\u0000", "\u0007", "\x1b[31m",
    "\r\n", "\t", "👨‍👩‍👧‍👦", "🏳️‍🌈", "𝕏", "ẞ", "İ", "ﷺ", "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
    "جاكرتا", "日本語", "ꦗꦮ", " ", "   ",
)  # fmt: skip
CONTROL_OK = {"\n", "\t"}


@dataclass
class Actor:
    user: SimUser
    entries: tuple[str, ...]  # the commands that open this person's flows
    sent: list[int] = field(default_factory=list)  # their text messages (to edit later)


class Fuzzer:
    def __init__(self, world: World, rng: random.Random, group: SimGroup) -> None:
        self.world, self.rng, self.group = world, rng, group

    def text(self) -> str:
        rng = self.rng
        size = rng.choice((1, 3, 10, 40, 120, 600, 2100, 4096, 10_000))
        parts: list[str] = []
        while sum(map(len, parts)) < size:
            pick = rng.random()
            if pick < 0.4:
                parts.append(rng.choice(FRAGMENTS))
            elif pick < 0.7:
                parts.append(
                    "".join(chr(rng.randint(0x20, 0x2FF)) for _ in range(rng.randint(1, 30)))
                )
            elif pick < 0.85:
                parts.append(chr(rng.randint(0x1F300, 0x1FAFF)))
            else:
                parts.append(chr(rng.choice((rng.randint(1, 0x1F), rng.randint(0x80, 0xFFFF)))))
        out = "".join(parts)[:size]
        out = "".join(c for c in out if not 0xD800 <= ord(c) <= 0xDFFF)  # no lone surrogates
        return out if out.strip("\x00") else "x"

    def callback_data(self) -> str:
        rng = self.rng
        base = rng.choice(("p", "f", "ob", "inv", "lang", "menu", "m", "a", "priv", "ide", "r",
                           "rv", "x", ""))  # fmt: skip
        tail = rng.choice(("²", "-1", "0", "99999999999999999999999", "1e3", "NaN", "", "::",
                           "view:1", "view:²", "ok:1:2:3", self.text()[:20], "é" * 30))  # fmt: skip
        data = f"{base}:{tail}".encode()[:64]
        return data.decode(errors="ignore") or "x"

    async def one(self, actor: Actor) -> None:
        """One update from `actor`, chosen by the seeded generator."""
        rng, user = self.rng, actor.user
        roll = rng.random()
        last = next((m for m in reversed(user.inbox) if m.buttons and not m.deleted), None)
        if roll < 0.30 and last is not None:
            label = rng.choice([b.text for row in last.buttons for b in row if b.callback_data])
            await user.press(last, label)
        elif roll < 0.38 and user.keyboard:
            await user.tap(rng.choice([b["text"] for row in user.keyboard for b in row]))
        elif roll < 0.46:
            await user.send("/" + rng.choice(actor.entries))
        elif roll < 0.62:
            actor.sent.append(await self._text(user))
        elif roll < 0.68:
            name = rng.choice(COMMANDS)
            args = " ".join(self.text()[:50].split()[:3]) if rng.random() < 0.7 else ""
            await user.send(f"/{name} {args}".strip())
        elif roll < 0.74 and user.inbox:
            target = rng.choice(user.inbox[-5:])
            await user.send_raw_update({"callback_query": self._forged(user, target)})
        else:
            await self._media(actor)

    async def _text(self, user: SimUser) -> int:
        await user.send(self.text())
        return user.chat.next_id - 1

    def _forged(self, user: SimUser, message: SimMessage) -> dict[str, Any]:
        return {
            "id": f"fuzz-{uuid.UUID(int=self.rng.getrandbits(128)).hex}",
            "from": user.info.to_json(),
            "message": message.raw,
            "chat_instance": "1",
            "data": self.callback_data(),
        }

    async def _media(self, actor: Actor) -> None:
        rng, user = self.rng, actor.user
        kind = rng.choice(("sticker", "voice", "video_note", "poll", "contact", "other_contact",
                           "location", "photo", "document", "edit", "channel", "group", "dice"))  # fmt: skip
        if kind == "sticker":
            await user.send_sticker(rng.choice(("👍", "😀", "")) or "👍")
        elif kind == "voice":
            await user.send_voice(duration=rng.randint(1, 600))
        elif kind == "video_note":
            await user.send_content({"video_note": {"file_id": "vn1", "file_unique_id": "vn1",
                                                    "length": 240, "duration": 3}})  # fmt: skip
        elif kind == "poll":
            await user.send_content({"poll": {
                "id": "1", "question": self.text()[:300], "options": [
                    {"text": "a", "voter_count": 0, "persistent_id": "o1"},
                    {"text": "b", "voter_count": 0, "persistent_id": "o2"}],
                "total_voter_count": 0, "is_closed": False, "is_anonymous": True,
                "type": "regular", "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False}})  # fmt: skip
        elif kind == "contact":
            await user.share_contact(rng.choice(("+6281234567890", "0", "x" * 40)))
        elif kind == "other_contact":
            await user.share_contact("+6289999999999", own=False)
        elif kind == "location":
            await user.share_location(rng.uniform(-90, 90), rng.uniform(-180, 180))
        elif kind == "photo":
            await user.send_photo(
                sample_png(), caption=self.text()[:1024] if rng.random() < 0.5 else None
            )
        elif kind == "document":
            name = rng.choice(("rab.pdf", "x.exe", "<b>.pdf", "a" * 200 + ".pdf", "🙂.docx"))
            await user.send_document(rng.randbytes(rng.randint(1, 4096)), name,
                                     rng.choice(("application/pdf", None, "text/html")))  # fmt: skip
        elif kind == "edit" and actor.sent:
            message_id = rng.choice(actor.sent)
            if message_id in user.chat.messages and "text" in user.chat.messages[message_id]:
                await user.edit(message_id, self.text())
        elif kind == "channel":
            await user.send_raw_update({"channel_post": {
                "message_id": rng.randint(1, 10**6), "date": 0, "text": self.text()[:4096],
                "chat": {"id": -1009999, "type": "channel", "title": "Kanal"}}})  # fmt: skip
        elif kind == "group":
            await self.group.send(user, rng.choice(("/start", "/usulan@paket_test_bot",
                                                    "/bantuan " + self.text()[:30])))  # fmt: skip
        else:
            await user.send_content({"dice": {"emoji": "🎲", "value": rng.randint(1, 6)}})


async def _cast(world: World) -> list[Actor]:
    """Someone at the start of every flow: each role, and a stranger with a random link."""
    sim = world.sim
    anggota = sim.user(7301, "Ratna")
    koor = sim.user(7302, "Siti")
    faskel = sim.user(7303, "Budi")
    warga = sim.user(7304, "Asep")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    await world.register(warga, Role.WARGA, bkm="BKM Sukamaju")
    # Something in the review queue and a draft at its summary, for the deep steps.
    await make_proposal(world, anggota, koor)
    await make_proposal(world, koor)
    stranger = sim.user(7305, "Tamu")
    return [
        Actor(anggota, ("usulan", "status", "privasi", "menu", "usul_ide")),
        Actor(koor, ("usulan", "status", "rapatbaru", "rapat", "undang", "privasi", "usul_ide")),
        Actor(faskel, ("tinjau", "rapatbaru", "umumkan", "ide", "laporan", "undang", "rapat")),
        Actor(warga, ("usul_ide", "rapat", "privasi", "bahasa", "menu")),
        Actor(stranger, ("start", "start bogus-token", "bantuan", "bahasa")),
    ]


def _bad_value(value: object, limit: int | None) -> str | None:
    if not isinstance(value, str):
        return None
    if limit is not None and len(value) > limit:
        return f"longer than {limit}"
    bad = [c for c in value if unicodedata.category(c) == "Cc" and c not in CONTROL_OK]
    return f"control characters {bad[:3]!r}" if bad else None


# Rows the bot writes itself from its own texts; user input reaches them only escaped.
SKIP_TABLES = {"alembic_version", "processed_update", "audit_log"}


async def garbage(world: World) -> list[str]:
    """Every string stored that breaks its column's length or holds control characters."""
    found: list[str] = []
    async with world.db.transaction() as s:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in SKIP_TABLES:
                continue
            columns = [c for c in table.columns if isinstance(c.type, String | Text)]
            if not columns:
                continue
            rows = (await s.exec(select(*columns))).all()  # type: ignore[call-overload]
            for row in rows:
                for column, value in zip(columns, row, strict=True):
                    limit = getattr(column.type, "length", None)
                    if (why := _bad_value(value, limit)) is not None:
                        found.append(f"{table.name}.{column.name}: {why}: {str(value)[:60]!r}")
    return found


async def test_random_updates_at_every_step_break_nothing(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    rng = random.Random(SEED)
    group = world.sim.group(-1001234, "Warga Sukamaju")
    cast = await _cast(world)
    fuzzer = Fuzzer(world, rng, group)
    for _ in range(ROUNDS):
        for actor in cast:
            await fuzzer.one(actor)
        for actor in cast:
            await actor.user.wait_idle(quiet=0.05, timeout=60)

    texts = [m.text or m.caption for a in cast for m in a.user.inbox]
    assert not [t for t in texts if APOLOGY in (t or "")], "an update raised"
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, errors[:3]
    # A 429 is Telegram pacing a burst, not a wrong call: the pacer waits and sends again. A
    # "not modified" answers a 🔄 Refresh pressed when nothing had changed: the bot takes the
    # message as up to date, as it is.
    assert [e for e in world.sim.errors if e[1] != 429 and "not modified" not in e[2]] == []
    assert await garbage(world) == []
    async with world.db.transaction() as s:  # the database is still whole
        assert (await s.exec(text("SELECT count(*) FROM person"))).one()[0] >= 4  # type: ignore[call-overload]


async def test_forged_press_on_a_message_without_buttons_makes_no_refused_call(
    world: World,
) -> None:
    # Found by the fuzz: the pressed message's buttons were "removed" again, and Telegram
    # answers that edit with 400 "message is not modified".
    user = world.sim.user(7310, "Ratna")
    await world.register(user, Role.ANGGOTA, bkm="BKM Sukamaju")
    await user.send("/bantuan")
    await user.wait_idle(quiet=0.3)
    plain = next(m for m in reversed(user.inbox) if not m.buttons and m.text)
    for data in ("menu:bantuan", "p:view:²", "x:" + "9" * 40):
        await user.send_raw_update(
            {"callback_query": Fuzzer(world, random.Random(0), world.sim.group(-1001, "G"))
             ._forged(user, plain) | {"data": data}}
        )  # fmt: skip
        await user.wait_idle(quiet=0.2)
    world.sim.assert_no_errors()
