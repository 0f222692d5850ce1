"""Onboarding through the simulator over HTTP: what a new person sees and what is stored."""

from __future__ import annotations

import json

from sqlmodel import func, select

from storage.models import Consent, Person, Role, RoleGrant
from tests.e2e.conftest import World, eventually, forge_press


async def _count(world: World, model) -> int:  # type: ignore[no-untyped-def]
    async with world.db.transaction() as s:
        return (await s.exec(select(func.count()).select_from(model))).one()


async def test_invite_happy_path_registers_with_role_and_shows_menu(world: World):
    token = await world.invite(Role.KOORDINATOR, bkm="BKM Sukamaju")
    siti = world.sim.user(1001, first_name="Siti", last_name="Aminah", language_code="id")
    await siti.send(f"/start {token}")
    notice = await siti.reply()
    assert "privasi" in notice.plain.lower() and "NIK" in notice.plain
    assert await _count(world, Person) == 0  # nothing stored before consent

    await siti.press(notice, "Saya setuju")
    name_question = await siti.reply()
    assert "Terima kasih atas persetujuan" in siti.inbox[0].plain  # the notice, edited
    assert "Siti Aminah" in name_question.plain
    await siti.press(name_question, "Ubah nama")
    await siti.reply()
    await siti.send("  Ibu   Siti  ")
    language = await siti.reply()
    await siti.press(language, "Bahasa Indonesia")
    done = await siti.reply()
    assert "Bahasa diubah" in siti.inbox[-2].plain
    assert "Pendaftaran selesai" in done.plain and "Koordinator BKM (BKM Sukamaju)" in done.plain
    assert "📝 Buat usulan" in done.button_labels() and "✉️ Undang" in done.button_labels()

    async with world.db.transaction() as s:
        person = (await s.exec(select(Person))).one()
        grant = (await s.exec(select(RoleGrant))).one()
        consent = (await s.exec(select(Consent))).one()
    assert (person.name, person.locale, person.onboarding_step) == ("Ibu Siti", "id", None)
    assert grant.role == "koordinator" and consent.decision == "given"

    await siti.send("/start")
    welcome = await siti.reply()
    assert "Selamat datang kembali, Ibu Siti" in welcome.plain


async def test_declining_consent_stores_nothing(world: World):
    token = await world.invite(Role.ANGGOTA, bkm="BKM Sukamaju")
    budi = world.sim.user(1002, first_name="Budi")
    await budi.send(f"/start {token}")
    notice = await budi.reply()
    await budi.press(notice, "Tidak setuju")
    await budi.wait_idle()
    assert "tidak ada data" in budi.inbox[-1].plain.lower()
    assert await _count(world, Person) == 0
    assert await _count(world, Consent) == 0


async def test_bad_used_and_missing_tokens_get_clear_answers(world: World):
    newcomer = world.sim.user(1003, first_name="Rina")
    await newcomer.send("/start")
    assert "tautan undangan" in (await newcomer.reply()).plain
    await newcomer.send("/start bukan-token")
    assert "tidak dikenal" in (await newcomer.reply()).plain

    token = await world.invite(Role.ANGGOTA, bkm="BKM Sukamaju")
    first = world.sim.user(1004, first_name="Agus")
    await first.send(f"/start {token}")
    await first.press(await first.reply(), "Saya setuju")
    await first.reply()
    await newcomer.send(f"/start {token}")
    assert "sudah dipakai" in (await newcomer.reply()).plain


async def test_language_switch_and_english_onboarding(world: World):
    token = await world.invite(Role.ANGGOTA, bkm="BKM Sukamaju")
    john = world.sim.user(1005, first_name="John", language_code="en")
    await john.send(f"/start {token}")
    notice = await john.reply()
    assert "Privacy notice" in notice.plain
    await john.press(notice, "I agree")
    name_q = await john.reply()
    await john.press(name_q, "Yes")
    await john.press(await john.reply(), "English")
    done = await john.reply()
    assert "Registration complete" in done.plain
    await john.send("/bahasa")
    await john.press(await john.reply(), "Bahasa Indonesia")
    menu = await john.reply()
    assert "Bahasa diubah" in john.inbox[-2].plain and "Silakan pilih" in menu.plain
    await john.send("/help")
    assert "Bantuan PAKET Bot" in (await john.reply()).plain


async def test_help_lists_commands_per_role(world: World):
    fasilitator = world.sim.user(2001, first_name="Fasil")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    anggota = world.sim.user(2002, first_name="Ang")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")

    await fasilitator.send("/bantuan")
    text = (await fasilitator.reply()).plain
    assert "/tinjau" in text and "/undang" in text and "/usulan" not in text
    await anggota.send("/bantuan")
    text = (await anggota.reply()).plain
    assert "/usulan" in text and "/tinjau" not in text and "/undang" not in text


