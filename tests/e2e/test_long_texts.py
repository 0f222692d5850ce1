"""A proposal with every long value at its maximum still opens everywhere (issue 11, item 1).

Seven partners declined with long reasons (emoji and HTML characters, so the escaping and
UTF-16 counting both matter): /status CODE, the fasilitator's queue and "Lihat usulan" each show
it within Telegram's limit, with the fasilitator's action buttons, and "📖 Baca selengkapnya"
sends every reason whole, split into messages that each fit. The simulator refuses any message
over 4096 UTF-16 units, as Telegram does.
"""

from __future__ import annotations

from bot.domain import areas
from bot.domain.actors import SYSTEM
from bot.domain.proposals import review
from storage.models import ProposalEvent, ProposalPartner, Role
from tests.e2e.conftest import World
from tests.e2e.test_proposal_status import act, make_proposal, settle, show

REASON = ("Anggaran <tahun> ini & berikutnya 🙏 sudah habis untuk kegiatan lain. " * 9)[:490]
NAME = "Yayasan 🌱 <Peduli> & Sejahtera {n} " + "Kota Bandung " * 8
URAIAN = ("Perbaikan 🛠️ jalan <lingkungan> & saluran air di RW 05 bersama warga. " * 30)[:2000]


async def _seven_declines(world: World, proposal_id: int) -> list[str]:
    """Seven more partners, each declined with a long reason, and the timeline lines for it."""
    names = [NAME.format(n=n)[:100].strip() for n in range(7)]
    async with world.db.transaction() as s:
        for n, name in enumerate(names):
            mitra = await areas.add_mitra(
                s, world.clock, SYSTEM, name=name, kind="kelompok_peduli", kota="Bandung"
            )
            assert mitra.id is not None
            s.add(ProposalPartner(proposal_id=proposal_id, mitra_id=mitra.id, answer="declined",
                                  note=f"{n}: {REASON}", answered_at=world.clock.now()))  # fmt: skip
            s.add(ProposalEvent(proposal_id=proposal_id, at=world.clock.now(), kind="decline",
                                from_status="diajukan", to_status="diajukan",
                                actor_label=f"mitra:{name}", note=f"{n}: {REASON * 2}"[:1000]))  # fmt: skip
    return names


async def test_a_proposal_with_seven_long_declines_opens_everywhere(world: World):
    koor = world.sim.user(9201, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    faskel = world.sim.user(9202, first_name="Fasil")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    pid, code = await make_proposal(world, koor, koor, judul="😀<&>" * 25, uraian=URAIAN)
    await _seven_declines(world, pid)
    await settle(world, koor, faskel)

    by_code = await show(faskel, f"/status {code}")
    assert f"📄 {code}" in by_code.plain and "…" in by_code.plain
    assert "🔍 Periksa kelengkapan" in " ".join(by_code.button_labels())
    assert "📖 Baca selengkapnya" in by_code.button_labels()

    queue = await show(faskel, "/tinjau")
    await faskel.press(queue, code)
    await faskel.wait_idle()
    assert f"📄 {code}" in queue.plain and "📖 Baca selengkapnya" in queue.button_labels()

    await faskel.press(queue, "📖 Baca selengkapnya")
    await faskel.wait_idle()
    whole = [m.plain for m in faskel.unread]
    assert len(whole) > 1  # split: seven reasons and fourteen notes are more than one message
    text = "\n".join(whole)
    assert text.count(REASON) == 7 + 7 * 2  # every reason whole: partners, then timeline notes
    assert URAIAN in text
    faskel.clear()

    await act(world, faskel, review.check, pid)
    told = await koor.reply(timeout=15)
    await koor.press(told, "Lihat usulan")
    opened = await koor.reply()
    assert f"📄 {code}" in opened.plain and "Sedang diperiksa" in opened.plain


async def test_status_with_a_very_long_argument_answers_briefly(world: World):
    koor = world.sim.user(9203, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    answer = await show(koor, "/status " + "😀x" * 1400)
    assert "tidak ditemukan" in answer.plain and len(answer.plain) < 200


async def test_the_form_summary_with_a_long_uraian_keeps_ajukan(world: World):
    koor = world.sim.user(9204, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    emoji = ("😀🙏 <b>&amp;</b> " * 200)[:2000]
    await make_proposal(world, koor, uraian=emoji, judul="🛠️" * 50)
    await koor.send("/usulan")
    await koor.press(await koor.reply(), "▶️ Lanjutkan")
    summary = await koor.reply()
    assert "Ringkasan usulan" in summary.plain
    assert any("Ajukan" in label for label in summary.button_labels())
    assert "📖 Baca selengkapnya" in summary.button_labels()
