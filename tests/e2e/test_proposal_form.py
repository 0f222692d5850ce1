"""/usulan end to end through the simulator: fill, fix, leave, resume, submit, hand over, revise."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from bot.domain import areas, people
from bot.domain.actors import SYSTEM, actor_for, person_by_telegram
from bot.domain.proposals import review, steps
from bot.domain.proposals.steps import STEP_NAMES
from bot.i18n import Translator
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, SimUser, sample_png
from storage.models import AuditLog, Dialog, Proposal, ProposalAttachment, ProposalPartner, Role
from tests.e2e.conftest import World, eventually, forge_press

SUMMARY = "Ringkasan usulan"
JUDUL = "Jalan <Gang> & Drainase 🌧️ RW 05"
MONTHS = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")  # fmt: skip
# How a step is answered: typed text, a button label (msgid), or one of these.
SKIP, LOCATION, PHOTO, PDF, ONE_PHOTO = "<skip>", "<location>", "<photo>", "<pdf>", "<one photo>"


def today() -> date:
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()


def answers(**overrides: object) -> dict[str, object]:
    """A complete, valid form: 15 juta = 10 juta BLM + 4 juta APBD kota + 1 juta swadaya."""
    start = today() + timedelta(days=7)
    end = start + timedelta(days=60)
    base: dict[str, object] = {
        "judul": JUDUL,
        "jenis": ("Lingkungan",),
        "komponen": ("Jalan lingkungan",),
        "uraian": "Memperbaiki jalan lingkungan 200 meter yang rusak & sering tergenang air.",
        "volume": "200 m × 1,5 m",
        "rw": "05",
        "rt": "2",
        "lokasi": LOCATION,
        "status_lahan": ("Hibah warga",),
        "kk": "120",
        "kk_miskin": "45",
        "jiwa": "400",
        "perempuan": "210",
        "rencana": ("Ya, di PJM Pronangkis",),
        "rencana_program": "Perbaikan prasarana lingkungan",
        "anggaran_total": "15 juta",
        "sumber_dana": ("BLM PAKET", "APBD kota", "Swadaya tunai"),
        "dana_blm": "Rp 10.000.000",
        "dana_apbd_kota": "4jt",
        "dana_swadaya_tunai": "1 juta",
        "swadaya_hok": SKIP,
        "mitra": ("Dinas PUPR", "Yayasan Peduli"),
        "jadwal_mulai": f"{start.day}/{start.month}/{start.year}",
        "jadwal_selesai": f"{end.day} {MONTHS[end.month]} {end.year}",
        "ksm_pelaksana": "KSM Maju Bersama",
        "pemeliharaan": ("KPP (kelompok pemanfaat dan pemelihara)",),
        "lurah": f"{today().day}/{today().month}/{today().year}",
        "berita_acara": ONE_PHOTO,
        "lampiran": PHOTO,
    }
    base.update(overrides)
    return base


# What the helpers look for and press, in each language a person may use.
WORDS = {
    "id": {"counter": "Pertanyaan ", "skip": "Lewati", "done": "Selesai",
           "pin": "📍 Kirim lokasi", "one_file": "Lampiran diterima: 1 berkas", "summary": SUMMARY},
    "en": {"counter": "Question ", "skip": "Skip", "done": "Done",
           "pin": "📍 Send location", "one_file": "Attachments received: 1 file",
           "summary": "Proposal summary"},
}  # fmt: skip
LANGUAGE: dict[int, str] = {}  # telegram id → the language the person registered with


def words(user: SimUser) -> dict[str, str]:
    return WORDS[LANGUAGE.get(user.id, "id")]


def asked(step: str, lang: str = "id") -> str:
    """What the question of `step` says (its prompt, up to any example it fills in)."""
    prompt = Translator(lang)._(steps.prompt_of(steps.STEPS_BY_NAME[step], "kota"))
    return prompt.split("{")[0].strip()


def step_of(message: SimMessage, lang: str = "id") -> str | None:
    """Which question `message` asks (None: not a question)."""
    if WORDS[lang]["counter"] not in message.plain:
        return None
    found = [n for n in STEP_NAMES if asked(n, lang) in message.plain]
    return max(found, key=lambda n: len(asked(n, lang)), default=None)


async def next_with(user: SimUser, text: str) -> SimMessage:
    """Read new bot messages until one contains `text` (others, like hints, are passed over)."""
    while True:
        message = await user.reply()
        if text in message.plain:
            return message


def current(user: SimUser, message: SimMessage) -> SimMessage:
    """`message` as it is now (after edits)."""
    return next(m for m in user.inbox if m.message_id == message.message_id)


async def _tick(user: SimUser, question: SimMessage, labels: tuple[str, ...], done: str) -> None:
    """Press each button (waiting for its ✅), then Selesai: the partners, the funding sources."""
    for label in labels:
        await user.press(current(user, question), label)
        await eventually(
            lambda label=label: any(
                label in b and b.startswith("✅") for b in current(user, question).button_labels()
            )
        )
    await user.press(current(user, question), done)


async def answer(user: SimUser, question: SimMessage, step: str, value: object) -> None:
    """Answer one question the way a person would: type, press, share, send a photo."""
    said = words(user)
    tr = Translator(LANGUAGE.get(user.id, "id"))
    if value == SKIP:
        await user.press(question, said["skip"])
    elif value == LOCATION:
        await user.tap(said["pin"])
    elif value == ONE_PHOTO:
        await user.send_photo(sample_png())
    elif value in (PHOTO, PDF):
        if value == PHOTO:
            await user.send_photo(sample_png())
        else:
            await user.send_document(
                b"%PDF-1.4 RAB", filename="rab.pdf", mime_type="application/pdf"
            )
        received = await next_with(user, said["one_file"])
        await user.press(received, said["done"])
    elif isinstance(value, tuple) and step in ("mitra", "sumber_dana"):
        await _tick(user, question, tuple(tr._(label) for label in value), said["done"])
    elif isinstance(value, tuple):
        await user.press(question, tr._(value[0]))
    else:
        await user.send(str(value))


async def question_of(user: SimUser, step: str) -> SimMessage:
    """The question of `step` (and, for the map pin, the location keyboard sent after it)."""
    lang = LANGUAGE.get(user.id, "id")
    while True:
        question = await next_with(user, WORDS[lang]["counter"])
        if step_of(question, lang) == step:
            break
    if step == "lokasi":
        await next_with(user, WORDS[lang]["pin"].removeprefix("📍 "))
    return question


async def _next_question(user: SimUser, after: str) -> tuple[str | None, SimMessage]:
    """The next question after `after` was answered, or (None, the summary)."""
    lang = LANGUAGE.get(user.id, "id")
    while True:
        message = await user.reply()
        if WORDS[lang]["summary"] in message.plain:
            return None, message
        name = step_of(message, lang)
        if name is not None and name != after:  # not the same question shown again
            if name == "lokasi":
                await next_with(user, WORDS[lang]["pin"].removeprefix("📍 "))
            return name, message


async def fill(
    user: SimUser,
    question: SimMessage,
    values: dict[str, object] | None = None,
    *,
    until: str | None = None,
) -> SimMessage:
    """From the question shown (`question`) to the summary, or until step `until` is asked."""
    values = values or answers()
    lang = LANGUAGE.get(user.id, "id")
    name = step_of(question, lang)
    assert name is not None, question.plain
    while name != until:
        await answer(user, question, name, values[name])
        following, question = await _next_question(user, name)
        if following is None:
            assert until is None, f"the summary came before {until}"
            return question
        name = following
    return question


async def start_form(user: SimUser) -> SimMessage:
    """/usulan on a new draft: the first question."""
    await user.send("/usulan")
    return await question_of(user, "judul")


async def members(world: World, *people_: tuple[int, Role, str] | tuple[int, Role, str, str]):
    """Register people: (telegram id, role, BKM or kota name[, language])."""
    people = []
    for telegram_id, role, where, *lang in people_:
        user = world.sim.user(telegram_id, first_name=f"U{telegram_id}")
        LANGUAGE[telegram_id] = locale = lang[0] if lang else "id"
        if role == Role.FASILITATOR:
            await world.register(user, role, kota=where, locale=locale)
        else:
            await world.register(user, role, bkm=where, locale=locale)
        people.append(user)
    return people


async def proposals(world: World) -> list[Proposal]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(Proposal).order_by(col(Proposal.id)))).all())


async def dialog_of(world: World, user: SimUser) -> Dialog | None:
    async with world.db.transaction() as s:
        return await s.get(Dialog, user.id)


def code_pattern() -> re.Pattern[str]:
    return re.compile(rf"PKT-{today().year}-\d{{4}}")


# --- the happy path ---------------------------------------------------------------------------


async def test_koordinator_answers_every_step_and_submits(world: World):
    fasilitator, koordinator, other = await members(
        world,
        (8101, Role.FASILITATOR, "Bandung"),
        (8102, Role.KOORDINATOR, "BKM Sukamaju"),
        (8103, Role.KOORDINATOR, "BKM Sukamaju"),
    )
    await koordinator.send("/usulan")
    intro, first = await koordinator.replies(2)
    assert "BKM Sukamaju" in intro.plain and "/batal" in intro.plain
    assert asked("judul") in first.plain and first.button_labels() == []  # nothing to go back to

    summary = await fill(koordinator, first)
    text = summary.plain
    assert f"Judul: {JUDUL}" in text and "&lt;Gang&gt; &amp; Drainase 🌧️" in summary.html
    assert "Jenis Tridaya: Lingkungan (prasarana)" in text and "Komponen: Jalan lingkungan" in text
    assert "rusak & sering tergenang" in text and "RW: 05" in text and "RT: 02" in text
    assert "Titik lokasi: -6.20000, 106.80000" in text and "Volume: 200 m × 1,5 m" in text
    assert "KK penerima manfaat: 120" in text and "Jiwa penerima manfaat: 400" in text
    assert "Jiwa perempuan: 210" in text and "Status lahan: Hibah warga" in text
    assert "Rencana BKM: Ya, di PJM Pronangkis" in text and "Pemeliharaan: KPP" in text
    assert "Anggaran total (RAB): Rp15.000.000" in text
    assert "BLM PAKET: Rp10.000.000" in text and "APBD kota: Rp4.000.000" in text
    assert "Jumlah: Rp15.000.000" in text and "sama dengan anggaran total" in text
    assert "APBD provinsi" not in text and "HOK" not in text  # not chosen: not asked, not shown
    assert f"Mengetahui Lurah: Ya, {today().day} {MONTHS[today().month]}" in text
    assert "Berita acara rapat BKM: 📎 terlampir" in text
    assert "Mitra yang dituju: Dinas PUPR Kota Bandung, Yayasan Peduli Bandung" in text
    start = today() + timedelta(days=7)
    assert f"Tanggal mulai: {start.day} {MONTHS[start.month]} {start.year}" in text
    assert "Lampiran: 1 berkas" in text and "KSM pelaksana: KSM Maju Bersama" in text
    assert koordinator.keyboard is None  # the location keyboard went away after the pin
    assert summary.button_labels() == ["📨 Ajukan", "✏️ Ubah isian", "🗑 Hapus draf"]

    await koordinator.press(summary, "Ajukan")
    done = await next_with(koordinator, "sudah diajukan dengan kode")
    code = code_pattern().search(done.plain)
    assert code is not None and "/status" in done.plain
    told = await next_with(fasilitator, "Usulan baru")
    assert code.group(0) in told.plain and f"“{JUDUL}” dari BKM Sukamaju" in told.plain
    assert code.group(0) in (await next_with(other, "sekarang: Diajukan")).plain

    (proposal,) = await proposals(world)
    assert (proposal.status, proposal.code, proposal.judul) == ("diajukan", code.group(0), JUDUL)
    assert (proposal.rw, proposal.rt, proposal.kk, proposal.anggaran_total) == (
        "05", "02", 120, 15_000_000,
    )  # fmt: skip
    assert (proposal.dana_apbd_provinsi, proposal.latitude) == (None, -6.2)
    assert proposal.berita_acara_kind == "photo" and proposal.berita_acara_file_id
    async with world.db.transaction() as s:
        assert len((await s.exec(select(ProposalPartner))).all()) == 2
        assert len((await s.exec(select(ProposalAttachment))).all()) == 1
    assert await dialog_of(world, koordinator) is None
    world.sim.assert_no_errors()


# --- invalid input ----------------------------------------------------------------------------


async def refused(user: SimUser, step: str, reason: str) -> SimMessage:
    """The bot says why (with the way out) and asks the same question again."""
    problem = await next_with(user, reason)
    assert "Silakan coba lagi" in problem.plain and "/batal" in problem.plain
    return await question_of(user, step)


async def test_invalid_input_at_every_step_is_explained_and_asked_again(world: World):
    (user,) = await members(world, (8201, Role.KOORDINATOR, "BKM Sukamaju"))
    q = await start_form(user)
    bad: list[tuple[str, Any, str]] = [
        ("judul", "abc", "Judul harus 5 sampai 100 huruf"),
        ("judul", "sticker", "ketik jawabannya"),
        ("judul", "photo", "ketik jawabannya"),
        ("jenis", "apa saja", "pilih salah satu tombol"),
        ("uraian", "pendek", "Uraian harus 20 sampai 2000 huruf"),
        ("uraian", "Warga 3201234567890123 perlu jalan yang layak", "NIK"),
        ("volume", "x", "Volume harus"),
        ("rw", "lima", "nomor RW"),
        ("rt", "0", "nomor RT"),
        ("lokasi", "di sini", "atau pilih Lewati"),
        ("lokasi", (51.5, -0.12), "di luar Indonesia"),
        ("status_lahan", "punya warga", "pilih salah satu tombol"),
        ("kk", "banyak", "angka bulat"),
        ("kk_miskin", "500", "tidak boleh lebih dari jumlah KK"),
        ("jiwa", "100", "kurang dari jumlah KK"),
        ("perempuan", "-3", "tidak boleh negatif"),
        ("anggaran_total", "lima belas juta", "jumlah dalam rupiah"),
        ("anggaran_total", "0", "lebih dari nol"),
        ("sumber_dana", "BLM PAKET", "centang sumber dana dengan tombol"),
        ("sumber_dana", "Selesai", "paling sedikit satu sumber dana"),
        ("dana_swadaya_tunai", "20 juta", "Sisa yang belum terisi: Rp1.000.000"),
        ("mitra", "Dinas PUPR", "pilih mitra dengan tombol"),
        ("mitra", "Selesai", "paling sedikit satu mitra"),
        ("jadwal_mulai", "besok pagi", "Mohon tulis tanggal"),
        ("jadwal_mulai", "1/1/2020", "sebelum hari ini"),
        ("jadwal_mulai", "31/2/2027", "tidak ada di kalender"),
        ("jadwal_selesai", "1/1/2020", "sebelum tanggal mulai"),
        ("ksm_pelaksana", "ab", "Nama KSM harus"),
        ("lurah", "sudah", "Mohon tulis tanggal"),
        ("berita_acara", "ada di kantor", "foto atau berkas PDF berita acara"),
        ("lampiran", "ini fotonya", "foto atau berkas PDF"),
        ("lampiran", "document", "foto atau berkas PDF"),
    ]
    values = answers()
    for step, value, reason in bad:
        q = await fill(user, q, values, until=step)
        if value == "sticker":
            await user.send_sticker()
        elif value == "photo":
            await user.send_photo(sample_png())
        elif value == "document":
            await user.send_document(
                b"PK\x03\x04", filename="rab.docx", mime_type="application/msword"
            )
        elif isinstance(value, tuple):
            await user.share_location(*value)
        elif value == "Selesai":
            await user.press(q, "Selesai")
        else:
            await user.send(value)
        q = await refused(user, step, reason)
        (draft,) = await proposals(world)
        assert draft.step == step  # still at the same question
        if step not in ("mitra", "lampiran", "lokasi", "sumber_dana", "lurah", "berita_acara"):
            assert getattr(draft, step) is None  # nothing invalid was stored
    summary = await fill(user, q, values)
    assert SUMMARY in summary.plain
    (draft,) = await proposals(world)
    assert (draft.kk_miskin, draft.dana_swadaya_tunai, draft.jadwal_selesai) == (
        45, 1_000_000, today() + timedelta(days=67),
    )  # fmt: skip
    world.sim.assert_no_errors()


# --- back, skip, cancel, resume ---------------------------------------------------------------


async def test_back_skip_cancel_and_resume_keep_the_draft(world: World):
    (user,) = await members(world, (8301, Role.ANGGOTA, "BKM Sukamaju"))
    q = await fill(user, await start_form(user), until="komponen")
    await user.press(q, "Kembali")
    jenis = await next_with(user, asked("jenis"))
    assert "Isian sekarang: Lingkungan (prasarana)" in jenis.plain
    assert "✅ Lingkungan (prasarana)" in jenis.button_labels()
    await user.press(jenis, "Sosial")
    komponen = await next_with(user, asked("komponen"))
    assert "Pelatihan" in komponen.button_labels() and "Drainase" not in komponen.button_labels()
    assert "✅ Sosial" in current(user, jenis).plain  # the pressed question shows the answer

    q = await fill(user, komponen, answers(komponen=("Pelatihan",)), until="lokasi")
    assert "Lewati ➡️" in q.button_labels()
    await eventually(lambda: user.keyboard)
    await user.press(q, "Lewati")
    gone = await next_with(user, "dilewati")
    assert gone.remove_keyboard
    await next_with(user, asked("kk"))
    assert user.keyboard is None

    await user.send("/batal")
    cancelled, menu = await user.replies(2)
    assert "tetap tersimpan sebagai draf" in cancelled.plain and menu.button_labels()
    assert await dialog_of(world, user) is None
    await user.send("120")  # no form open: not taken as an answer
    assert "belum mengerti" in (await user.reply()).plain

    await user.send("/usulan")
    offer = await user.reply()
    assert "masih punya draf" in offer.plain and JUDUL in offer.plain
    await user.send("45")  # typed before seeing the question: it only brings the question back
    await next_with(user, asked("kk"))
    await user.press(offer, "Lanjutkan")
    await next_with(user, asked("kk"))
    (draft,) = await proposals(world)
    assert (draft.jenis, draft.komponen, draft.latitude, draft.kk, draft.step) == (
        "sosial", "pelatihan", None, None, "kk",
    )  # fmt: skip

    await user.send("/usulan")
    await user.press(await user.reply(), "Mulai baru")
    await user.press(await user.reply(), "Ya, hapus dan mulai baru")
    told = await next_with(user, "Draf lama sudah dihapus")
    assert "kita susun usulan" in told.plain  # one message: deleted, and the fresh start
    await next_with(user, asked("judul"))
    (fresh,) = await proposals(world)
    assert (fresh.judul, fresh.rw, fresh.step) == (None, None, "judul")  # the old answers are gone


async def test_a_member_of_two_bkm_picks_the_bkm_first(world: World):
    (user,) = await members(world, (8351, Role.ANGGOTA, "BKM Sukamaju"))
    async with world.db.transaction() as s:
        bkm = await areas.find_bkm(s, "BKM Cibeunying")
        bkm.level = "berdaya"  # rated up: it may take part
        s.add(bkm)
        await people.grant_role(
            s, world.clock, SYSTEM, telegram_id=user.id, role=Role.KOORDINATOR, bkm=bkm
        )
    await user.send("/usulan")
    pick = await user.reply()
    assert "BKM yang mana" in pick.plain
    assert pick.button_labels() == ["BKM Cibeunying", "BKM Sukamaju"]
    await user.press(pick, "BKM Cibeunying")
    intro = await next_with(user, "kita susun usulan")
    assert "BKM Cibeunying" in intro.plain
    await question_of(user, "judul")
    (draft,) = await proposals(world)
    async with world.db.transaction() as s:
        assert draft.bkm_id == (await areas.find_bkm(s, "BKM Cibeunying")).id


async def test_the_form_resumes_after_the_bot_restarts(world: World):
    (user,) = await members(world, (8401, Role.KOORDINATOR, "BKM Sukamaju"))
    q = await fill(user, await start_form(user), until="kk")
    assert asked("kk") in q.plain

    await world.bot.stop()
    world.bot = BotProcess(world.bot.settings)
    await world.bot.start()
    await user.send("120")
    q = await next_with(user, asked("kk_miskin"))
    summary = await fill(user, q)
    assert "KK penerima manfaat: 120" in summary.plain


# --- refusals at submit -----------------------------------------------------------------------


async def test_a_bkm_below_berdaya_is_refused_before_the_first_question(world: World):
    (user,) = await members(world, (8501, Role.KOORDINATOR, "BKM Cibeunying"))
    await user.send("/usulan")
    why = await next_with(user, "belum dapat ikut PAKET")
    assert "BKM Cibeunying" in why.plain and "Awal" in why.plain and "Berdaya" in why.plain
    assert "fasilitator Kota Bandung" in why.plain
    await user.wait_idle()
    assert not any("Pertanyaan" in m.plain for m in user.inbox)  # not a single question
    assert await proposals(world) == []
    world.sim.assert_no_errors()


async def test_funding_is_checked_at_the_line_and_the_summary_is_not_sent_twice(world: World):
    (user,) = await members(world, (8601, Role.KOORDINATOR, "BKM Sukamaju"))
    q = await fill(user, await start_form(user), until="dana_apbd_kota")
    assert "Sisa anggaran yang belum terisi: Rp5.000.000" in q.plain
    await user.send("6 juta")  # more than the 5 juta BLM left of 15 juta
    why = await next_with(user, "melebihi anggaran total")
    assert "Sisa yang belum terisi: Rp5.000.000" in why.plain
    q = await question_of(user, "dana_apbd_kota")
    summary = await fill(user, q, answers(dana_apbd_kota="3 juta"))
    assert "masih kurang Rp1.000.000" in summary.plain
    summaries = sum(SUMMARY in m.plain for m in user.inbox)
    await user.press(summary, "Ajukan")
    why = await next_with(user, "Jumlah sumber dana (Rp14.000.000) masih kurang Rp1.000.000")
    assert "Ubah isian" in why.plain and "✏️ Ubah isian" in why.button_labels()
    await user.wait_idle()
    assert sum(SUMMARY in m.plain for m in user.inbox) == summaries  # not sent a second time

    await user.press(why, "Ubah isian")
    await eventually(lambda: "APBD kota" in current(user, why).button_labels())
    await user.press(current(user, why), "APBD kota")
    q = await question_of(user, "dana_apbd_kota")
    assert "Isian sekarang: Rp3.000.000" in q.plain
    assert q.button_labels() == ["⬅️ Kembali ke ringkasan"]
    await user.send("4 juta")
    summary = await next_with(user, SUMMARY)
    assert "sama dengan anggaran total" in summary.plain
    await user.press(summary, "Ajukan")
    assert code_pattern().search((await next_with(user, "kode")).plain)


async def test_several_rw_in_kind_swadaya_and_the_question_counter(world: World):
    (user,) = await members(world, (8651, Role.KOORDINATOR, "BKM Sukamaju"))
    first = await start_form(user)
    assert "Pertanyaan 1 dari " in first.plain
    values = answers(
        rw="03 dan 04", rt="1,2", sumber_dana=("BLM PAKET", "Swadaya non-tunai"),
        dana_blm="12 juta", dana_swadaya_natura="3 juta", swadaya_hok="40",
    )  # fmt: skip
    q = await fill(user, first, values, until="swadaya_hok")
    number = re.search(r"Pertanyaan (\d+) dari (\d+)", q.plain)
    assert number is not None and int(number.group(1)) < int(number.group(2))
    summary = await fill(user, q, values)
    text = summary.plain
    assert "RW: 03, 04" in text and "RT: 01, 02" in text
    assert "Swadaya non-tunai: Rp3.000.000" in text and "Swadaya tenaga: 40 HOK" in text
    assert "sama dengan anggaran total" in text and "APBD kota" not in text
    (draft,) = await proposals(world)
    assert (draft.rw, draft.dana_swadaya_natura, draft.swadaya_hok) == ("03, 04", 3_000_000, 40)
    # Every question said where it stood, counting only the questions asked.
    counters = [re.search(r"Pertanyaan (\d+) dari (\d+)", m.plain) for m in user.inbox]
    totals = {int(c.group(2)) for c in counters if c}
    assert max(int(c.group(1)) for c in counters if c) == max(totals)
    world.sim.assert_no_errors()


async def test_the_berita_acara_is_required_at_submission(world: World):
    (user,) = await members(world, (8681, Role.KOORDINATOR, "BKM Sukamaju"))
    await fill(user, await start_form(user))
    (draft,) = await proposals(world)
    async with world.db.transaction() as s:
        row = await s.get_one(Proposal, draft.id)
        row.berita_acara_file_id = row.berita_acara_kind = None  # a draft from before
        s.add(row)
    await user.send("/usulan")
    await user.press(await next_with(user, "masih punya draf"), "Lanjutkan")
    summary = await next_with(user, SUMMARY)
    await user.press(summary, "Ajukan")
    missing = await next_with(user, "Mohon lengkapi dulu")
    assert "Berita acara rapat BKM" in missing.plain
    await user.press(missing, "Berita acara rapat BKM")
    await question_of(user, "berita_acara")
    await user.send_document(b"%PDF-1.4 BA", filename="ba.pdf", mime_type="application/pdf")
    summary = await next_with(user, SUMMARY)
    assert "Berita acara rapat BKM: 📎 terlampir" in summary.plain
    await user.press(summary, "Ajukan")
    assert code_pattern().search((await next_with(user, "kode")).plain)


async def test_a_koordinator_opening_a_members_draft_sees_a_preview_and_the_member_is_told(
    world: World,
):
    koordinator, anggota = await members(
        world, (8691, Role.KOORDINATOR, "BKM Sukamaju"), (8692, Role.ANGGOTA, "BKM Sukamaju")
    )
    await fill(anggota, await start_form(anggota), until="kk")
    (draft,) = await proposals(world)
    await forge_press(koordinator, koordinator.inbox[-1], f"p:open:{draft.id}")
    preview = await next_with(koordinator, SUMMARY)
    assert "Draf ini disusun oleh U8692" in preview.plain and JUDUL in preview.plain
    assert not any(asked("kk") in m.plain for m in koordinator.inbox)  # not mid-form
    assert preview.button_labels() == ["▶️ Lanjutkan mengisi"]
    await koordinator.press(preview, "Lanjutkan mengisi")
    await question_of(koordinator, "kk")
    await koordinator.send("120")
    await question_of(koordinator, "kk_miskin")
    told = await next_with(anggota, "mengubah draf usulan")
    assert "U8691" in told.plain and JUDUL in told.plain and "KK penerima manfaat" in told.plain
    assert told.button_labels() == ["Lihat draf"]


# --- an anggota's draft goes to the koordinator -----------------------------------------------


async def test_anggota_hands_the_draft_to_the_koordinator_who_submits(world: World):
    fasilitator, koordinator, anggota = await members(
        world,
        (8701, Role.FASILITATOR, "Bandung"),
        (8702, Role.KOORDINATOR, "BKM Sukamaju"),
        (8703, Role.ANGGOTA, "BKM Sukamaju", "en"),  # each reads their own language
    )
    english = answers(jenis=("Environment",), komponen=("Neighbourhood roads",))
    await anggota.send("/propose")
    intro, first = await anggota.replies(2)
    assert "/cancel" in intro.plain or "/batal" in intro.plain
    assert "Question 1 of" in first.plain and asked("judul", "en") in first.plain
    summary = await fill(anggota, first, english)
    assert "Tridaya type: Environment (infrastructure)" in summary.plain
    assert "Total budget (RAB): Rp15,000,000" in summary.plain and "add up to" in summary.plain
    assert summary.button_labels() == ["📨 Send to the coordinator", "✏️ Edit answers",
                                       "🗑 Delete draft"]  # fmt: skip
    await anggota.press(summary, "Send to the coordinator")
    await next_with(anggota, "has been sent to the BKM coordinator")
    (draft,) = await proposals(world)
    assert (draft.status, draft.step, draft.code) == ("draf", "siap", None)

    ready = await next_with(koordinator, "sudah siap")  # sent by the outbox sender
    assert JUDUL in ready.plain and ready.button_labels() == ["Periksa draf"]
    await koordinator.press(ready, "Periksa draf")
    opened = await next_with(koordinator, SUMMARY)
    assert JUDUL in opened.plain and "menunggu Bapak/Ibu ajukan" in opened.plain
    assert "Draf ini disusun oleh U8703" in opened.plain  # whose draft it is
    assert "📨 Ajukan" in opened.button_labels()
    await koordinator.press(opened, "Ajukan")
    code = code_pattern().search((await next_with(koordinator, "kode")).plain)
    assert code is not None
    told = await next_with(anggota, "is now: Submitted")
    assert code.group(0) in told.plain and JUDUL in told.plain
    assert code.group(0) in (await next_with(fasilitator, "Usulan baru")).plain


# --- repeats ----------------------------------------------------------------------------------


async def test_a_double_tapped_or_old_button_changes_nothing(world: World):
    (user,) = await members(world, (8801, Role.KOORDINATOR, "BKM Sukamaju"))
    jenis = await fill(user, await start_form(user), until="jenis")
    await user.press(jenis, "Lingkungan")
    await user.press(jenis, "Lingkungan")  # the second tap, before the first is answered
    await next_with(user, asked("komponen"))
    again = await next_with(user, asked("komponen"))  # re-asked after the stale tap
    await user.wait_idle()  # the toast comes with the answer to the press, after the replies
    assert any("sudah dijawab" in (a["text"] or "") for a in user.callback_answers)
    await forge_press(user, jenis, f"f:{(await proposals(world))[0].id}:ans:jenis:sosial")
    await next_with(user, asked("komponen"))
    (draft,) = await proposals(world)
    assert (draft.jenis, draft.step) == ("lingkungan", "komponen")
    async with world.db.transaction() as s:
        rows = (await s.exec(select(AuditLog).where(AuditLog.action == "proposal.answer"))).all()
    assert [r.detail.get("step") for r in rows].count("jenis") == 1

    summary = await fill(user, again)
    await user.press(summary, "Ajukan")
    await user.press(summary, "Ajukan")
    first = await next_with(user, "kode")
    second = await next_with(user, "kode")
    assert code_pattern().search(first.plain).group(0) in second.plain  # type: ignore[union-attr]
    assert [p.code for p in await proposals(world)] == [code_pattern().search(first.plain).group(0)]  # type: ignore[union-attr]


# --- the revision loop ------------------------------------------------------------------------


async def test_a_proposal_sent_back_is_fixed_and_resubmitted_as_version_two(world: World):
    fasilitator, koordinator = await members(
        world, (8901, Role.FASILITATOR, "Bandung"), (8902, Role.KOORDINATOR, "BKM Sukamaju")
    )
    summary = await fill(koordinator, await start_form(koordinator))
    await koordinator.press(summary, "Ajukan")
    await next_with(koordinator, "kode")
    await next_with(fasilitator, "Usulan baru")
    (proposal,) = await proposals(world)
    async with world.db.transaction() as s:
        person = await person_by_telegram(s, fasilitator.id)
        assert person is not None
        actor = await actor_for(s, person)
        await review.request_revision(
            s, world.clock, actor, proposal.id, note="Mohon lampirkan <RAB> & foto lokasi"
        )
    world.bot.runtime.sender.wake()
    notice = await next_with(koordinator, "Perlu perbaikan")

    await forge_press(koordinator, notice, f"p:open:{proposal.id}")  # the status view's Perbaiki
    opened = await next_with(koordinator, SUMMARY)
    assert "Catatan fasilitator: Mohon lampirkan <RAB> & foto lokasi" in opened.plain
    assert "📨 Ajukan ulang" in opened.button_labels()
    assert "Hapus draf" not in " ".join(opened.button_labels())
    await koordinator.press(opened, "Ubah isian")
    await eventually(lambda: "Judul" in current(koordinator, opened).button_labels())
    await koordinator.press(current(koordinator, opened), "Judul")
    await next_with(koordinator, asked("judul"))
    await koordinator.send("Jalan Gang Mawar & Drainase RW 05")
    fixed = await next_with(koordinator, SUMMARY)
    await koordinator.press(fixed, "Ajukan ulang")
    done = await next_with(koordinator, "diajukan ulang")
    assert "versi ke-2" in done.plain and proposal.code in done.plain  # type: ignore[operator]
    assert "versi ke-2" in (await next_with(fasilitator, "diajukan ulang")).plain
    (again,) = await proposals(world)
    assert (again.status, again.version, again.judul) == (
        "diajukan", 2, "Jalan Gang Mawar & Drainase RW 05",
    )  # fmt: skip
