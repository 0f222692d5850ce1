"""/rapatbaru, /rapat and the RSVP buttons end to end: the real bot over HTTP against the
simulator, flood limits on. Invitations reach each invitee in their language and zone with the
calendar file after the text; typed dates; invalid input at every step; /batal and a restart;
RSVP; the organiser's counts; remind, reschedule, cancel; attendance and minutes afterwards."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlmodel import col, select

from bot.config import load_settings
from bot.domain import areas, people
from bot.domain.actors import SYSTEM, person_by_telegram
from bot.domain.clock import SystemClock
from bot.i18n import Translator
from bot.runtime.app import BotProcess
from bot.simulator import SimMessage, Simulator, SimUser, sample_png
from storage.db import Database
from storage.meeting_models import Meeting, MeetingInvitee, MeetingMinutes, MeetingReminder
from storage.models import Dialog, Outbox, Role
from tests.e2e.conftest import TOKEN, World, eventually, forge_press, seed

WIB, WITA = ZoneInfo("Asia/Jakarta"), ZoneInfo("Asia/Makassar")
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
         "September", "Oktober", "November", "Desember")  # fmt: skip
TOTAL = 8  # questions in the form (the reminders are changed from the summary only)
SKIP, PIN = "<skip>", "<pin>"


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[World]:
    """The e2e world with quiet hours off: the bot runs on the real clock, and a run at night
    would otherwise hold every invitation until 06.00."""
    clock = SystemClock()
    async with Simulator(token=TOKEN, bot_username="paket_test_bot") as sim:
        settings = load_settings(
            telegram_bot_token=TOKEN, telegram_api_server=sim.url, database_url=database_url,
            quiet_hours="off", _env_file=None,
        )  # fmt: skip
        db = Database(database_url)
        await seed(db, clock)
        the_world = World(sim, BotProcess(settings, clock), db, clock)
        await the_world.bot.start()
        try:
            yield the_world
        finally:
            await the_world.bot.stop()
            await db.dispose()


# --- words and times --------------------------------------------------------------------------


def said(lang: str, msgid: str, **params: object) -> str:
    """A message as a person reading `lang` sees it (tags stripped): the catalog is the oracle,
    so this holds before and after the English translations are merged."""
    text = Translator(lang)._(msgid, **params)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def asked(n: int, lang: str = "id") -> str:
    return said(lang, "<i>Pertanyaan {number} dari {total}</i>", number=n, total=TOTAL)


def local_day(days: int, zone: ZoneInfo = WIB) -> date:
    return datetime.now(zone).date() + timedelta(days=days)


def at(day: date, hour: int, minute: int = 0, zone: ZoneInfo = WIB) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def in_full(when: datetime, zone: ZoneInfo = WIB, name: str = "WIB") -> str:
    """ "Senin, 15 Desember 2026, pukul 09.00 WIB", computed here, not by the bot's code."""
    t = when.astimezone(zone)
    return f"{HARI[t.weekday()]}, {t.day} {BULAN[t.month]} {t.year}, pukul {t:%H.%M} {name}"


# --- people and chat helpers -------------------------------------------------------------------


async def person(world: World, telegram_id: int, name: str, role: Role, where: str,
                 lang: str = "id") -> SimUser:  # fmt: skip
    """Register someone: a fasilitator of a kota, anyone else of a BKM."""
    user = world.sim.user(telegram_id, first_name=name)
    if role == Role.FASILITATOR:
        await world.register(user, role, kota=where, locale=lang)
    else:
        await world.register(user, role, bkm=where, locale=lang)
    return user


async def next_with(user: SimUser, text: str) -> SimMessage:
    """Read new bot messages until one contains `text` (others, like hints, are passed over)."""
    while True:
        message = await user.reply()
        if text in message.plain:
            return message


def now_of(user: SimUser, message: SimMessage) -> SimMessage:
    """`message` as it is now (after edits)."""
    return next(m for m in user.inbox if m.message_id == message.message_id)


async def answer(user: SimUser, question: SimMessage, value: object) -> None:
    """Type, press a button (a 1-tuple: its label), skip, or send the map pin."""
    if value == SKIP:
        await user.press(question, "➡️")
    elif value == PIN:
        await eventually(lambda: user.keyboard)
        await user.tap(user.keyboard[0][0]["text"])  # type: ignore[index]
    elif isinstance(value, tuple):
        await user.press(question, value[0])
    else:
        await user.send(str(value))


async def fill(user: SimUser, question: SimMessage, values: list[object], lang: str = "id",
               first: int = 1) -> SimMessage:  # fmt: skip
    """Answer from question `first` on; returns the summary."""
    for n, value in enumerate(values, first):
        await answer(user, question, value)
        if n == TOTAL:
            return await next_with(user, said(lang, "Ringkasan undangan rapat"))
        question = await next_with(user, asked(n + 1, lang))
    raise AssertionError("fill() needs the answers up to the audience")


def bkm_meeting(title: str = "Rapat persiapan usulan", when: object = ("Besok 09.00",),
                audience: str = "Seluruh BKM Sukamaju") -> list[object]:  # fmt: skip
    return ["Rapat BKM", title, when, SKIP, "Balai RW 05", SKIP, "Membahas usulan", (audience,)]


