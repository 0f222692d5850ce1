"""Sample proposals and a meeting for the demo, made through the use cases a person triggers."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import areas
from bot.domain.actors import Actor, actor_for, person_by_telegram
from bot.domain.clock import Clock
from bot.domain.meetings import access, schedule
from bot.domain.meetings import form as meeting_form
from bot.domain.proposals import decision, disbursement, form, review, submit
from bot.domain.proposals.validators import FileRef
from storage.db import Database
from storage.meeting_models import Meeting, MeetingReminder, MeetingStatus, ReminderStatus
from storage.models import Outbox, OutboxStatus, Proposal

ROAD: dict[str, object] = {
    "judul": "Perbaikan jalan lingkungan RW 05",
    "jenis": "lingkungan",
    "komponen": "jalan",
    "uraian": "Memperbaiki jalan setapak 200 meter yang rusak dan tergenang saat hujan.",
    "volume": "200 m × 1,5 m",
    "rw": "05",
    "rt": "02",
    "status_lahan": "negara",
    "kk": "120",
    "kk_miskin": "45",
    "jiwa": "400",
    "perempuan": "210",
    "rencana": "pjm",
    "rencana_program": "Perbaikan prasarana lingkungan",
    "anggaran_total": "15 juta",
    "sumber_dana": ["blm", "apbd_kota", "swadaya_tunai"],
    "dana_swadaya_tunai": "1 juta",
    "swadaya_hok": "30",
    "dana_blm": "10 juta",
    "dana_apbd_kota": "4 juta",
    "jadwal_mulai": "1/2/2027",
    "jadwal_selesai": "30 April 2027",
    "ksm_pelaksana": "KSM Maju Bersama",
    "pemeliharaan": "kpp",
    # A file id the demo's simulator does not hold: enough to submit, not to open again.
    "berita_acara": FileRef("photo", "demo-berita-acara-rapat-bkm"),
}
TRAINING: dict[str, object] = ROAD | {
    "judul": "Pelatihan menjahit untuk ibu rumah tangga",
    "jenis": "ekonomi",
    "komponen": "latih_usaha",
    "uraian": "Pelatihan menjahit 3 bulan bagi 25 ibu dari keluarga miskin, dengan modal alat.",
    "anggaran_total": "8 juta",
    "dana_swadaya_tunai": "500 ribu",
    "sumber_dana": ["blm", "swadaya_tunai"],
    "dana_blm": "7,5 juta",
}

# More of the demo's past, so a newcomer's first /laporan has something to chart: each Tridaya,
# and each of the committee's outcomes.
SANTUNAN: dict[str, object] = ROAD | {
    "judul": "Santunan lansia dan anak yatim RW 03",
    "jenis": "sosial",
    "komponen": "santunan",
    "uraian": "Santunan bulanan bagi 30 lansia dan anak yatim dari keluarga miskin di RW 03.",
    "rw": "03",
    "anggaran_total": "6 juta",
    "sumber_dana": ["blm", "swadaya_tunai"],
    "dana_swadaya_tunai": "1 juta",
    "dana_blm": "5 juta",
}
DRAINAGE: dict[str, object] = ROAD | {
    "judul": "Saluran drainase RW 07",
    "uraian": "Membangun saluran drainase 150 meter agar RW 07 tidak banjir tiap musim hujan.",
    "komponen": "drainase",
    "rw": "07",
    "anggaran_total": "25 juta",
    "sumber_dana": ["blm", "swadaya_tunai"],
    "dana_swadaya_tunai": "5 juta",
    "dana_blm": "20 juta",
}


async def _actor(session: AsyncSession, telegram_id: int) -> Actor:
    person = await person_by_telegram(session, telegram_id)
    assert person is not None
    return await actor_for(session, person)


async def _fill(
    session: AsyncSession, clock: Clock, author: Actor, answers: Mapping[str, object]
) -> int:
    """Answer every question the form asks (skipping what `answers` leaves out); the Lurah
    knew of it a week ago."""
    known = clock.now().date() - timedelta(days=7)
    answers = {"lurah": f"{known.day}/{known.month}/{known.year}", **answers}
    proposal = await form.start_or_resume_draft(session, clock, author)
    proposal_id = proposal.id
    assert proposal_id is not None
    mitra = [m.id for m in await areas.list_mitra(session, proposal.kota_id)]
    for _ in range(40):
        where = form.position(proposal)
        if where.step is None:
            return proposal_id
        name = where.step.name
        value = mitra if name == "mitra" else answers.get(name)
        if value is None:
            proposal = await form.skip_step(session, clock, author, proposal_id, step=name)
        else:
            proposal = await form.answer_step(
                session, clock, author, proposal_id, step=name, value=value
            )
    raise RuntimeError("the demo form never reached its summary")


async def seed_proposals(db: Database, clock: Clock, *, koordinator: int, fasilitator: int) -> None:
    """Proposals in each state (under review, approved with a first tranche, waitlisted, not
    approved), unless the demo already has proposals."""
    async with db.transaction() as s:
        if (await s.exec(select(Proposal))).first() is not None:
            return
        author, reviewer = await _actor(s, koordinator), await _actor(s, fasilitator)
        road = await _fill(s, clock, author, ROAD)
        await submit.submit(s, clock, author, road)
        training = await _fill(s, clock, author, TRAINING)
        await submit.submit(s, clock, author, training)
        await review.check(s, clock, reviewer, training)
        await review.complete(s, clock, reviewer, training)
        # Decided in the Panitia Kemitraan's meeting today; Rina records it as its secretary.
        await decision.approve(s, clock, reviewer, training, amount=7_500_000)
        await disbursement.record_tranche(s, clock, reviewer, training, amount=4_000_000, tranche=1)
        for answers, outcome in ((SANTUNAN, "waitlist"), (DRAINAGE, "reject")):
            pid = await _fill(s, clock, author, answers)
            await submit.submit(s, clock, author, pid)
            await review.check(s, clock, reviewer, pid)
            await review.complete(s, clock, reviewer, pid)
            if outcome == "waitlist":
                await decision.waitlist(s, clock, reviewer, pid, note="Menunggu dana tahun depan")
            else:
                await decision.reject(
                    s, clock, reviewer, pid, reason="Sudah didanai APBD kota tahun ini"
                )
        # The seeded proposals are the demo's past: a dozen status notices about them would
        # fill the first screen before the newcomer typed anything. Their timelines keep it all.
        await s.flush()
        await s.exec(  # type: ignore[call-overload]
            delete(Outbox).where(
                col(Outbox.kind).startswith("proposal."),
                col(Outbox.status) == OutboxStatus.PENDING.value,
            )
        )


MEETING: dict[str, object] = {
    "jenis": "bkm",
    "judul": "Rapat koordinasi BKM Sukamaju",
    "tempat": "Balai Warga RW 05, Jl. Sukamaju No. 1",
    "lokasi": (-6.8915, 107.6107),
    "agenda": "Pembagian tugas perbaikan jalan RW 05 dan jadwal kerja bakti.",
}
# A day and two minutes ahead, with reminders a day and an hour before: the first reminder
# falls due a minute or two after the demo starts, the second the next day.
MEETING_AHEAD = timedelta(days=1, minutes=2)
MEETING_REMINDERS = (timedelta(hours=24), timedelta(hours=1))
# A demo restarted within this long of the last one has its reminder still to come: no new one.
REMINDER_SOON = timedelta(minutes=5)


def _typed(when: datetime, timezone: str) -> str:
    """A start as a person in `timezone` types it: "1/12/2026 09.32"."""
    local = when.astimezone(ZoneInfo(timezone))
    return f"{local.day}/{local.month}/{local.year} {local:%H.%M}"


async def seed_meeting(db: Database, clock: Clock, *, organiser: int) -> int | None:
    """A BKM Sukamaju meeting called by `organiser`: invitations at once, a reminder soon after.

    Skipped (None) while a reminder is still due within minutes (a restarted demo) or while
    the organiser has a meeting draft of their own open.
    """
    async with db.transaction() as s:
        soon = select(MeetingReminder.id).where(
            MeetingReminder.status == ReminderStatus.PENDING.value,
            MeetingReminder.due_at <= clock.now() + REMINDER_SOON,  # type: ignore[operator]
        )
        author = await _actor(s, organiser)
        draft = select(Meeting.id).where(
            Meeting.organiser_id == author.person_id, Meeting.status == MeetingStatus.DRAFT.value
        )
        if (await s.exec(soon)).first() or (await s.exec(draft)).first():
            return None
        meeting = await meeting_form.start_or_resume(s, clock, author)
        meeting_id = meeting.id
        assert meeting_id is not None
        kota = await access.kota_of(s, meeting)
        bkm = await areas.find_bkm(s, "BKM Sukamaju")
        answers = MEETING | {
            "waktu": _typed(clock.now() + MEETING_AHEAD, kota.timezone),
            "peserta": f"bkm:{bkm.id}",
        }
        for _ in range(20):
            step = meeting_form.position(meeting).step
            if step is None:
                break
            meeting = await (
                meeting_form.answer_step(
                    s, clock, author, meeting_id, step=step.name, value=answers[step.name]
                )
                if step.name in answers
                else meeting_form.skip_step(s, clock, author, meeting_id, step=step.name)
            )
        await schedule.schedule(
            s, clock, author, meeting_id, default_offsets=MEETING_REMINDERS, quiet_hours=None
        )
        return meeting_id
