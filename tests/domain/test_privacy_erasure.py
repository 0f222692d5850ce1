"""Deleting my data erases every copy of it; withdrawing consent stops everything and keeps only
name and Telegram id with the consent record, for the stated time.

The seeded person did everything the service offers (registered by a fasilitator's invite,
drafted and submitted a proposal, got notifications that were sent, failed and dropped, was
invited to a meeting, answered it and got its reminder, sent an idea, acknowledged and wrote an
announcement, left a form open, became unreachable) and then every text, JSON, number and file
column of every table is searched for their name, Telegram id and phone.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import SQLModel, col, select

from bot.domain import audit, erasure, ideas, invites, outbox, people, privacy, reachability
from bot.domain.actors import SYSTEM
from bot.domain.meetings import rsvp
from bot.domain.meetings.reminders import enqueue_due_reminders
from bot.domain.proposals import review, submit
from storage.announcement_models import Announcement, AnnouncementAck, AnnouncementStatus
from storage.meeting_models import MeetingInvitee, ReminderDelivery
from storage.models import (
    Bkm,
    Consent,
    Dialog,
    Invite,
    Outbox,
    OutboxStatus,
    Person,
    Role,
    RoleGrant,
)
from tests.domain import factories as f
from tests.domain import meeting_factories as mf

NAME = "Sutarmi Wiryaningsih"
TG = 770012345
PHONE = "+6281299887766"
DAY_BEFORE = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # the meeting's first reminder is due


async def copies(db, *, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every cell of every table (but `skip`) that holds the name, Telegram id or phone."""
    found: list[str] = []
    async with db.transaction() as s:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip:
                continue
            for row in (await s.exec(sa_select(table))).mappings().all():  # type: ignore[call-overload]
                for column in table.columns:
                    text = _as_text(row[column])
                    if text is None:
                        continue
                    hits = [t for t in (NAME, str(TG), PHONE) if t in text]
                    found += [f"{table.name}.{column.name}: {t}" for t in hits]
    return found


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