async def call_meeting(user: SimUser, values: list[object]) -> SimMessage:
    """/rapatbaru through to 📤 Kirim undangan; returns the confirmation."""
    await user.send("/rapatbaru")
    summary = await fill(user, await next_with(user, asked(1)), values)
    await user.press(summary, "Kirim undangan")
    return await next_with(user, "sudah dikirim kepada")


async def invitation(user: SimUser, lang: str = "id") -> tuple[SimMessage, SimMessage]:
    """The invitation and the calendar file right after it."""
    text = await next_with(user, said(lang, "📅 <b>Undangan rapat</b>"))
    return text, await user.reply()


def calendar_start(world: World, document: SimMessage) -> datetime:
    assert document.document is not None
    stored = world.sim.files.get(document.document["file_id"])
    assert stored is not None and stored.file_name and stored.file_name.endswith(".ics")
    event = next(iter(Calendar.from_ical(stored.data).walk("VEVENT")))
    return event.decoded("dtstart")


async def meetings(world: World) -> list[Meeting]:
    async with world.db.transaction() as s:
        return list((await s.exec(select(Meeting).order_by(col(Meeting.id)))).all())


async def invitees(world: World, meeting_id: int) -> list[MeetingInvitee]:
    async with world.db.transaction() as s:
        stmt = select(MeetingInvitee).where(MeetingInvitee.meeting_id == meeting_id)
        return list((await s.exec(stmt.order_by(col(MeetingInvitee.id)))).all())


async def rows_for(world: World, user: SimUser, kind: str) -> list[Outbox]:
    async with world.db.transaction() as s:
        stmt = select(Outbox).where(Outbox.chat_id == user.id, Outbox.kind == kind)
        return [r for r in (await s.exec(stmt)).all() if r.file_content is None]


async def toasted(user: SimUser, text: str) -> None:
    """Wait for a button's answer (the toast) saying `text`: it may come after the edit."""
    await eventually(lambda: any(text in (a["text"] or "") for a in user.callback_answers))


# --- the happy paths --------------------------------------------------------------------------