async def test_permission_refusals_and_invites_by_role(world: World):
    anggota = world.sim.user(3001, first_name="Ang")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    await anggota.send("/undang")
    assert "tidak tersedia untuk peran" in (await anggota.reply()).plain

    koordinator = world.sim.user(3002, first_name="Koor")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await koordinator.send("/undang")
    roles = await koordinator.reply()
    assert roles.button_labels() == ["Undang Anggota BKM", "Undang Warga / relawan"]
    await koordinator.press(roles, "Undang Anggota BKM")
    await koordinator.wait_idle()
    link_text = koordinator.inbox[-1].plain
    assert "https://t.me/paket_test_bot?start=" in link_text

    fasilitator = world.sim.user(3003, first_name="Fasil")
    await world.register(fasilitator, Role.FASILITATOR, kota="Bandung")
    await fasilitator.send("/undang")
    bkms = await fasilitator.reply()
    assert sorted(bkms.button_labels()) == ["BKM Cibeunying", "BKM Sukamaju"]  # not Makassar's
    # A forged button for a BKM outside the area is refused by the domain check.
    await forge_press(fasilitator, bkms, "inv:r:3:koordinator")
    await fasilitator.wait_idle()
    assert "tidak ditemukan" in fasilitator.inbox[-1].plain

    stranger = world.sim.user(3004, first_name="X")
    await stranger.send("/usulan")
    assert "belum terdaftar" in (await stranger.reply()).plain


async def test_bad_input_gets_short_answers(world: World):
    user = world.sim.user(4001, first_name="Ani")
    await world.register(user, Role.ANGGOTA, bkm="BKM Sukamaju")
    await user.send_sticker()
    assert "hanya dapat membaca" in (await user.reply()).plain
    await user.send("/tidakada")
    assert "tidak dikenal" in (await user.reply()).plain
    await user.send("<b>halo</b> & 🙂")
    assert "belum mengerti" in (await user.reply()).plain
    own = [m for m in user.chat.messages.values() if m["from"]["id"] == user.id and "text" in m]
    await user.edit(own[-1]["message_id"], "ubah")
    assert "diubah tidak dibaca" in (await user.reply()).plain
    old = user.inbox[-1]
    await forge_press(user, old, "zz:unknown")

    def forged_answers() -> list[dict]:
        calls = world.sim.calls_to("answerCallbackQuery")
        return [a for a in calls if str(a["callback_query_id"]).startswith("forged")]

    await eventually(forged_answers)
    assert forged_answers()[0].get("text") == "Tombol ini sudah tidak berlaku."
    group = world.sim.group(-100500, title="Grup BKM")
    await group.send(user, "/bantuan")
    await user.wait_idle()
    assert "chat pribadi" in group.inbox[-1].plain


async def test_person_sees_and_deletes_their_data(world: World):
    user = world.sim.user(4101, first_name="Lina")
    await world.register(user, Role.ANGGOTA, bkm="BKM Sukamaju")
    await user.send("/privasi")
    await user.press(await user.reply(), "Lihat data saya")
    await user.wait_idle()
    shown = user.inbox[-1].plain  # the privacy message, edited to show the data
    assert "4101" in shown and "Lina" in shown and "Anggota BKM (BKM Sukamaju)" in shown
    await user.press(None, "Unduh data saya")
    export = await user.reply()
    assert export.document is not None and export.document["file_name"] == "data-saya-paket.json"
    stored = world.sim.files.get(export.document["file_id"])
    assert stored is not None
    exported = json.loads(stored.data)
    assert exported["telegram_id"] == 4101 and exported["name"] == "Lina"
    assert exported["roles"] == [{"role": "anggota", "scope": "BKM Sukamaju"}]
    await user.press(None, "Hapus data saya")
    await user.wait_idle()
    await user.press(None, "Ya, hapus")
    await user.wait_idle()
    assert "sudah dihapus" in user.inbox[-1].plain
    async with world.db.transaction() as s:
        person = (await s.exec(select(Person))).one()
        grants = (await s.exec(select(RoleGrant))).all()
    assert person.telegram_id is None and person.name == "" and person.deleted_at is not None
    assert grants == []
    user.clear()
    await user.send("/status")
    assert "belum terdaftar" in (await user.reply()).plain


async def test_a_person_granted_a_role_from_the_cli_still_consents_first(world: World):
    from bot.domain import areas, people
    from bot.domain.actors import SYSTEM

    async with world.db.transaction() as s:
        kota = await areas.find_kota(s, "Bandung")
        await people.grant_role(
            s, world.clock, SYSTEM, telegram_id=4201, role=Role.FASILITATOR, kota=kota
        )
    rina = world.sim.user(4201, first_name="Rina", language_code="id")
    await rina.send("/start")
    notice = await rina.reply()
    assert "Pemberitahuan privasi" in notice.plain
    await rina.send("/tinjau")  # nothing works before consent: the notice again
    assert "Pemberitahuan privasi" in (await rina.reply()).plain
    await rina.press(notice, "Saya setuju")
    await rina.press(await rina.reply(), "Ya, benar")
    await rina.press(await rina.reply(), "Bahasa Indonesia")
    done = await rina.reply()
    assert "Fasilitator (Bandung)" in done.plain and "🔎 Tinjau usulan" in done.button_labels()
    async with world.db.transaction() as s:
        consent = (await s.exec(select(Consent))).one()
    assert consent.decision == "given"