async def did_everything(db, clock) -> tuple[mf.MeetingWorld, int]:
    """The person, registered by the fasilitator's invite as koordinator of BKM Sukamaju."""
    world = await mf.seed(db, clock)
    base = world.base
    fasilitator = await f.actor(db, base, "fasilitator")
    async with db.transaction() as s:
        bkm = await s.get_one(Bkm, base.bkm)
        invite = await invites.create_invite(s, clock, fasilitator, role=Role.KOORDINATOR, bkm=bkm)
        token = invite.token
    async with db.transaction() as s:
        person, _ = await people.register_with_invite(
            s, clock, telegram_id=TG, name=NAME, language_code="id", token=token,
            notice_version="v1",
        )  # fmt: skip
        person.phone, person.onboarding_step = PHONE, None
        s.add(person)
        await invites.tell_inviters(s, clock, person)  # "✅ Sutarmi … joined" to the fasilitator
        assert person.id is not None
        pid = person.id
        s.add(Dialog(telegram_id=TG, flow="proposal", step="judul", data={"typed": PHONE}))
        audit.record(s, clock, SYSTEM, "person.note", "person", pid, who=NAME, telegram=TG)
    base.people["sutarmi"] = pid
    me = await f.actor(db, base, "sutarmi")
    async with db.transaction() as s:  # an invite of their own, still open
        await invites.create_invite(
            s, clock, me, role=Role.ANGGOTA, bkm=await s.get_one(Bkm, base.bkm)
        )

    # A proposal they drafted and submitted; the fasilitator's check tells them.
    proposal_id = await f.draft(
        db, clock, base, "sutarmi", uraian=f"Disusun oleh {NAME} bersama warga RW 05 dan RT 02."
    )
    async with db.transaction() as s:
        await submit.submit(s, clock, me, proposal_id)
    for step in (review.check, review.complete):
        async with db.transaction() as s:
            await step(s, clock, fasilitator, proposal_id)
    async with db.transaction() as s:  # one message of theirs went out, one failed
        mine = (await s.exec(select(Outbox).where(Outbox.person_id == pid))).all()
        assert len(mine) >= 2
        mine[0].status, mine[0].message_id, mine[0].sent_at = "sent", 10, clock.now()
        mine[1].status, mine[1].error = "failed", f"Bad Request: chat {TG} not found"
        s.add_all(mine[:2])

    # A meeting of their BKM: invited, answered, reminded.
    meeting_id = await mf.scheduled(db, clock, world, "fasilitator")
    async with db.transaction() as s:
        await rsvp.answer(s, clock, me, meeting_id, attending=True)
    clock.set(DAY_BEFORE)
    async with db.transaction() as s:
        await enqueue_due_reminders(s, clock, postgres=db.is_postgres, quiet_hours=None)
        assert (
            await s.exec(select(ReminderDelivery).where(ReminderDelivery.person_id == pid))
        ).all()

    # An idea for the BKM, signed; an announcement they acknowledged; one they wrote.
    async with db.transaction() as s:
        await ideas.suggest(
            s, clock, me, bkm_id=base.bkm, text=f"Saya {NAME} mengusulkan lampu jalan di gang 3."
        )
        heard = Announcement(
            author_id=base.people["fasilitator"], kota_id=base.kota, author_role="fasilitator",
            body="Pelatihan KSM hari Kamis.", status=AnnouncementStatus.SENT.value,
        )  # fmt: skip
        written = Announcement(
            author_id=pid, kota_id=base.kota, author_role="koordinator",
            body="Kerja bakti Minggu pagi.", status=AnnouncementStatus.SENDING.value,
            progress_chat_id=TG, progress_message_id=77, progress_text=f"Terkirim ke 3 — {NAME}",
        )  # fmt: skip
        s.add_all([heard, written])
        await s.flush()
        assert heard.id is not None
        s.add(AnnouncementAck(announcement_id=heard.id, person_id=pid, at=clock.now()))

    # Then they blocked the bot: their queue is dropped, the fasilitator told by name.
    async with db.transaction() as s:
        await reachability.person_unreachable(
            s, clock, TG, "Forbidden: bot was blocked by the user"
        )
    return world, pid


async def test_deleting_my_data_leaves_no_copy_of_name_telegram_id_or_phone(db, clock):
    world, pid = await did_everything(db, clock)
    before = await copies(db)
    # The search can fail: the identity was copied into many places first.
    for place in ("person.name", "outbox.text", "outbox.chat_id", "audit_log.detail", "dialog.",
                  "idea.text", "proposal.uraian", "announcement.progress_chat_id"):  # fmt: skip
        assert any(hit.startswith(place) for hit in before), (place, before)
    async with db.transaction() as s:
        unreachable = (await s.exec(select(Outbox).where(Outbox.kind == "unreachable"))).all()
        assert unreachable and NAME in unreachable[0].text

    me = await f.actor(db, world.base, "sutarmi")
    async with db.transaction() as s:
        await privacy.delete_now(s, clock, me, await s.get_one(Person, pid))

    assert await copies(db) == []
    async with db.transaction() as s:
        person = await s.get_one(Person, pid)
        assert (person.telegram_id, person.name, person.phone, person.locale) == (
            None,
            "",
            None,
            None,
        )
        assert person.deleted_at is not None
        assert (await s.exec(select(RoleGrant).where(RoleGrant.person_id == pid))).all() == []
        open_rows = select(Outbox).where(
            Outbox.person_id == pid, col(Outbox.status).in_(["pending", "sending"])
        )
        assert (await s.exec(open_rows)).all() == []
        # The upcoming meeting lost them; the acknowledgement stays (a count, without a name).
        assert (
            await s.exec(select(MeetingInvitee).where(MeetingInvitee.person_id == pid))
        ).all() == []
        assert len((await s.exec(select(AnnouncementAck))).all()) == 1
        # Their open invite can no longer be used.
        theirs = (await s.exec(select(Invite).where(Invite.created_by == pid))).all()
        assert theirs and all(
            i.expires_at is not None and i.expires_at <= clock.now() for i in theirs
        )
        # Other people's messages keep their sense: only the name is gone.
        notice = (await s.exec(select(Outbox).where(Outbox.kind == "unreachable"))).first()
        assert notice is not None and notice.text.startswith(erasure.ERASED)
        assert "tidak dapat lagi dihubungi" in notice.text


