"""Publishing: confirm (now or at a time), start (one outbox row per recipient), stop, cancel,
and "✅ Sudah dibaca" recorded once.

A scheduled announcement starts in the reminder job (`start_due_announcements`), its rows
held for each recipient's quiet hours; one sent now goes at once (the chat asks first when
it is night in the kota).
"""

from __future__ import annotations

from datetime import datetime
from functools import cache

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit, outbox
from bot.domain.actors import Actor
from bot.domain.announcements import audience, compose, frame, progress
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotFound
from bot.domain.meetings.access import zones
from bot.domain.quiet_hours import QuietHours, send_time
from bot.i18n import N_, Translator
from bot.ui import Keyboard
from storage.announcement_models import Announcement, AnnouncementAck, AnnouncementStatus
from storage.models import Kota, Outbox, OutboxPriority, OutboxStatus

# The pace assumed for the first "time left" when the caller does not know SEND_RATE (the
# reminder job); the live message shows the real one a few seconds later.
DEFAULT_SEND_RATE = 25.0

STOPPED_ERROR = frame.STOPPED_ERROR
UNREACHABLE_ERROR = "unreachable before sending"
NO_BODY = N_("Mohon tulis isi pengumuman terlebih dahulu.")
NOT_SENDING = N_("Pengumuman ini sedang tidak dikirim, jadi tidak dapat dihentikan.")
NOT_SCHEDULED = N_("Pengumuman ini tidak terjadwal, jadi tidak dapat dibatalkan.")
NOT_RECEIVED = N_("Maaf, pengumuman itu tidak ditemukan.")
Status = AnnouncementStatus


async def confirm(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    announcement_id: int,
    *,
    quiet: QuietHours,
    send_rate: float = DEFAULT_SEND_RATE,
) -> Announcement:
    """Send the draft now (rows written in this transaction) or schedule it for `send_at`."""
    draft = await compose.load_draft(session, actor, announcement_id)
    if not draft.body and not draft.file_id:
        raise InvalidInput(NO_BODY)
    if draft.audience is None:
        raise InvalidInput(compose.NO_AUDIENCE)
    draft.updated_at = clock.now()
    if draft.send_at is not None and draft.send_at > clock.now():
        draft.status = Status.SCHEDULED.value
        session.add(draft)
    else:
        await start(session, clock, draft, quiet=None, send_rate=send_rate)
    audit.record(session, clock, actor, "announcement.confirm", "announcement", draft.id,
                 audience=draft.audience, send_at=draft.send_at)  # fmt: skip
    return draft


async def start(
    session: AsyncSession,
    clock: Clock,
    announcement: Announcement,
    *,
    quiet: QuietHours,
    send_rate: float = DEFAULT_SEND_RATE,
) -> int:
    """One outbox row per recipient, in their language (`quiet` holds rows for the night),
    and the author's live progress message ahead of them."""
    people = await compose.recipients(session, announcement)
    kota = await session.get_one(Kota, announcement.kota_id)
    zone = await zones(session, [p.id for p in people if p.id is not None], kota.timezone)
    bkm_name = ", ".join(await audience.bkm_names(session, announcement))

    # Everyone reading the same language in the same zone gets the same message: render it
    # once per pair, not once per recipient (thousands of them).
    @cache
    def rendered(locale: str, timezone: str) -> tuple[str, Keyboard, datetime]:
        tr = Translator(locale, timezone)
        sender = frame.sender_label(tr, announcement.author_role, kota=kota.name, bkm=bkm_name)
        text = frame.text(tr, announcement, sender)
        return text, frame.ack_buttons(tr, announcement.id), send_time(clock.now(), timezone, quiet)

    # enqueue_many skips whoever cannot be reached; they are recorded as dropped below.
    letters = [
        outbox.Letter(person, *rendered(person.locale or "id", zone.get(person.id or 0, kota.timezone)))
        for person in people
    ]  # fmt: skip
    queued = await outbox.enqueue_many(
        session, clock, letters, kind=frame.KIND, topic=frame.topic(announcement.id),
        priority=OutboxPriority.BULK,
        media=outbox.Media(announcement.file_kind, announcement.file_id),
    )  # fmt: skip
    # Known to be unreachable: a dropped row keeps them in the report.
    await outbox.record_dropped(
        session, clock, [p for p in people if not outbox.reachable(p)], kind=frame.KIND,
        topic=frame.topic(announcement.id), priority=OutboxPriority.BULK, error=UNREACHABLE_ERROR,
    )  # fmt: skip
    announcement.recipients, announcement.started_at = queued, clock.now()
    announcement.status = (Status.SENDING if queued else Status.SENT).value
    announcement.finished_at = None if queued else clock.now()
    await session.flush()  # the announcement's new status, for the live message's first count
    await progress.queue_message(session, clock, announcement, send_rate=send_rate)
    session.add(announcement)
    return queued