async def test_a_person_granted_a_role_from_the_cli_who_opens_an_invite_is_not_stuck(
    world: World,
):
    """Granted from the CLI, then given an invite link: agreeing moves on, never loops."""
    from bot.domain import areas, people
    from bot.domain.actors import SYSTEM

    async with world.db.transaction() as s:
        kota = await areas.find_kota(s, "Bandung")
        await people.grant_role(
            s, world.clock, SYSTEM, telegram_id=4202, role=Role.FASILITATOR, kota=kota
        )
    token = await world.invite(Role.KOORDINATOR, bkm="BKM Sukamaju")
    dewi = world.sim.user(4202, first_name="Dewi", language_code="id")
    await dewi.send(f"/start {token}")
    await dewi.press(await dewi.reply(), "Saya setuju")
    name_question = await dewi.reply()
    assert "Apakah nama Bapak/Ibu <b>Dewi</b>?" in name_question.html
    await dewi.send("/privasi")  # not the notice again: the onboarding question it is at
    assert "Pemberitahuan privasi" not in (await dewi.reply()).plain
    await dewi.press(name_question, "Ya, benar")
    await dewi.press(await dewi.reply(), "Bahasa Indonesia")
    done = await dewi.reply()
    assert "Fasilitator (Bandung)" in done.plain and "Koordinator" in done.plain
    async with world.db.transaction() as s:
        consents = (await s.exec(select(Consent).where(Consent.decision == "given"))).all()
        person = (await s.exec(select(Person).where(Person.telegram_id == 4202))).one()
    assert len(consents) == 1 and person.onboarding_step is None and person.name == "Dewi"


async def test_a_second_invite_asks_first_and_the_inviter_is_told(world: World):
    koordinator = world.sim.user(4301, first_name="Koor")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju")
    await koordinator.send("/undang")
    await koordinator.press(await koordinator.reply(), "Undang Anggota BKM")
    await koordinator.wait_idle()
    link = koordinator.inbox[-1].plain
    token = link.split("?start=")[1].split()[0]
    koordinator.clear()

    # Someone already registered (a warga of the same BKM) opens the member invite.
    warga = world.sim.user(4302, first_name="Wati")
    await world.register(warga, Role.WARGA, bkm="BKM Sukamaju")
    await warga.send(f"/start {token}")
    question = await warga.reply()
    assert "akan menjadi juga" in question.plain and "Anggota BKM" in question.plain
    assert "Lanjutkan?" in question.plain
    assert await _grant_roles(world, 4302) == {"warga"}  # nothing changed before the answer

    await warga.press(question, "Tidak")
    await warga.wait_idle()
    assert "tidak diubah" in warga.inbox[-1].plain
    assert await _grant_roles(world, 4302) == {"warga"}

    await warga.send(f"/start {token}")
    await warga.press(await warga.reply(), "Ya, lanjutkan")
    await warga.wait_idle()
    assert await _grant_roles(world, 4302) == {"warga", "anggota"}
    told = await koordinator.reply()
    assert "Wati sudah bergabung sebagai Anggota BKM (BKM Sukamaju)" in told.plain

    # The same link again: nothing to ask, nothing to tell.
    warga.clear()
    await warga.send(f"/start {token}")
    assert "sudah terdaftar sebagai" in (await warga.reply()).plain
    await koordinator.wait_idle()
    assert len([m for m in koordinator.inbox if "sudah bergabung" in m.plain]) == 1


async def test_a_new_member_joining_by_a_persons_invite_tells_the_inviter(world: World):
    koordinator = world.sim.user(4311, first_name="Koor")
    await world.register(koordinator, Role.KOORDINATOR, bkm="BKM Sukamaju", locale="en")
    await koordinator.send("/invite")
    await koordinator.press(await koordinator.reply(), "Invite BKM member")
    await koordinator.wait_idle()
    token = koordinator.inbox[-1].plain.split("?start=")[1].split()[0]
    koordinator.clear()
    newcomer = world.sim.user(4312, first_name="Dewi")
    await newcomer.send(f"/start {token}")
    await newcomer.press(await newcomer.reply(), "Saya setuju")
    await newcomer.press(await newcomer.reply(), "Ubah nama")
    await newcomer.reply()
    await newcomer.send("Bu Dewi")
    await newcomer.press(await newcomer.reply(), "Bahasa Indonesia")
    await newcomer.reply()
    told = await koordinator.reply()
    assert "Bu Dewi" in told.plain  # the name chosen, told once onboarding ends


async def _grant_roles(world: World, telegram_id: int) -> set[str]:
    async with world.db.transaction() as s:
        person = (await s.exec(select(Person).where(Person.telegram_id == telegram_id))).one()
        grants = (await s.exec(select(RoleGrant).where(RoleGrant.person_id == person.id))).all()
    return {g.role for g in grants}