async def test_the_scrub_replaces_whole_words_only():
    pattern = erasure.pattern(erasure.identity_tokens("Ani", 12345, None))
    text = "Bu Ani dan Pak Daniel, chat 12345 dan 123456"
    assert pattern.sub(erasure.ERASED, text) == "Bu — dan Pak Daniel, chat — dan 123456"
    assert erasure.identity_tokens("Al", None, None) == []  # too short to erase safely
    assert erasure.identity_tokens("Warga", None, None) == []  # the placeholder, not a name


async def test_withdrawing_consent_stops_everything_and_keeps_only_name_and_id(db, clock):
    world, pid = await did_everything(db, clock)
    async with db.transaction() as s:  # reachable again (unblocked), so messages would go
        person = await s.get_one(Person, pid)
        person.unreachable_at = None
        s.add(person)
    me = await f.actor(db, world.base, "sutarmi")
    async with db.transaction() as s:
        until = await privacy.withdraw(s, clock, me, await s.get_one(Person, pid))
    assert until - clock.now() == privacy.RETENTION >= timedelta(days=5 * 365)

    # Name and Telegram id are kept with the consent record, nowhere else.
    assert sorted(await copies(db)) == [f"person.name: {NAME}", f"person.telegram_id: {TG}"]
    async with db.transaction() as s:
        person = await s.get_one(Person, pid)
        assert person.withdrawn_at is not None and person.deleted_at is None
        assert person.phone is None
        assert not await people.has_consent(s, person)
        decisions = [c.decision for c in (await s.exec(select(Consent).order_by(col(Consent.id))))]
        assert decisions == ["given", "withdrawn"]
        assert (await s.exec(select(RoleGrant).where(RoleGrant.person_id == pid))).all() == []
        queued = select(Outbox).where(
            Outbox.person_id == pid, col(Outbox.status).in_([OutboxStatus.PENDING.value])
        )
        assert (await s.exec(queued)).all() == []
        # No further messages, whatever would write to them.
        assert outbox.enqueue(s, clock, person, kind="test", text="Halo") is None

    # Before the retention time nothing more is erased; after it, everything.
    clock.advance(days=365)
    async with db.transaction() as s:
        assert await privacy.erase_expired_withdrawals(s, clock) == 0
    clock.set(until + timedelta(minutes=1))
    # The bot's hourly housekeeping job is what does it (bot/runtime/scheduler.py).
    from bot.runtime.scheduler import ReminderScheduler

    assert await ReminderScheduler(db, clock, quiet_hours=None).housekeeping() == 1
    assert await copies(db) == []
    async with db.transaction() as s:
        assert (await s.get_one(Person, pid)).deleted_at is not None


async def test_a_withdrawn_person_returning_with_a_new_invite_is_reachable_again(db, clock):
    world = await f.seed(db, clock)
    me = await f.actor(db, world, "anggota")
    async with db.transaction() as s:
        await privacy.withdraw(s, clock, me, await s.get_one(Person, world.people["anggota"]))
    async with db.transaction() as s:
        invite = await invites.create_invite(
            s, clock, SYSTEM, role=Role.ANGGOTA, bkm=await s.get_one(Bkm, world.bkm)
        )
        token = invite.token
    async with db.transaction() as s:
        person, _ = await people.register_with_invite(
            s, clock, telegram_id=102, name="Orang 102", language_code="id", token=token,
            notice_version="v2",
        )  # fmt: skip
        assert person.withdrawn_at is None and await people.has_consent(s, person)
        assert outbox.enqueue(s, clock, person, kind="test", text="Halo") is not None