async def test_fasilitator_invites_every_koordinator_of_bandung(world: World):
    fasilitator = await person(world, 7101, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    sukamaju = await person(world, 7102, "Koordinator Asep", Role.KOORDINATOR, "BKM Sukamaju")
    anggota = await person(world, 7103, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")
    # Registered in Makassar first (so WITA), and also koordinator of a Bandung BKM.
    andi = await person(world, 7104, "Koordinator Andi", Role.KOORDINATOR, "BKM Losari")
    async with world.db.transaction() as s:
        cibeunying = await areas.find_bkm(s, "BKM Cibeunying")
        await people.grant_role(s, world.clock, SYSTEM, telegram_id=andi.id,
                                role=Role.KOORDINATOR, bkm=cibeunying)  # fmt: skip

    await fasilitator.send("/rapatbaru")
    intro = await next_with(fasilitator, "Ada 8 pertanyaan")
    assert "/batal" in intro.plain
    q = await next_with(fasilitator, asked(1))
    assert "Rapat Panitia Kemitraan" in q.button_labels()
    await fasilitator.press(q, "Rapat Panitia Kemitraan")
    await next_with(fasilitator, asked(2))
    assert "✅ Rapat Panitia Kemitraan" in now_of(fasilitator, q).plain  # the answer, buttons gone
    assert now_of(fasilitator, q).buttons == []
    await fasilitator.send("Koordinasi <BKM> & KSM")
    q = await next_with(fasilitator, asked(3))
    assert "Besok 09.00" in q.button_labels() and "Lusa 14.00" in q.button_labels()
    await fasilitator.send("besok 14.00")
    start = at(local_day(1), 14)
    shown = await next_with(fasilitator, "Waktu:")
    assert in_full(start) in shown.plain
    summary = await fill(fasilitator, await next_with(fasilitator, asked(4)), [
        SKIP, "Aula Kantor Kecamatan Coblong", PIN, "Persiapan usulan & jadwal 2027",
        ("Semua Koordinator BKM di Bandung",),
    ], first=4)  # fmt: skip
    assert "Judul: Koordinasi <BKM> & KSM" in summary.plain
    assert "&lt;BKM&gt; &amp; KSM" in summary.html  # escaped once
    assert f"Waktu: {in_full(start)}" in summary.plain
    assert "Lama rapat: 2 jam" in summary.plain
    assert "Titik lokasi: -6.20000, 106.80000" in summary.plain
    assert "Peserta: Semua Koordinator BKM di Bandung" in summary.plain
    assert "Pengingat: 1 hari dan 1 jam sebelum rapat (bawaan)" in summary.plain
    assert "kepada 2 orang" in summary.plain
    await fasilitator.press(summary, "Kirim undangan")
    done = await next_with(fasilitator, "sudah dikirim kepada 2 orang")
    assert "Koordinasi <BKM> & KSM" in done.plain

    text, ics = await invitation(sukamaju)
    assert "Koordinasi <BKM> & KSM" in text.plain and "Rapat Panitia Kemitraan" in text.plain
    assert in_full(start) in text.plain and "Aula Kantor Kecamatan Coblong" in text.plain
    assert "Fasilitator Rina" in text.plain
    assert text.button_labels() == ["✅ Hadir", "❌ Berhalangan"]
    assert ics.kind == "document" and calendar_start(world, ics) == start
    text, ics = await invitation(andi)
    assert in_full(start, WITA, "WITA") in text.plain and "pukul 15.00 WITA" in text.plain
    assert calendar_start(world, ics) == start  # one instant, whatever the zone

    (meeting,) = await meetings(world)
    assert (meeting.status, meeting.starts_at, meeting.reminder_minutes) == (
        "terjadwal", start, [1440, 60],
    )  # fmt: skip
    assert {i.person_id for i in await invitees(world, meeting.id or 0)} == {
        p.id for p in await _people(world, sukamaju, andi)
    }
    assert await rows_for(world, anggota, "meeting.invitation") == []
    assert await _dialog(world, fasilitator) is None


async def _people(world: World, *users: SimUser):
    async with world.db.transaction() as s:
        return [await person_by_telegram(s, u.id) for u in users]


async def _dialog(world: World, user: SimUser) -> Dialog | None:
    async with world.db.transaction() as s:
        return await s.get(Dialog, user.id)


async def test_koordinator_invites_their_bkm_and_cannot_pick_another(world: World):
    koordinator = await person(world, 7201, "Koordinator Asep", Role.KOORDINATOR, "BKM Sukamaju")
    anggota = await person(world, 7202, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")
    warga = await person(world, 7203, "Warga Euis", Role.WARGA, "BKM Sukamaju")
    other = await person(world, 7204, "Koordinator Ujang", Role.KOORDINATOR, "BKM Cibeunying")

    await koordinator.send("/rapatbaru")
    q = await next_with(koordinator, asked(1))
    await koordinator.press(q, "Rapat BKM")
    await koordinator.send("Rapat persiapan usulan")
    when = await next_with(koordinator, asked(3))
    await koordinator.press(when, "Besok 09.00")  # a quick button
    start = at(local_day(1), 9)
    duration = await next_with(koordinator, asked(4))
    assert in_full(start) in now_of(koordinator, when).plain  # shown back in full
    assert {"1 jam", "1 jam 30 menit", "2 jam", "3 jam", "4 jam"} <= set(duration.button_labels())
    await koordinator.press(duration, "1 jam 30 menit")
    await next_with(koordinator, asked(5))
    await koordinator.send("Balai RW 05")
    await koordinator.press(await next_with(koordinator, asked(6)), "➡️")
    await koordinator.send("Membahas usulan")
    peserta = await next_with(koordinator, asked(8))
    assert peserta.button_labels() == ["Seluruh BKM Sukamaju", "⬅️ Kembali"]  # own BKM only

    (draft,) = await meetings(world)
    async with world.db.transaction() as s:
        cibeunying = await areas.find_bkm(s, "BKM Cibeunying")
    await forge_press(koordinator, peserta, f"mt:f:{draft.id}:ans:peserta:bkm:{cibeunying.id}")
    await next_with(koordinator, "hanya dapat mengundang warga BKM-nya sendiri")
    peserta = await next_with(koordinator, asked(8))  # the same question again
    (draft,) = await meetings(world)
    assert (draft.audience_kind, draft.step) == (None, "peserta")  # nothing stored

    summary = await fill(koordinator, peserta, [("Seluruh BKM Sukamaju",)], first=8)
    assert "Lama rapat: 1 jam 30 menit" in summary.plain and "kepada 2 orang" in summary.plain
    await koordinator.press(summary, "Kirim undangan")
    await next_with(koordinator, "sudah dikirim kepada 2 orang")
    for invitee in (anggota, warga):
        text, ics = await invitation(invitee)
        assert "Rapat BKM" in text.plain and in_full(start) in text.plain
        assert "(1 jam 30 menit)" in text.plain
        assert calendar_start(world, ics) == start
    assert await rows_for(world, other, "meeting.invitation") == []


# --- dates as people type them, and everything that is not an answer ---------------------------


def _typed_dates() -> list[tuple[str, datetime]]:
    """The issue's examples and when each one is, worked out here from today's date in WIB."""
    today = local_day(0)
    december = date(today.year, 12, 15)
    if december < today - timedelta(days=31):  # a date without a year: the next 15 December
        december = date(today.year + 1, 12, 15)
    monday = today - timedelta(days=today.weekday()) + timedelta(days=7)
    return [
        ("15/12 09.00", at(december, 9)),
        ("besok 14.00", at(local_day(1), 14)),
        ("lusa jam 10 pagi", at(local_day(2), 10)),
        ("Senin depan 10:00", at(monday, 10)),
        ("tomorrow 2pm", at(local_day(1), 14)),
    ]


async def _to_the_time_question(user: SimUser) -> SimMessage:
    await user.send("/rapatbaru")
    await user.press(await next_with(user, asked(1)), "Rapat BKM")
    await user.send("Rapat koordinasi bulanan")
    return await next_with(user, asked(3))


async def test_dates_typed_as_people_write_them_are_shown_back_in_full(world: World):
    user = await person(world, 7301, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    await _to_the_time_question(user)
    for typed, expected in _typed_dates():
        await user.send(typed)
        if expected <= datetime.now(UTC):  # 15/12 said in the last days of December
            await next_with(user, "sudah lewat")
            await next_with(user, asked(3))
            continue
        shown = await next_with(user, "✅ Waktu:")
        assert in_full(expected) in shown.plain, typed
        await user.press(await next_with(user, asked(4)), "Kembali")
        again = await next_with(user, asked(3))
        assert f"Isian sekarang: {in_full(expected)}" in again.plain
        (draft,) = await meetings(world)
        assert draft.starts_at == expected, typed
    await user.press(again, "Lusa 14.00")
    await next_with(user, asked(4))
    assert f"✅ {in_full(at(local_day(2), 14))}" in now_of(user, again).plain


async def _refused(user: SimUser, problem: str, question: int) -> SimMessage:
    """A short line saying why (and how to leave), then the same question again."""
    why = await next_with(user, problem)
    assert "Silakan coba lagi, atau ketik /batal" in why.plain
    return await next_with(user, asked(question))


async def test_invalid_input_at_each_step_is_explained_and_asked_again(world: World):
    user = await person(world, 7401, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    await person(world, 7402, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")
    await user.send("/rapatbaru")
    await next_with(user, asked(1))
    await user.send("rapat apa saja")
    q = await _refused(user, "Mohon pilih salah satu tombol", 1)
    await user.press(q, "Rapat BKM")
    await next_with(user, asked(2))
    await user.send("abc")
    await _refused(user, "Judul rapat harus 5 sampai 100 huruf", 2)
    await user.send("Rapat koordinasi bulanan")
    await next_with(user, asked(3))
    yesterday, far = local_day(-1), local_day(400)
    for typed, problem in (
        ("kapan-kapan saja", "tanggal dan jam itu belum terbaca"),
        (f"{yesterday.day}/{yesterday.month}/{yesterday.year} 09.00", "Waktu itu sudah lewat"),
        (f"{far.day}/{far.month}/{far.year} 09.00", "paling lambat satu tahun"),
        ("besok", "Mohon tulis juga jamnya"),
    ):
        await user.send(typed)
        await _refused(user, problem, 3)
    (draft,) = await meetings(world)
    assert draft.starts_at is None  # nothing stored
    await user.send("besok 10.00")
    await next_with(user, asked(4))
    for typed in ("0", "20 hari"):
        await user.send(typed)
        await _refused(user, "Lama rapat harus antara 15 menit dan 24 jam", 4)
    await user.send("2 jam")
    await next_with(user, asked(5))
    await user.send("x" * 5000)
    await _refused(user, "Tempat rapat harus 3 sampai 300 huruf", 5)
    await user.send("Aula kelurahan")
    await next_with(user, asked(6))
    await user.send("di sebelah masjid")
    q = await _refused(user, "Mohon tekan tombol 📍 Kirim lokasi", 6)
    await user.press(q, "Lewati")
    await next_with(user, asked(7))
    await user.send_photo(sample_png())
    await _refused(user, "Mohon ketik jawabannya", 7)
    await user.send("Evaluasi kegiatan")
    q = await next_with(user, asked(8))
    await user.press(q, "Kontak semua mitra di Bandung")
    q = await _refused(user, "Belum ada orang terdaftar pada pilihan peserta ini", 8)
    (draft,) = await meetings(world)
    assert (draft.title, draft.duration_minutes, draft.place, draft.latitude) == (
        "Rapat koordinasi bulanan", 120, "Aula kelurahan", None,
    )  # fmt: skip
    assert (draft.agenda, draft.audience_kind, draft.step) == ("Evaluasi kegiatan", None, "peserta")
    await user.press(q, "Seluruh BKM Sukamaju")
    summary = await next_with(user, "Ringkasan undangan rapat")
    assert "kepada 1 orang" in summary.plain


# --- leaving and coming back ------------------------------------------------------------------


async def test_cancel_keeps_the_draft_and_the_form_resumes_after_a_restart(world: World):
    user = await person(world, 7501, "Koordinator Asep", Role.KOORDINATOR, "BKM Sukamaju")
    await person(world, 7502, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")
    when = await _to_the_time_question(user)
    await user.send("/batal")
    cancelled = await next_with(user, "dibatalkan")
    assert "tetap tersimpan sebagai draf" in cancelled.plain and "/rapatbaru" in cancelled.plain
    assert await _dialog(world, user) is None
    await user.send("besok 10.00")  # no form open: not taken as an answer
    await next_with(user, "belum mengerti")
    (draft,) = await meetings(world)
    assert (draft.title, draft.starts_at, draft.step) == ("Rapat koordinasi bulanan", None, "waktu")

    await user.send("/rapatbaru")
    offer = await next_with(user, "masih punya draf undangan rapat")
    assert "Rapat koordinasi bulanan" in offer.plain
    await user.press(offer, "Lanjutkan")
    q = await next_with(user, asked(3))
    assert q.message_id != when.message_id
    await user.send("besok 10.00")
    await next_with(user, asked(4))

    await world.bot.stop()
    world.bot = BotProcess(world.bot.settings)
    await world.bot.start()
    await user.send("90 menit")
    assert "1 jam 30 menit" in (await next_with(user, "✅ Lama rapat:")).plain
    q = await next_with(user, asked(5))
    summary = await fill(user, q, ["Balai RW 05", SKIP, "Evaluasi", ("Seluruh BKM Sukamaju",)],
                         first=5)  # fmt: skip
    assert f"Waktu: {in_full(at(local_day(1), 10))}" in summary.plain

    await user.press(summary, "Ubah isian")
    await eventually(lambda: "Pengingat" in now_of(user, summary).button_labels())
    await user.press(now_of(user, summary), "Pengingat")
    reminders = await next_with(user, "Kapan pengingat dikirim")
    assert "Isian sekarang: 1 hari dan 1 jam sebelum rapat" in reminders.plain
    await user.send("2 jam, 30 menit")
    await next_with(user, "✅ Pengingat: 2 jam dan 30 menit sebelum rapat")
    summary = await next_with(user, "Ringkasan undangan rapat")
    assert "Pengingat: 2 jam dan 30 menit sebelum rapat" in summary.plain
    await user.press(summary, "Hapus draf")
    sure = await next_with(user, "Yakin menghapus draf")
    await user.press(sure, "Ya, hapus draf")
    await next_with(user, "Draf sudah dihapus")
    assert await meetings(world) == [] and await _dialog(world, user) is None

    await _to_the_time_question(user)
    await user.send("/rapatbaru")
    offer = await next_with(user, "masih punya draf undangan rapat")
    await user.press(offer, "Mulai baru")
    await user.press(await next_with(user, "mulai dari awal. Yakin?"), "Ya, hapus dan mulai baru")
    told = await next_with(user, "Draf lama sudah dihapus")
    assert "kita susun undangan rapat" in told.plain  # one message: deleted, and the fresh start
    await next_with(user, asked(1))
    (fresh,) = await meetings(world)
    assert (fresh.title, fresh.step) == (None, "jenis")


# --- answering, following the answers, reminding ----------------------------------------------


async def _bkm_meeting_by_fasilitator(world: World, base: int):
    """A fasilitator invites BKM Sukamaju (a koordinator, an anggota, a warga) for tomorrow."""
    fasilitator = await person(world, base, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    koordinator = await person(world, base + 1, "Koordinator Asep", Role.KOORDINATOR,
                               "BKM Sukamaju")  # fmt: skip
    anggota = await person(world, base + 2, "Anggota Dedi", Role.ANGGOTA, "BKM Sukamaju")
    warga = await person(world, base + 3, "Warga Euis", Role.WARGA, "BKM Sukamaju")
    await call_meeting(fasilitator, bkm_meeting())
    (meeting,) = await meetings(world)
    return fasilitator, koordinator, anggota, warga, meeting


async def test_rsvp_changes_and_the_organiser_sees_the_counts(world: World):
    fasilitator, koordinator, anggota, warga, meeting = await _bkm_meeting_by_fasilitator(
        world, 7600
    )
    text, _ = await invitation(anggota)
    await anggota.press(text, "Hadir")
    await eventually(lambda: now_of(anggota, text).button_labels()[0] == "👉 ✅ Hadir")
    await toasted(anggota, "Jawaban Bapak/Ibu tercatat: ✅ Hadir")
    assert "Undangan rapat" in now_of(anggota, text).plain  # the text stays as it was
    await anggota.press(now_of(anggota, text), "Berhalangan")
    await eventually(lambda: now_of(anggota, text).button_labels()[1] == "👉 ❌ Berhalangan")
    rsvps = {i.person_id: i.rsvp for i in await invitees(world, meeting.id or 0)}
    assert sorted(v for v in rsvps.values() if v) == ["berhalangan"]

    await invitation(koordinator)
    await koordinator.send("/rapat")
    mine = await next_with(koordinator, "Rapat Bapak/Ibu")
    assert (
        "Rapat persiapan usulan" in mine.plain and "Jawaban Bapak/Ibu: Belum menjawab" in mine.plain
    )
    await koordinator.press(mine, "Rapat persiapan usulan")
    await eventually(lambda: "Hadir" in " ".join(now_of(koordinator, mine).button_labels()))
    card = now_of(koordinator, mine)
    assert in_full(at(local_day(1), 9)) in card.plain and "Jawaban dapat diubah" in card.plain
    assert "Ubah waktu" not in " ".join(card.button_labels())  # an invitee manages nothing
    await koordinator.press(card, "Hadir")
    await eventually(lambda: "Jawaban Bapak/Ibu: ✅ Hadir" in now_of(koordinator, mine).plain)
    assert "👉 ✅ Hadir" in now_of(koordinator, mine).button_labels()

    await fasilitator.send("/rapat")
    board = await next_with(fasilitator, "Rapat Bapak/Ibu")
    assert "Bapak/Ibu pengundangnya" in board.plain
    await fasilitator.press(board, "Rapat persiapan usulan")
    await eventually(lambda: "Jawaban peserta" in now_of(fasilitator, board).plain)
    card = now_of(fasilitator, board)
    assert "(3 diundang): ✅ hadir 1 · ❌ berhalangan 1 · belum menjawab 1" in card.plain
    assert "Belum menjawab: Warga Euis" in card.plain
    assert {"🔁 Ubah waktu", "✖️ Batalkan rapat", "🔔 Ingatkan yang belum menjawab"} <= set(
        card.button_labels()
    )

    await fasilitator.press(card, "Ingatkan yang belum menjawab")
    await next_with(fasilitator, "Pengingat sudah dikirim kepada 1 orang yang belum menjawab")
    await invitation(warga)
    nudge = await next_with(warga, "Pengingat rapat")
    assert "belum menjawab undangan" in nudge.plain
    assert nudge.button_labels() == ["✅ Hadir", "❌ Berhalangan"]
    await fasilitator.press(now_of(fasilitator, board), "Ingatkan yang belum menjawab")
    await next_with(fasilitator, "sudah diingatkan dalam satu jam terakhir")
    await warga.press(nudge, "Hadir")
    await eventually(lambda: now_of(warga, nudge).button_labels()[0] == "👉 ✅ Hadir")
    assert len(await rows_for(world, warga, "meeting.nudge")) == 1


async def test_a_due_reminder_arrives_with_the_rsvp_buttons(world: World):
    _, koordinator, anggota, warga, meeting = await _bkm_meeting_by_fasilitator(world, 7700)
    text, _ = await invitation(warga)
    await warga.press(text, "Berhalangan")
    await eventually(lambda: "👉" in " ".join(now_of(warga, text).button_labels()))
    # The scheduler runs on the real clock: make the one-hour reminder due now.
    async with world.db.transaction() as s:
        stmt = select(MeetingReminder).where(MeetingReminder.meeting_id == meeting.id,
                                             MeetingReminder.offset_minutes == 60)  # fmt: skip
        reminder = (await s.exec(stmt)).one()
        reminder.due_at = datetime.now(UTC)
        s.add(reminder)
    await invitation(anggota)
    reminded = await next_with(anggota, "Pengingat rapat")
    assert in_full(at(local_day(1), 9)) in reminded.plain and "terlambat" not in reminded.plain
    await anggota.press(reminded, "Hadir")
    await eventually(lambda: now_of(anggota, reminded).button_labels()[0] == "👉 ✅ Hadir")
    await next_with(koordinator, "Pengingat rapat")
    assert await rows_for(world, warga, "meeting.reminder") == []  # declined: no reminder


# --- reschedule and cancel --------------------------------------------------------------------


async def _open_card(user: SimUser, title: str = "Rapat persiapan usulan") -> SimMessage:
    await user.send("/rapat")
    listing = await next_with(user, "Rapat Bapak/Ibu")
    await user.press(listing, title)
    await eventually(lambda: "Jawaban peserta" in now_of(user, listing).plain)
    return now_of(user, listing)


async def test_reschedule_tells_everyone_once_and_cancel_answers_later_presses(world: World):
    fasilitator, koordinator, anggota, warga, meeting = await _bkm_meeting_by_fasilitator(
        world, 7800
    )
    old_text, _ = await invitation(anggota)
    await anggota.press(old_text, "Hadir")
    await eventually(lambda: "👉" in " ".join(now_of(anggota, old_text).button_labels()))
    for invitee in (koordinator, warga):
        await invitation(invitee)

    await fasilitator.press(await _open_card(fasilitator), "Ubah waktu")
    q = await next_with(fasilitator, "Kapan waktu yang baru?")
    assert f"Sekarang: {in_full(at(local_day(1), 9))}" in q.plain
    await fasilitator.send("kemarin sore")
    await next_with(fasilitator, "belum terbaca")
    await next_with(fasilitator, "Kapan waktu yang baru?")
    await fasilitator.send("lusa 10.00")
    new_start = at(local_day(2), 10)
    confirm = await next_with(fasilitator, "Waktu baru:")
    assert in_full(new_start) in confirm.plain and "jawaban mereka tetap tersimpan" in confirm.plain
    assert (await meetings(world))[0].starts_at == at(local_day(1), 9)  # nothing yet
    await fasilitator.press(confirm, "Ya, ubah waktunya")
    await next_with(fasilitator, f"sudah diubah menjadi {in_full(new_start)}")

    moved = await next_with(anggota, "Jadwal rapat diubah")
    assert f"Menjadi: {in_full(new_start)}" in moved.plain
    assert "Jawaban Bapak/Ibu sebelumnya: ✅ Hadir" in moved.plain
    assert calendar_start(world, await anggota.reply()) == new_start
    moved = await next_with(warga, "Jadwal rapat diubah")
    assert "Mohon konfirmasi kehadiran" in moved.plain
    await anggota.wait_idle()
    assert len(await rows_for(world, anggota, "meeting.rescheduled")) == 1  # told once
    (row,) = [i for i in await invitees(world, meeting.id or 0) if i.rsvp]
    assert row.rsvp == "hadir"  # kept

    await fasilitator.press(await _open_card(fasilitator), "Batalkan rapat")
    await next_with(fasilitator, "alasan pembatalan")
    await fasilitator.send("Bentrok dengan <musrenbang> kecamatan")
    sure = await next_with(fasilitator, "Yakin membatalkan rapat")
    assert "Alasan: Bentrok dengan <musrenbang> kecamatan" in sure.plain
    await fasilitator.press(sure, "Ya, batalkan rapat")
    await next_with(fasilitator, "sudah dibatalkan. Semua peserta sudah diberi tahu")
    for invitee in (anggota, koordinator, warga):
        told = await next_with(invitee, "Rapat dibatalkan")
        assert "Alasan: Bentrok dengan <musrenbang> kecamatan" in told.plain
    await anggota.wait_idle()
    assert len(await rows_for(world, anggota, "meeting.cancelled")) == 1
    (cancelled,) = await meetings(world)
    assert (cancelled.status, cancelled.cancel_reason) == (
        "dibatalkan", "Bentrok dengan <musrenbang> kecamatan",
    )  # fmt: skip

    await anggota.press(now_of(anggota, old_text), "Berhalangan")
    answer = await next_with(anggota, "Rapat ini sudah dibatalkan")
    assert answer.plain == "Rapat ini sudah dibatalkan."
    await eventually(lambda: now_of(anggota, old_text).buttons == [])
    await toasted(anggota, "Rapat ini sudah dibatalkan.")


# --- after the meeting ------------------------------------------------------------------------


async def test_attendance_checklist_and_minutes_after_the_meeting(world: World):
    fasilitator, koordinator, anggota, warga, meeting = await _bkm_meeting_by_fasilitator(
        world, 7900
    )
    for invitee, answer_ in ((koordinator, "Hadir"), (anggota, "Hadir"), (warga, "Berhalangan")):
        text, _ = await invitation(invitee)
        await invitee.press(text, answer_)
        await eventually(lambda i=invitee, t=text: "👉" in " ".join(now_of(i, t).button_labels()))
    # The bot runs on the real clock and the form refuses a past start, so the meeting is moved
    # into the past in the database: it began three hours ago and is over.
    async with world.db.transaction() as s:
        held = await s.get_one(Meeting, meeting.id)
        held.starts_at = datetime.now(UTC) - timedelta(hours=3)
        s.add(held)

    invitation_of_anggota = next(m for m in anggota.inbox if "Undangan rapat" in m.plain)
    await anggota.press(invitation_of_anggota, "Berhalangan")
    await next_with(anggota, "sudah dimulai, jadi jawaban kehadiran tidak dapat diubah lagi")

    await fasilitator.send("/rapat")
    listing = await next_with(fasilitator, "Rapat Bapak/Ibu")
    assert (
        "Belum ada rapat yang akan datang" in listing.plain and "Sudah berlangsung" in listing.plain
    )
    await fasilitator.press(listing, "Rapat persiapan usulan")
    await eventually(lambda: "sudah selesai" in now_of(fasilitator, listing).plain)
    card = now_of(fasilitator, listing)
    assert "Daftar hadir: belum dicatat." in card.plain and "Berita acara: 0 berkas." in card.plain
    await fasilitator.press(card, "Catat kehadiran")
    sheet = await next_with(fasilitator, "Daftar hadir")
    assert "Hadir: 2 dari 3 orang." in sheet.plain  # pre-ticked from ✅ Hadir
    assert set(sheet.button_labels()) >= {"✅ Koordinator Asep", "✅ Anggota Dedi", "▫️ Warga Euis"}
    await fasilitator.press(sheet, "Warga Euis")
    await eventually(lambda: "✅ Warga Euis" in now_of(fasilitator, sheet).button_labels())
    await fasilitator.press(now_of(fasilitator, sheet), "Anggota Dedi")
    await eventually(lambda: "▫️ Anggota Dedi" in now_of(fasilitator, sheet).button_labels())
    assert "Hadir: 2 dari 3 orang." in now_of(fasilitator, sheet).plain
    await fasilitator.press(now_of(fasilitator, sheet), "Simpan daftar hadir")
    await eventually(lambda: "tersimpan: 2 dari 3" in now_of(fasilitator, sheet).plain)
    assert "Hadir: Koordinator Asep, Warga Euis" in now_of(fasilitator, sheet).plain
    attended = {i.person_id: i.attended for i in await invitees(world, meeting.id or 0)}
    assert sorted(attended.values()) == [False, True, True]
    assert (await meetings(world))[0].attendance_at is not None

    await fasilitator.send("/rapat")
    listing = await next_with(fasilitator, "Rapat Bapak/Ibu")
    await fasilitator.press(listing, "Rapat persiapan usulan")
    await eventually(
        lambda: "Berita acara" in " ".join(now_of(fasilitator, listing).button_labels())
    )
    assert "Daftar hadir: sudah dicatat." in now_of(fasilitator, listing).plain
    await fasilitator.press(now_of(fasilitator, listing), "Berita acara")
    await next_with(fasilitator, "Silakan kirim foto atau berkas PDF berita acara")
    await fasilitator.send("ini berita acaranya")
    await next_with(fasilitator, "Mohon kirim foto atau berkas PDF")
    await fasilitator.send_photo(sample_png())
    await next_with(fasilitator, "Berita acara diterima: 1 berkas")
    await fasilitator.send_document(b"%PDF-1.4 BA", filename="ba.pdf", mime_type="application/pdf")
    received = await next_with(fasilitator, "Berita acara diterima: 2 berkas")
    await fasilitator.press(received, "Selesai")
    await next_with(fasilitator, "tersimpan: 2 berkas")
    assert await _dialog(world, fasilitator) is None
    async with world.db.transaction() as s:
        files = (await s.exec(select(MeetingMinutes))).all()
    assert sorted(f.kind for f in files) == ["document", "photo"]


# --- in English -------------------------------------------------------------------------------

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip
SENT = (
    "✅ Undangan rapat <b>{title}</b> sudah dikirim kepada {n} orang, dengan berkas "
    "kalendernya. Ketik /rapat untuk melihat siapa yang sudah menjawab."
)


def in_english(when: datetime) -> str:
    t = when.astimezone(WIB)
    return f"{DAYS[t.weekday()]}, {t.day} {MONTHS[t.month]} {t.year}, {t:%H:%M} WIB"


async def test_an_english_koordinator_and_invitee_end_to_end(world: World):
    user = await person(world, 8001, "Coordinator Ann", Role.KOORDINATOR, "BKM Sukamaju", "en")
    invitee = await person(world, 8002, "Member Bob", Role.ANGGOTA, "BKM Sukamaju", "en")
    await user.send("/newmeeting")
    q = await next_with(user, asked(1, "en"))
    assert said("en", "Rapat apa yang akan Bapak/Ibu adakan?") in q.plain
    await user.press(q, said("en", "Rapat BKM"))
    await next_with(user, asked(2, "en"))
    await user.send("Monthly coordination")
    q = await next_with(user, asked(3, "en"))
    assert said("en", "Besok {time}", time="09:00") in q.button_labels()  # 09:00, not 09.00
    await user.send("tomorrow 2pm")
    start = at(local_day(1), 14)
    shown = await next_with(user, f"{said('en', 'Waktu')}:")
    assert in_english(start) in shown.plain
    summary = await fill(user, await next_with(user, asked(4, "en")), [
        SKIP, "Village hall", SKIP, "Plans for 2027",
        (said("en", "Seluruh {bkm}", bkm="BKM Sukamaju"),),
    ], lang="en", first=4)  # fmt: skip
    assert in_english(start) in summary.plain
    await user.press(summary, said("en", "📤 Kirim undangan"))
    sent = Translator("en").n_(SENT, SENT, 1, title="Monthly coordination")
    await next_with(user, html.unescape(re.sub(r"<[^>]+>", "", sent)))

    text, ics = await invitation(invitee, "en")
    assert in_english(start) in text.plain
    assert text.button_labels() == [said("en", "✅ Hadir"), said("en", "❌ Berhalangan")]
    assert calendar_start(world, ics) == start
    await invitee.send("/meetings")
    listing = await next_with(invitee, said("en", "🗓 <b>Rapat Bapak/Ibu</b>"))
    await invitee.press(listing, "Monthly coordination")
    await eventually(lambda: in_english(start) in now_of(invitee, listing).plain)
    await invitee.press(now_of(invitee, listing), said("en", "✅ Hadir"))
    answered = said("en", "Jawaban Bapak/Ibu: <b>{answer}</b>", answer=said("en", "✅ Hadir"))
    await eventually(lambda: answered in now_of(invitee, listing).plain)


# --- where people find it ---------------------------------------------------------------------


async def test_menus_and_help_offer_the_meeting_commands_by_role(world: World):
    fasilitator = await person(world, 8101, "Fasilitator Rina", Role.FASILITATOR, "Bandung")
    warga = await person(world, 8102, "Warga Euis", Role.WARGA, "BKM Sukamaju")
    await fasilitator.send("/menu")
    labels = (await next_with(fasilitator, "Silakan pilih")).button_labels()
    assert {"📅 Rapat baru", "🗓 Rapat saya"} <= set(labels)
    await fasilitator.send("/bantuan")
    text = (await next_with(fasilitator, "Bantuan PAKET Bot")).plain
    assert "/rapatbaru — Undang rapat baru" in text and "/rapat — Rapat Bapak/Ibu" in text
    own = [c["command"] for c in world.sim.commands[(f"chat:{fasilitator.id}", "")]]
    assert {"rapatbaru", "rapat"} <= set(own)

    await warga.send("/menu")
    labels = (await next_with(warga, "Silakan pilih")).button_labels()
    assert "🗓 Rapat saya" in labels and "📅 Rapat baru" not in labels
    await warga.press(None, "Rapat saya")
    assert "Belum ada rapat yang akan datang" in (await next_with(warga, "Rapat Bapak/Ibu")).plain
    await warga.send("/rapatbaru")
    await next_with(warga, "tidak tersedia untuk peran")
    await warga.send("/meetings")  # the English name works for everyone
    await next_with(warga, "Rapat Bapak/Ibu")