async def preview(session: AsyncSession, announcement: Announcement, tr: Translator) -> str:
    """The message exactly as a recipient reading `tr`'s language will see it."""
    kota = await session.get_one(Kota, announcement.kota_id)
    # The BKMs a koordinator speaks for: the ones their announcement goes to.
    bkm_name = ", ".join(await audience.bkm_names(session, announcement))
    sender = frame.sender_label(tr, announcement.author_role, kota=kota.name, bkm=bkm_name)
    return frame.text(tr, announcement, sender)


async def start_due_announcements(
    session: AsyncSession,
    clock: Clock,
    *,
    postgres: bool,
    quiet: QuietHours = None,
    send_rate: float = DEFAULT_SEND_RATE,
) -> int:
    """Start every scheduled announcement whose time has come; returns the rows queued."""
    stmt = select(Announcement).where(
        Announcement.status == Status.SCHEDULED.value,
        col(Announcement.send_at) <= clock.now(),
    )
    if postgres:
        stmt = stmt.with_for_update(skip_locked=True)
    queued = 0
    for announcement in (await session.exec(stmt.order_by(col(Announcement.id)))).all():
        queued += await start(session, clock, announcement, quiet=quiet, send_rate=send_rate)
    return queued


async def stop(session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int) -> int:
    """Stop one being sent: the rows not yet claimed are dropped; returns how many."""
    found = await compose.load(session, actor, announcement_id)
    if found.status != Status.SENDING.value:
        raise InvalidTransition(NOT_SENDING)
    result = await session.exec(  # type: ignore[call-overload]
        update(Outbox)
        .where(
            col(Outbox.topic) == frame.topic(found.id),
            col(Outbox.status) == OutboxStatus.PENDING.value,
        )
        .values(status=OutboxStatus.DROPPED.value, error=STOPPED_ERROR)
        .returning(col(Outbox.id))
    )
    dropped = len(result.scalars().all())
    found.status, found.finished_at = Status.STOPPED.value, clock.now()
    session.add(found)
    audit.record(session, clock, actor, "announcement.stop", "announcement", found.id,
                 dropped=dropped)  # fmt: skip
    return dropped


async def cancel(session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int) -> None:
    """Cancel a scheduled one before it starts (nothing was queued yet)."""
    found = await compose.load(session, actor, announcement_id)
    if found.status != Status.SCHEDULED.value:
        raise InvalidTransition(NOT_SCHEDULED)
    found.status, found.finished_at = Status.CANCELLED.value, clock.now()
    session.add(found)
    audit.record(session, clock, actor, "announcement.cancel", "announcement", found.id)


async def acknowledge(
    session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int
) -> bool:
    """Record "✅ Sudah dibaca" once; True the first time. Only for someone it was sent to."""
    received = select(Outbox.id).where(
        Outbox.topic == frame.topic(announcement_id), Outbox.person_id == actor.person_id
    )
    if actor.person_id is None or (await session.exec(received)).first() is None:
        raise NotFound(NOT_RECEIVED)
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    values = {"announcement_id": announcement_id, "person_id": actor.person_id, "at": clock.now()}
    result = await session.exec(  # type: ignore[call-overload]
        dialect.insert(AnnouncementAck)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(col(AnnouncementAck.id))
    )
    return result.first() is not None
