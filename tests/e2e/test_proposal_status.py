"""/status through the simulator over HTTP: lists by role, one proposal, codes in free text,
the timeline, refusals that look like unknown codes, withdrawal, and user text kept intact.

Proposals are made directly through the domain (the /usulan conversation has its own tests),
acting as the people registered in chat; everything after that is driven through the chat.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlmodel import select

from bot.domain import areas, invites
from bot.domain.actors import SYSTEM, Actor, actor_for, person_by_telegram
from bot.domain.proposals import form, form_lists, review, submit
from bot.i18n import Translator
from bot.simulator import SimMessage, SimUser
from storage.models import Outbox, ProposalEvent, Role
from tests.domain import factories as f
from tests.e2e.conftest import World, eventually, forge_press

# --- helpers shared with test_proposal_review.py ----------------------------------------------


async def register_mitra(world: World, user: SimUser, mitra: str, locale: str = "id") -> None:
    """Onboard `user` as a reviewer of `mitra` (World.register knows only BKM and kota roles)."""
    async with world.db.transaction() as s:
        the_mitra = await areas.find_mitra(s, mitra)
        token = (
            await invites.create_invite(s, world.clock, SYSTEM, role=Role.MITRA, mitra=the_mitra)
        ).token
    await user.send(f"/start {token}")
    await user.reply()
    await user.press(None, "setuju")
    await user.reply()
    await user.press(None, "Ya, benar")
    await user.reply()
    await user.press(None, "English" if locale == "en" else "Bahasa Indonesia")
    await user.reply()
    user.clear()


async def actor_of(world: World, user: SimUser) -> Actor:
    async with world.db.transaction() as s:
        person = await person_by_telegram(s, user.id)
        assert person is not None
        return await actor_for(s, person)


BANDUNG_MITRA = ("Dinas PUPR Kota Bandung", "Yayasan Peduli Bandung")


async def add_makassar_mitra(world: World) -> str:
    async with world.db.transaction() as s:
        await areas.add_mitra(
            s, world.clock, SYSTEM, name="Dinas PU Kota Makassar", kind="dinas", kota="Makassar"
        )
    return "Dinas PU Kota Makassar"


async def make_proposal(
    world: World,
    author: SimUser,
    koordinator: SimUser | None = None,
    *,
    partners: tuple[str, ...] = BANDUNG_MITRA,
    **overrides: Any,
) -> tuple[int, str]:
    """A complete proposal drafted by `author`; submitted by `koordinator` when given."""
    writer = await actor_of(world, author)
    async with world.db.transaction() as s:
        draft = await form.start_or_resume_draft(s, world.clock, writer)
        mitra_ids = [(await areas.find_mitra(s, name)).id for name in partners]
    assert draft.id is not None
    start = world.clock.now().date() + timedelta(days=7)
    values = f.answers(
        SimpleNamespace(dinas=None, peduli=None),  # type: ignore[arg-type]
        mitra=mitra_ids,
        jadwal_mulai=start.strftime("%d/%m/%Y"),
        jadwal_selesai=(start + timedelta(days=60)).strftime("%d/%m/%Y"),
        **overrides,
    )
    await f.fill(world.db, world.clock, writer, draft.id, values)
    if koordinator is None:
        return draft.id, ""
    async with world.db.transaction() as s:
        result = await submit.submit(s, world.clock, await actor_of(world, koordinator), draft.id)
    assert result.code is not None
    return draft.id, result.code


async def act(world: World, user: SimUser, fn: Any, proposal_id: int, **kw: Any) -> None:
    """Run one domain use case as `user` (for setting the scene, not for what is under test)."""
    who = await actor_of(world, user)
    async with world.db.transaction() as s:
        await fn(s, world.clock, who, proposal_id, **kw)


async def in_review(world: World, fasilitator: SimUser, proposal_id: int) -> None:
    await act(world, fasilitator, review.check, proposal_id)
    await act(world, fasilitator, review.complete, proposal_id)


async def settle(world: World, *users: SimUser) -> None:
    """Let the sender deliver every queued notification, then forget them in each inbox."""

    async def drained() -> bool:
        async with world.db.transaction() as s:
            rows = (await s.exec(select(Outbox))).all()
        return all(r.status not in ("pending", "sending") for r in rows)

    await eventually(drained, within=30)
    for user in users:
        await user.wait_idle()
        user.clear()


async def notification(user: SimUser) -> SimMessage:
    """The next message the sender delivers (paced, so it may take a moment)."""
    return await user.reply(timeout=15)


async def show(user: SimUser, text: str) -> SimMessage:
    await user.send(text)
    return await user.reply()


# --- /status lists ----------------------------------------------------------------------------


async def test_status_lists_newest_first_and_pages_in_place(world: World):
    koor = world.sim.user(7001, first_name="Siti")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    codes = [
        (await make_proposal(world, koor, koor, judul=f"Usulan nomor {i}"))[1] for i in range(6)
    ]
    anggota = world.sim.user(7002, first_name="Ani")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    draft_id, _ = await make_proposal(world, anggota, judul="Draf milik Ani")

    await koor.send("/status")
    listing = await koor.reply()
    assert "7 usulan" in listing.plain and "Halaman 1 dari 2" in listing.plain
    # Newest first: Ani's draft is visible to her koordinator, then the codes from the last.
    labels = listing.button_labels()
    assert labels[0].startswith("1. Draf · Draf milik Ani")
    assert [label.split(" · ")[0].split(". ")[1] for label in labels[1:5]] == codes[::-1][:4]
    assert labels[-1] == "Berikutnya ▶️"
    assert f"{codes[5]} “Usulan nomor 5” — Diajukan" in listing.plain
    # The draft's button opens the form (p:open belongs to /usulan).
    assert listing.buttons[0][0].callback_data == f"p:open:{draft_id}"

    await koor.press(listing, "Berikutnya ▶️")
    await koor.wait_idle()
    assert koor.unread == []  # edited in place, no new message
    page2 = koor.inbox[-1]
    assert "Halaman 2 dari 2" in page2.plain
    assert [b for b in page2.button_labels() if "PKT" in b] == [
        f"6. {codes[1]} · Usulan nomor 1",
        f"7. {codes[0]} · Usulan nomor 0",
    ]
    assert page2.button_labels()[-1] == "◀️ Sebelumnya"

    # Opening one replaces the list, with a way back to the same page.
    await koor.press(page2, codes[0])
    await koor.wait_idle()
    opened = koor.inbox[-1]
    assert opened.message_id == listing.message_id and f"📄 {codes[0]}" in opened.plain
    await koor.press(opened, "Kembali ke daftar")
    await koor.wait_idle()
    assert "Halaman 2 dari 2" in koor.inbox[-1].plain

    # The anggota sees the BKM's proposals and her own draft, and takes no action on them.
    await anggota.send("/status")
    mine = await anggota.reply()
    assert "7 usulan" in mine.plain
    view = await show(anggota, f"/status {codes[0]}")
    assert "Tarik usulan" not in " ".join(view.button_labels())


async def test_status_by_fasilitator_and_mitra_and_empty(world: World):
    koor = world.sim.user(7101, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    losari = world.sim.user(7102, first_name="Daeng")
    await world.register(losari, Role.KOORDINATOR, bkm="BKM Losari")
    pid, code = await make_proposal(world, koor, koor, judul="Drainase RW 03")
    _, other = await make_proposal(world, koor, koor, judul="Sanitasi RW 04")
    makassar = await add_makassar_mitra(world)
    _, mks = await make_proposal(
        world, losari, losari, judul="Air bersih Losari", partners=(makassar,)
    )

    faskel = world.sim.user(7103, first_name="Fasil")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    faskel_mks = world.sim.user(7104, first_name="Fasil Mks")
    await world.register(faskel_mks, Role.FASILITATOR, kota="Makassar")
    mitra = world.sim.user(7105, first_name="Dinas")
    await register_mitra(world, mitra, "Dinas PUPR Kota Bandung")

    listing = await show(faskel, "/status")
    assert "2 usulan" in listing.plain and "BKM Sukamaju" in listing.plain
    assert "Losari" not in listing.plain
    listing = await show(faskel_mks, "/status")
    assert "1 usulan" in listing.plain and mks in listing.plain

    # A mitra sees only what was channelled to it and passed the completeness check.
    empty = await show(mitra, "/status")
    assert "Belum ada usulan" in empty.plain and "/usulan" not in empty.plain
    await in_review(world, faskel, pid)
    await settle(world, koor, faskel, mitra)
    listing = await show(mitra, "/status")
    assert "1 usulan" in listing.plain and code in listing.plain and other not in listing.plain

    # The menu button does the same as the command.
    await mitra.send("/menu")
    await mitra.press(await mitra.reply(), "Status usulan")
    assert code in (await mitra.reply()).plain


async def test_hidden_codes_answer_exactly_like_unknown_ones(world: World):
    koor = world.sim.user(7201, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    _, code = await make_proposal(world, koor, koor)
    stranger_koor = world.sim.user(7202, first_name="Lain")
    await world.register(stranger_koor, Role.KOORDINATOR, bkm="BKM Cibeunying")
    faskel_mks = world.sim.user(7203, first_name="Mks")
    await world.register(faskel_mks, Role.FASILITATOR, kota="Makassar")
    mitra = world.sim.user(7204, first_name="Mitra")
    await register_mitra(world, mitra, "Yayasan Peduli Bandung")
    unknown = code[:-4] + "9999"

    for user in (stranger_koor, faskel_mks, mitra):
        hidden = await show(user, f"/status {code}")
        missing = await show(user, f"/status {unknown}")
        assert hidden.plain == missing.plain.replace(unknown, code)
        assert hidden.plain == f"Maaf, usulan {code} tidak ditemukan. Mohon periksa kodenya."
        assert hidden.buttons == missing.buttons == []
        # The same in free text, and for a forged "Lihat usulan" button.
        assert (await show(user, f"gimana {code.lower()}?")).plain == hidden.plain
        await forge_press(user, hidden, f"p:view:{code}")
        assert (await user.reply()).plain == hidden.plain


# --- one proposal -----------------------------------------------------------------------------


async def test_code_in_free_text_shows_fields_and_timeline_without_names(world: World):
    anggota = world.sim.user(7301, first_name="Ratna", last_name="Sari")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    koor = world.sim.user(7302, first_name="Siti", last_name="Aminah")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    faskel = world.sim.user(7303, first_name="Budi", last_name="Santoso")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    pid, code = await make_proposal(world, anggota, koor)
    await act(world, faskel, review.check, pid)
    await act(world, faskel, review.request_revision, pid, note="RAB belum ditandatangani")
    await settle(world, anggota, koor, faskel)

    number = int(code.rsplit("-", 1)[1])
    year = code.split("-")[1]
    await anggota.send(f"Selamat pagi, gimana pkt {year} {number}?")
    view = await anggota.reply()
    text = view.plain
    assert f"📄 {code} “Perbaikan jalan lingkungan RW 05”" in text
    assert "Status: Perlu perbaikan" in text
    assert "BKM Sukamaju, Kelurahan Sukamaju, Bandung" in text
    assert "Jenis Tridaya: Lingkungan (prasarana) · Jalan lingkungan" in text
    assert "Lokasi: RW 05, RT 02 (titik peta tersimpan)" in text
    assert "Penerima manfaat: 120 KK (45 KK miskin), 400 jiwa (210 perempuan)" in text
    assert "Volume: 200 m × 1,5 m" in text and "Status lahan: Milik negara" in text
    assert "Anggaran total: Rp15.000.000" in text
    assert "• BLM PAKET: Rp10.000.000" in text and "• Swadaya tunai: Rp1.000.000" in text
    assert "• Dinas PUPR Kota Bandung: belum menjawab" in text
    assert "KSM pelaksana: KSM Maju Bersama" in text
    # The timeline: every change, when (the reader's zone), who (role and organisation), note.
    async with world.db.transaction() as s:
        events = (await s.exec(select(ProposalEvent).where(ProposalEvent.proposal_id == pid))).all()
    tr = Translator("id", "Asia/Jakarta")
    when = [tr.short_datetime(e.at) for e in events if e.at]
    timeline = text.split("Riwayat\n", 1)[1].splitlines()
    assert timeline == [
        f"• {when[0]} — Draf dibuat — Anggota BKM (BKM Sukamaju)",
        f"• {when[1]} — Diajukan — Koordinator BKM (BKM Sukamaju)",
        f"• {when[2]} — Sedang diperiksa — Fasilitator (Bandung)",
        f"• {when[3]} — Perlu perbaikan — Fasilitator (Bandung)",
        "   Catatan: RAB belum ditandatangani",
    ]
    assert all("WIB" in w for w in when)
    for name in ("Ratna", "Siti", "Budi", "Santoso", "Aminah"):
        assert name not in text
    # The author may edit it: "Perbaiki" opens the form; the anggota may not withdraw.
    flat = [b for row in view.buttons for b in row]
    assert [(b.text, b.callback_data) for b in flat] == [("✏️ Perbaiki", f"p:open:{pid}")]


async def test_timeline_in_the_readers_time_zone(world: World):
    koor = world.sim.user(7401, first_name="Daeng")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Losari")
    _, code = await make_proposal(world, koor, koor, partners=(await add_makassar_mitra(world),))
    view = await show(koor, f"/status {code}")
    assert "WITA" in view.plain and "WIB" not in view.plain


async def test_title_with_markup_characters_and_emoji_is_shown_intact(world: World):
    koor = world.sim.user(7501, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    anggota = world.sim.user(7502, first_name="Ang")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    title = "Jalan <RW 05> & drainase 🚧"
    _, code = await make_proposal(world, anggota, koor, judul=title, ksm_pelaksana="KSM A&B <1>")
    notified = await notification(anggota)  # "submitted", from the koordinator's action
    assert f"“{title}”" in notified.plain and "&lt;RW 05&gt; &amp;" in notified.html

    listing = await show(koor, "/status")
    assert f"“{title}”" in listing.plain and "&lt;RW 05&gt; &amp; drainase 🚧" in listing.html
    assert listing.button_labels()[0] == f"1. {code} · {title}"  # labels are not HTML
    await koor.press(listing, code)
    await koor.wait_idle()
    view = koor.inbox[-1]
    assert f"“{title}”" in view.plain and "KSM pelaksana: KSM A&B <1>" in view.plain
    world.sim.assert_no_errors()


# --- withdrawal -------------------------------------------------------------------------------


async def test_koordinator_withdraws_with_confirmation_and_reason(world: World):
    anggota = world.sim.user(7601, first_name="Ang")
    await world.register(anggota, Role.ANGGOTA, bkm="BKM Sukamaju")
    koor = world.sim.user(7602, first_name="Koor")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    faskel = world.sim.user(7603, first_name="Fasil")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    _, code = await make_proposal(world, anggota, koor)
    await settle(world, anggota, koor, faskel)

    view = await show(koor, f"/status {code}")
    assert "🚫 Tarik usulan" in view.button_labels()
    await koor.press(view, "Tarik usulan")
    sure = await koor.reply()
    assert "Yakin ingin menarik usulan" in sure.plain
    await koor.press(sure, "Tidak")
    await koor.wait_idle()
    assert koor.inbox[-1].plain == "Baik, usulan tidak ditarik."

    view = await show(koor, f"/status {code}")
    await koor.press(view, "Tarik usulan")
    await koor.press(await koor.reply(), "Ya, tarik usulan")
    ask = await koor.reply()
    assert "alasan penarikan" in ask.plain and ask.button_labels() == ["Lewati", "Batal"]
    await koor.send_sticker()
    assert "Mohon tulis catatannya sebagai teks, atau pilih Lewati." in (await koor.reply()).plain
    await koor.send("Dana sudah didapat dari CSR")
    done = await koor.reply()
    assert f"Usulan {code}" in done.plain and "sekarang berstatus Ditarik" in done.plain
    assert "Tarik usulan" not in " ".join(done.button_labels())

    told = (await notification(faskel)).plain
    assert f"Usulan {code}" in told and "ditarik oleh BKM" in told
    assert "Alasan: Dana sudah didapat dari CSR" in told
    author = (await notification(anggota)).plain
    assert "sekarang: Ditarik" in author and "Alasan: Dana sudah didapat dari CSR" in author
    await anggota.wait_idle()
    assert anggota.unread == []  # told once

    view = await show(koor, f"/status {code}")
    assert "Status: Ditarik" in view.plain and "Alasan: Dana sudah didapat dari CSR" in view.plain
    assert view.buttons == []


async def test_a_reviewer_gets_the_attachments_sent_into_the_chat(world: World):
    koor = world.sim.user(7401, first_name="Siti")
    await world.register(koor, Role.KOORDINATOR, bkm="BKM Sukamaju")
    faskel = world.sim.user(7402, first_name="Budi")
    await world.register(faskel, Role.FASILITATOR, kota="Bandung")
    # The koordinator's phone uploads the RAB; the bot keeps only Telegram's file id.
    await koor.send_document(b"%PDF-1.4 RAB", filename="rab.pdf", mime_type="application/pdf")
    await koor.reply()
    uploaded = [m for m in koor.chat.messages.values() if "document" in m][-1]["document"]
    pid, _ = await make_proposal(world, koor)
    writer = await actor_of(world, koor)
    async with world.db.transaction() as s:
        await form_lists.add_attachment(
            s,
            world.clock,
            writer,
            pid,
            kind="document",
            file_id=uploaded["file_id"],
            file_name="rab.pdf",
            mime_type="application/pdf",
        )
        code = (await submit.submit(s, world.clock, writer, pid)).code
    await settle(world, koor, faskel)

    view = await show(faskel, f"/status {code}")
    await faskel.press(view, "Lihat lampiran (1)")
    sent = await faskel.reply()
    assert sent.document is not None and sent.document["file_name"] == "rab.pdf"
    assert f"Lampiran 1 dari 1, usulan {code}: rab.pdf" in sent.plain
