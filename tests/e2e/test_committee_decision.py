"""The committee decides, through the simulator over HTTP: the fasilitator checks and verifies,
the Panitia Kemitraan's secretary records the decision with the meeting's date, and everyone —
the BKM, the fasilitator, the committee and the partners — is told in their own language, each
message naming the committee. A revision note too short to help is refused, then a proper one
is shown back and confirmed before it reaches the BKM."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM
from bot.i18n import Translator
from bot.simulator import SimMessage, SimUser
from storage.committee_models import CommitteeDecision
from storage.models import Proposal, Role
from tests.e2e.conftest import World, forge_press
from tests.e2e.test_proposal_status import make_proposal, notification, register_mitra, settle, show

ROOT = Path(__file__).resolve().parents[2]


async def _press(user: SimUser, message: SimMessage | None, label: str) -> SimMessage:
    await user.press(message, label)
    return await user.reply()


async def _cast(world: World, base: int) -> dict[str, SimUser]:
    """A BKM (author in Indonesian, koordinator in English), a fasilitator, the committee of
    Bandung (a member in English, the secretary in Indonesian) and a Dinas (in English)."""
    users = {
        "anggota": world.sim.user(base + 1, first_name="Ratna"),
        "koor": world.sim.user(base + 2, first_name="Kevin"),
        "faskel": world.sim.user(base + 3, first_name="Budi"),
        "panitia": world.sim.user(base + 4, first_name="Maria"),
        "sekretaris": world.sim.user(base + 5, first_name="Sri"),
        "dinas": world.sim.user(base + 6, first_name="Dewi"),
    }
    await world.register(users["anggota"], Role.ANGGOTA, bkm="BKM Sukamaju")
    await world.register(users["koor"], Role.KOORDINATOR, bkm="BKM Sukamaju", locale="en")
    await world.register(users["faskel"], Role.FASILITATOR, kota="Bandung")
    await world.register(users["panitia"], Role.PANITIA, kota="Bandung", locale="en")
    await world.register(users["sekretaris"], Role.PANITIA, kota="Bandung")
    async with world.db.transaction() as s:  # the secretary right (`paket-bot user grant`)
        bandung = await areas.find_kota(s, "Bandung")
        await people.grant_role(s, world.clock, SYSTEM, telegram_id=base + 5,
                                role=Role.SEKRETARIS, kota=bandung)  # fmt: skip
    await register_mitra(world, users["dinas"], "Dinas PUPR Kota Bandung", locale="en")
    return users


async def _verify(world: World, faskel: SimUser, code: str) -> SimMessage:
    """The fasilitator's part, through the queue: check, then verify."""
    queue = await show(faskel, "/tinjau")
    assert "Perlu diperiksa kelengkapannya" in queue.plain
    await faskel.press(queue, code)
    await faskel.wait_idle()
    done = await _press(faskel, queue, "Periksa kelengkapan")
    done = await _press(faskel, done, "Lengkap, lanjut ditinjau")
    assert "sekarang berstatus Sedang ditinjau" in done.plain
    # The fasilitator does not decide: no decision button, nothing worded as approving.
    assert not any("keputusan" in b.lower() or "setuju" in b.lower() for b in done.button_labels())
    return done


async def test_draft_to_a_committee_decision_told_to_everyone(world: World):
    u = await _cast(world, 9100)
    pid, code = await make_proposal(world, u["anggota"], u["koor"])
    await settle(world, *u.values())
    await _verify(world, u["faskel"], code)
    told = await notification(u["panitia"])  # the committee hears it waits for them (English)
    assert f"Proposal {code}" in told.plain and "Panitia Kemitraan of Bandung City" in told.plain
    await settle(world, *u.values())

    # The fasilitator's queue now says it waits for the committee; the member's queue lists it.
    assert "Menunggu keputusan Panitia Kemitraan" in (await show(u["faskel"], "/tinjau")).plain
    member_queue = await show(u["panitia"], "/review")
    assert code in member_queue.plain
    await u["panitia"].press(member_queue, code)
    await u["panitia"].wait_idle()
    assert "Catat keputusan" not in " ".join(
        member_queue.button_labels()
    )  # a member, not secretary

    # The secretary records it: outcome, the meeting's date, the amount, then a confirmation.
    sek = u["sekretaris"]
    view = await show(sek, f"/status {code}")
    ask = await _press(sek, view, "Catat keputusan Panitia")
    assert "Keputusan rapat Panitia Kemitraan Kota Bandung" in ask.plain
    assert ask.button_labels() == ["👍 Disetujui", "⏳ Masuk daftar tunggu", "✖️ Tidak disetujui",
                                   "Batal"]  # fmt: skip
    ask = await _press(sek, ask, "Disetujui")
    assert "Kapan rapat Panitia Kemitraan Kota Bandung yang memutuskannya?" in ask.plain
    # "Today" is Bandung's (WIB): from 17.00 UTC on, UTC's tomorrow is already today there.
    day = world.clock.now().astimezone(ZoneInfo("Asia/Jakarta")).date()
    tomorrow = day + timedelta(days=1)
    await sek.send(tomorrow.strftime("%d/%m/%Y"))
    assert "tidak boleh setelah hari ini" in (await sek.reply()).plain  # asked again
    await sek.send(day.strftime("%d/%m/%Y"))
    ask = await sek.reply()
    assert "Berapa dana BLM PAKET yang disetujui Panitia" in ask.plain
    await sek.send("20 juta")
    assert "tidak boleh lebih dari anggaran total" in (await sek.reply()).plain
    await sek.send("9 juta")
    check = await sek.reply()
    day_id, day_en = Translator("id").date(day), Translator("en").date(day)
    assert "Keputusan: Disetujui" in check.plain and "Rp9.000.000" in check.plain
    assert f"Diputuskan dalam rapat Panitia Kemitraan Kota Bandung, {day_id}." in check.plain
    done = await _press(sek, check, "Ya, catat keputusan")
    assert f"Keputusan Panitia untuk usulan {code}" in done.plain and "Disetujui" in done.plain

    async with world.db.transaction() as s:
        proposal = await s.get_one(Proposal, pid)
        decision = (await s.exec(select(CommitteeDecision))).one()
    assert (proposal.status, proposal.approved_amount) == ("disetujui", 9_000_000)
    assert (decision.meeting_date, decision.amount) == (day, 9_000_000)

    # Everyone hears it, in their language, naming the committee and the date.
    said_id = f"Diputuskan dalam rapat Panitia Kemitraan Kota Bandung, {day_id}."
    said_en = f"Decided at the meeting of the Panitia Kemitraan of Bandung City, {day_en}."
    for who, said, status in (("anggota", said_id, "Disetujui"), ("faskel", said_id, "Disetujui"),
                              ("koor", said_en, "Approved"), ("panitia", said_en, "Approved"),
                              ("dinas", said_en, "Approved")):  # fmt: skip
        message = await notification(u[who])
        assert said in message.plain and code in message.plain and status in message.plain, who
    assert "Rp9,000,000" in message.plain  # the mitra hears the approved amount too (in English)

    # The proposal shows the decision as the committee's.
    shown = await show(u["koor"], f"/status {code}")
    assert "Panitia Kemitraan" in shown.plain and "Sekretaris" not in shown.plain

    # Nobody was told the fasilitator decided; no button asked the fasilitator to approve.
    _no_fasilitator_decides(u.values())


