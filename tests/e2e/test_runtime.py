"""Runtime promises: webhook mode, resuming after a restart, repeated updates, command menus."""

from __future__ import annotations

import socket

from pydantic import SecretStr
from sqlmodel import select

from bot.config import load_settings
from bot.runtime.app import BotProcess
from bot.simulator import Simulator
from storage.models import Person, Role
from tests.e2e.conftest import TOKEN, World, eventually


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_with_secret(database_url: str):
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        port = _free_port()
        settings = load_settings(
            telegram_bot_token=TOKEN,
            telegram_api_server=sim.url,
            database_url=database_url,
            webhook_url=f"http://127.0.0.1:{port}",
            webhook_secret=SecretStr("s3cret-token"),
            webhook_listen="127.0.0.1",
            webhook_port=port,
            _env_file=None,
        )
        process = BotProcess(settings)
        await process.start()
        try:
            hook = sim.calls_to("setWebhook")[-1]
            assert (
                hook["url"] == f"http://127.0.0.1:{port}/telegram"
                and hook["secret_token"] == "s3cret-token"
            )
            user = sim.user(7001, first_name="Web")
            await user.send("/start")
            assert "PAKET Bot" in (await user.reply()).plain
        finally:
            await process.stop()


async def test_onboarding_resumes_after_the_bot_restarts(world: World):
    token = await world.invite(Role.ANGGOTA, bkm="BKM Sukamaju")
    user = world.sim.user(7002, first_name="Dewi")
    await user.send(f"/start {token}")
    await user.press(await user.reply(), "Saya setuju")
    await user.press(await user.reply(), "Ubah nama")
    await user.reply()

    # The bot process dies and comes back: the next message continues the same question.
    await world.bot.stop()
    settings = world.bot.settings
    world.bot = BotProcess(settings)
    await world.bot.start()
    await user.send("Dewi Lestari")
    assert "pilih bahasa" in (await user.reply()).plain

    await user.press(user.inbox[-1], "Bahasa Indonesia")
    assert "Pendaftaran selesai" in (await user.reply()).plain
    async with world.db.transaction() as s:
        person = (await s.exec(select(Person).where(Person.telegram_id == 7002))).one()
    assert person.name == "Dewi Lestari"


async def test_command_menus_per_language_and_per_person(world: World):
    commands = world.sim.commands
    indonesian = [c["command"] for c in commands[("default", "id")]]
    english = [c["command"] for c in commands[("default", "en")]]
    # Before registering, only what a newcomer can use (anyone may ask what is stored).
    assert indonesian == ["bahasa", "privasi", "bantuan", "batal"] and english == [
        "language",
        "privacy",
        "help",
        "cancel",
    ]
    assert [c["command"] for c in commands[("default", "")]] == indonesian

    fasil = world.sim.user(7004, first_name="Rina")
    await world.register(fasil, Role.FASILITATOR, kota="Bandung", locale="en")
    await eventually(lambda: ("chat:7004", "") in commands)
    own = [c["command"] for c in commands[("chat:7004", "")]]
    assert "review" in own and "invite" in own and "propose" not in own
    await fasil.send("/language")
    await fasil.press(await fasil.reply(), "Bahasa Indonesia")
    await fasil.replies(1)
    await eventually(lambda: "tinjau" in [c["command"] for c in commands[("chat:7004", "")]])

    # Deleting one's data takes the personal menu away again.
    await fasil.send("/privasi")
    await fasil.press(await fasil.reply(), "Hapus data saya")
    await fasil.wait_idle()
    await fasil.press(None, "Ya, hapus")
    await eventually(lambda: ("chat:7004", "") not in commands)


async def test_an_unexpected_failure_gets_a_friendly_answer_and_nothing_half_stored(world: World):
    async def broken(ctx) -> None:  # type: ignore[no-untyped-def]
        await ctx.start_dialog("broken")  # a write that must be rolled back
        raise RuntimeError("database exploded: SELECT * FROM secrets")

    world.bot.runtime.router.routes.commands["bantuan"] = broken
    user = world.sim.user(7003, first_name="Eko")
    await user.send("/bantuan")
    answer = (await user.reply()).plain
    assert "terjadi gangguan" in answer and "exploded" not in answer and "Traceback" not in answer
    async with world.db.transaction() as s:
        from storage.models import Dialog

        assert (await s.exec(select(Dialog))).all() == []


async def test_an_update_the_framework_cannot_read_is_skipped_not_fetched_forever(world: World):
    """A malformed update (here a poll without its fields) must not stall polling: the
    runtime would otherwise ask for the same batch again and again, and nobody is answered."""
    user = world.sim.user(7301, first_name="Budi")
    await user.send_raw_update({"poll": {"id": "broken-poll"}})
    await user.send("/bantuan")
    assert "bantuan" in (await user.reply(timeout=15)).plain.lower()
