"""A person's rights under UU PDP (No. 27/2022): see their data, delete it, withdraw consent.

Two different things, and the person is told which is which:
- **Delete now** (`delete_now`): the person is erased at once. Programme records (proposals,
  decisions, timelines, meeting attendance already confirmed, announcement receipts) keep the
  role and organisation but point to a person row without identity; every copy of the name,
  Telegram id and phone elsewhere (messages sent to others, audit details, ideas) is replaced
  (bot/domain/erasure.py); their own messages, flows, roles and upcoming RSVPs are removed.
- **Withdraw consent** (`withdraw`): all processing stops the same way (roles revoked, queued
  messages dropped, nothing sent again), but the name and Telegram id stay with the consent
  record, as proof that what was processed before was processed with consent, for `RETENTION`
  (the time the programme's records they took part in stay in the archive); then
  `erase_expired_withdrawals` erases them as a deletion would. A new invite brings them back.
Ideas sent to a BKM stay with the BKM (its members may be turning one into a proposal), shown
without the name; the export lists them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import SYSTEM, Actor, Grant, grants_of
from bot.domain.clock import Clock
from bot.domain.erasure import scrub_identity
from storage.announcement_models import Announcement
from storage.idea_models import Idea
from storage.meeting_models import Meeting, MeetingInvitee, ReminderDelivery
from storage.models import (
    Consent,
    Dialog,
    Invite,
    Outbox,
    OutboxStatus,
    Person,
    RoleGrant,
)

# How long a withdrawn person's name and Telegram id stay with their consent record: the
# programme keeps its activity records (proposals, minutes, accountability reports) in the
# archive for five years, and for as long as those records may be questioned the consent
# behind the data in them must be provable. Said to the person in these words.
RETENTION_YEARS = 5
RETENTION = timedelta(days=365 * RETENTION_YEARS + 2)  # five years, leap days included


@dataclass(frozen=True)
class MyData:
    """Everything stored about one person (the export)."""

    telegram_id: int | None
    name: str
    locale: str | None
    phone: str | None
    grants: tuple[Grant, ...]
    consents: tuple[tuple[str, str, datetime | None], ...]  # (decision, notice version, when)
    registered_at: datetime | None
    ideas: tuple[tuple[str, str, datetime | None], ...] = ()  # (text, status, when) sent to a BKM


async def my_data(session: AsyncSession, person: Person) -> MyData:
    assert person.id is not None
    consents = (
        await session.exec(
            select(Consent).where(Consent.person_id == person.id).order_by(col(Consent.id))
        )
    ).all()
    ideas = (
        await session.exec(select(Idea).where(Idea.author_id == person.id).order_by(col(Idea.id)))
    ).all()
    return MyData(
        telegram_id=person.telegram_id,
        name=person.name,
        locale=person.locale,
        phone=person.phone,
        grants=await grants_of(session, person.id),
        consents=tuple((c.decision, c.notice_version, c.at) for c in consents),
        registered_at=person.created_at,
        ideas=tuple((i.text, i.status, i.created_at) for i in ideas),
    )


def export_json(data: MyData) -> bytes:
    """The export a person downloads: everything stored about them, machine-readable."""
    document = {
        "telegram_id": data.telegram_id,
        "name": data.name,
        "language": data.locale,
        "phone": data.phone,
        "roles": [{"role": g.role.value, "scope": g.scope_name} for g in data.grants],
        "consents": [
            {"decision": d, "notice_version": v, "at": at.isoformat() if at else None}
            for d, v, at in data.consents
        ],
        "registered_at": data.registered_at.isoformat() if data.registered_at else None,
        "ideas": [
            {"text": text, "status": status, "at": at.isoformat() if at else None}
            for text, status, at in data.ideas
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


async def delete_now(session: AsyncSession, clock: Clock, actor: Actor, person: Person) -> None:
    """Erase the person now: their rows, their identity, and every copy of it elsewhere."""
    assert person.id is not None
    await _stop_everything(session, clock, person)
    await scrub_identity(session, person.name, person.telegram_id, person.phone)
    audit.record(session, clock, actor, "person.delete", "person", person.id)
    person.telegram_id, person.name, person.phone, person.locale = None, "", None, None
    person.onboarding_step, person.deleted_at = None, clock.now()
    session.add(person)


async def withdraw(session: AsyncSession, clock: Clock, actor: Actor, person: Person) -> datetime:
    """Withdraw consent: stop all processing and messages; keep only name and Telegram id with
    the consent record, until the returned moment (then `erase_expired_withdrawals`)."""
    assert person.id is not None
    now = clock.now()
    session.add(Consent(person_id=person.id, notice_version="-", decision="withdrawn", at=now))
    await _stop_everything(session, clock, person)
    # What is kept is the consent record and who gave it: other copies of the name, the
    # Telegram id and the phone are not needed for that proof.
    await scrub_identity(session, person.name, person.telegram_id, person.phone)
    audit.record(session, clock, actor, "person.withdraw", "person", person.id)
    person.phone, person.locale, person.onboarding_step = None, None, None
    person.withdrawn_at = now
    session.add(person)
    return now + RETENTION


async def erase_expired_withdrawals(session: AsyncSession, clock: Clock) -> int:
    """Erase every person whose consent was withdrawn more than `RETENTION` ago; how many."""
    stmt = select(Person).where(
        col(Person.withdrawn_at) <= clock.now() - RETENTION, col(Person.deleted_at).is_(None)
    )
    expired = (await session.exec(stmt.with_for_update())).all()
    for person in expired:
        await delete_now(session, clock, SYSTEM, person)
    return len(expired)


async def _stop_everything(session: AsyncSession, clock: Clock, person: Person) -> None:
    """No roles, no flow, nothing queued, no upcoming meeting, no live message, no open invite.

    Messages already sent (or failed) stay counted in the reports of what was sent, but lose
    their text and chat: they were addressed to this person.
    """
    assert person.id is not None
    pid, chat = person.id, person.telegram_id
    if chat is not None:
        await session.exec(delete(Dialog).where(col(Dialog.telegram_id) == chat))  # type: ignore[call-overload]
    # Their reminder receipts point at their outbox rows: gone first (nothing else needs them).
    await session.exec(delete(ReminderDelivery).where(col(ReminderDelivery.person_id) == pid))  # type: ignore[call-overload]
    theirs = col(Outbox.person_id) == pid
    if chat is not None:
        theirs = theirs | (col(Outbox.chat_id) == chat)
    open_rows = col(Outbox.status).in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value])
    await session.exec(delete(Outbox).where(theirs, open_rows))  # type: ignore[call-overload]
    await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(theirs)
        .values(
            chat_id=0,
            text="",
            buttons=[],
            error=None,
            file_name=None,
            file_content=None,
            media_file_id=None,
        )
        .execution_options(synchronize_session=False)
    )
    await session.exec(delete(RoleGrant).where(col(RoleGrant.person_id) == pid))  # type: ignore[call-overload]
    # Meetings whose attendance is not yet confirmed lose them (no reminder, not on the sheet);
    # a confirmed attendance list keeps the line, now without a name.
    open_meetings = select(Meeting.id).where(col(Meeting.attendance_at).is_(None))
    await session.exec(  # type: ignore[call-overload]
        delete(MeetingInvitee).where(
            col(MeetingInvitee.person_id) == pid, col(MeetingInvitee.meeting_id).in_(open_meetings)
        )
    )
    # An announcement's live progress message sits in their chat: stop editing it.
    await session.exec(  # type: ignore[call-overload]
        update(Announcement)
        .where(col(Announcement.author_id) == pid, col(Announcement.progress_chat_id).is_not(None))
        .values(
            progress_chat_id=None, progress_message_id=None, progress_text=None, progress_final=True
        )
        .execution_options(synchronize_session=False)
    )
    # A link they made vouched for the newcomer through them: no longer usable.
    await session.exec(  # type: ignore[call-overload]
        update(Invite)
        .where(
            col(Invite.created_by) == pid,
            col(Invite.expires_at).is_(None) | (col(Invite.expires_at) > clock.now()),
        )
        .values(expires_at=clock.now())
        .execution_options(synchronize_session=False)
    )