def _no_fasilitator_decides(users) -> None:
    decider = re.compile(
        r"(disetujui|ditolak|diputuskan|approved|decided) (oleh|by) (the )?fasilitator"
        r"|fasilitator\S* (menyetujui|memutuskan|menolak|approves|decides|rejects)",
        re.IGNORECASE,
    )
    for user in users:
        for message in user.inbox:
            assert not decider.search(message.plain), message.plain
            assert (
                "Setujui" not in message.button_labels() and "Tolak" not in message.button_labels()
            )


async def test_a_revision_note_needs_words_and_is_shown_before_it_is_sent(world: World):
    u = await _cast(world, 9200)
    pid, code = await make_proposal(world, u["anggota"], u["koor"])
    await settle(world, *u.values())
    faskel = u["faskel"]
    view = await show(faskel, f"/status {code}")
    ask = await _press(faskel, view, "Minta perbaikan")
    assert "Apa yang perlu diperbaiki" in ask.plain
    await faskel.send("ok")
    refused = await faskel.reply()
    assert "paling sedikit 3 kata" in refused.plain
    await faskel.send("Mohon lengkapi RAB & foto lokasi <RW 05>")
    shown = await faskel.reply()
    assert "Catatan ini akan dikirim kepada BKM" in shown.plain
    assert "Mohon lengkapi RAB & foto lokasi <RW 05>" in shown.plain  # escaped, shown as typed
    assert shown.button_labels() == ["✅ Kirim ke BKM", "✏️ Tulis ulang", "Batal"]
    async with world.db.transaction() as s:
        assert (await s.get_one(Proposal, pid)).status == "diajukan"  # nothing sent yet
    again = await _press(faskel, shown, "Tulis ulang")
    assert "Apa yang perlu diperbaiki" in again.plain
    await faskel.send("Mohon lengkapi RAB dan foto lokasi RW 05")
    shown = await faskel.reply()
    done = await _press(faskel, shown, "Kirim ke BKM")
    assert "sekarang berstatus Perlu perbaikan" in done.plain
    # A stale Kirim (pressed again) sends nothing twice.
    await forge_press(faskel, shown, f"rv:send:{pid}")
    told = await notification(u["anggota"])
    assert "Catatan: Mohon lengkapi RAB dan foto lokasi RW 05" in told.plain
    await settle(world, *u.values())
    assert u["anggota"].unread == []


def test_no_new_text_words_the_fasilitator_as_the_decider():
    """The msgids of the decision's modules: the committee decides, never the fasilitator."""
    files = [
        "bot/domain/proposals/decision.py", "bot/domain/proposals/committee.py",
        "bot/domain/proposals/notify.py", "bot/domain/proposals/lifecycle.py",
        "conversations/proposal_decision.py", "conversations/proposal_views.py",
        "conversations/proposal_action_input.py", "conversations/proposal_review.py",
    ]  # fmt: skip
    strings = [
        text
        for name in files
        for text in re.findall(r'"([^"\n]{3,})"', (ROOT / name).read_text(encoding="utf-8"))
    ]
    assert any("Panitia" in t for t in strings)  # the search reads the texts at all
    for text in strings:
        lowered = text.lower()
        assert not ("fasilitator" in lowered and re.search(r"setuju|putus|tolak", lowered)), text
    assert '"Setujui"' not in (ROOT / "bot/domain/proposals/lifecycle.py").read_text()
    assert "Belum dapat disetujui" not in (ROOT / "bot/domain/proposals/lifecycle.py").read_text()
