"""/privasi through the simulator: "Hapus data saya" and "Tarik persetujuan" say different,
honest things, ask their own confirmation, and do what they said."""

from __future__ import annotations

from sqlmodel import select

from bot.domain import outbox
from storage.models import Consent, Outbox, Person, Role, RoleGrant
from tests.e2e.conftest import World


async def test_delete_asks_its_own_confirmation_and_erases_now(world: World):
    user = world.sim.user(4201, first_name="Sri", last_name="Rahayu")
    await world.register(user, Role.ANGGOTA, bkm="BKM Sukamaju")
    await user.send("/privasi")
    await user.press(await user.reply(), "Hapus data saya")
    await user.wait_idle()
    ask = user.inbox[-1]
    assert "Hapus data sekarang?" in ask.plain and "tidak dapat dibatalkan" in ask.plain
    assert "Ya, hapus sekarang" in ask.button_labels()
    assert not any("tarik" in label.lower() for label in ask.button_labels())
    await user.press(ask, "Ya, hapus sekarang")
    await user.wait_idle()
    assert "sudah dihapus" in user.inbox[-1].plain
    async with world.db.transaction() as s:
        person = (await s.exec(select(Person))).one()
        assert (person.telegram_id, person.name, person.deleted_at is not None) == (None, "", True)
        assert person.withdrawn_at is None
        assert (await s.exec(select(RoleGrant))).all() == []
        # Messages already sent to them keep no text and no chat.
        rows = (await s.exec(select(Outbox).where(Outbox.person_id == person.id))).all()
        assert all(r.chat_id == 0 and r.text == "" for r in rows)


async def test_withdraw_says_what_is_kept_and_why_then_stops_everything(world: World):
    user = world.sim.user(4202, first_name="Dedi")
    await world.register(user, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await user.send("/privasi")
    await user.press(await user.reply(), "Tarik persetujuan")
    await user.wait_idle()
    ask = user.inbox[-1]
    assert "Tarik persetujuan?" in ask.plain
    assert "nama dan ID Telegram" in ask.plain and "5 tahun" in ask.plain
    assert "arsip" in ask.plain and "membuktikan" in ask.plain  # why it is kept
    assert "Ya, tarik persetujuan" in ask.button_labels()
    assert "Ya, hapus sekarang" not in ask.button_labels()

    # Cancelling changes nothing.
    await user.press(ask, "Tidak, batalkan")
    await user.wait_idle()
    assert "tidak diubah" in user.inbox[-1].plain

    await user.send("/privasi")
    await user.press(await user.reply(), "Tarik persetujuan")
    await user.wait_idle()
    await user.press(user.inbox[-1], "Ya, tarik persetujuan")
    await user.wait_idle()
    done = user.inbox[-1].plain
    assert "sudah ditarik" in done and "tidak akan mengirim pesan lagi" in done
    assert "sampai" in done and str(world.clock.now().year + 5) in done

    async with world.db.transaction() as s:
        person = (await s.exec(select(Person))).one()
        assert person.name == "Dedi" and person.telegram_id == 4202  # kept, with the consent
        assert person.withdrawn_at is not None and person.deleted_at is None
        assert (await s.exec(select(RoleGrant))).all() == []
        decisions = [c.decision for c in (await s.exec(select(Consent))).all()]
        assert decisions == ["given", "withdrawn"]
        # No further messages, whatever tries to write to them.
        assert outbox.enqueue(s, world.clock, person, kind="test", text="Halo") is None

    user.clear()
    await user.send("/usulan")
    assert "belum terdaftar" in (await user.reply()).plain
    # /start without an invite does not lead back into a service with no role in it.
    await user.send("/start")
    welcome = await user.reply()
    assert "mohon minta tautan undangan" in welcome.plain and not welcome.button_labels()
    await user.send("/privasi")  # what is kept can still be seen, exported or deleted
    assert "🗑 Hapus data saya" in (await user.reply()).button_labels()
