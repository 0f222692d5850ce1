"""Loading a meeting, deciding who may change it, and reaching its invitees in their language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import permissions
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidTransition, NotAllowed, NotFound
from bot.i18n import N_, Translator
from storage.meeting_models import Meeting, MeetingInvitee, MeetingStatus, Rsvp
from storage.models import Bkm, Kota, Mitra, Person, RoleGrant

# The same words for an unknown meeting and one the person may not see: no existence leak.
NOT_FOUND = N_("Maaf, rapat itu tidak ditemukan.")
NOT_ORGANISER = N_(
    "Maaf, hanya pengundang rapat ini atau fasilitator wilayahnya yang dapat mengubahnya."
)
CANCELLED = N_("Rapat ini sudah dibatalkan.")
STARTED = N_("Rapat ini sudah dimulai, jadi tidak dapat diubah lagi.")
NOT_YET = N_("Rapat ini belum dimulai. Kehadiran dan berita acara dicatat sesudah rapat dimulai.")


def topic(meeting_id: int | None) -> str:
    """The outbox topic of a meeting's messages: "meeting:17"."""
    return f"meeting:{meeting_id}"


def ends_at(meeting: Meeting) -> datetime | None:
    """The end: the start plus the duration (two hours until a duration is given)."""
    if meeting.starts_at is None:
        return None
    return meeting.starts_at + timedelta(minutes=meeting.duration_minutes or 120)


async def load(session: AsyncSession, meeting_id: int) -> Meeting:
    """The meeting with this id, whoever asks (callers check access)."""
    meeting = await session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(NOT_FOUND)
    return meeting


async def kota_of(session: AsyncSession, meeting: Meeting) -> Kota:
    """The meeting's kota: its zone reads typed dates and shows the organiser's times."""
    return await session.get_one(Kota, meeting.kota_id)


async def is_invited(session: AsyncSession, meeting_id: int, person_id: int | None) -> bool:
    """Whether the person is on the meeting's invitation list."""
    stmt = select(MeetingInvitee.id).where(
        MeetingInvitee.meeting_id == meeting_id, MeetingInvitee.person_id == person_id
    )
    return (await session.exec(stmt)).first() is not None


def may_manage(actor: Actor, meeting: Meeting) -> bool:
    """The organiser, a fasilitator of the meeting's kota, or an admin."""
    return permissions.may_manage_meeting(
        actor, organiser_id=meeting.organiser_id, kota_id=meeting.kota_id
    )


async def load_managed(session: AsyncSession, actor: Actor, meeting_id: int) -> Meeting:
    """A scheduled (or cancelled) meeting `actor` may manage; NotFound for a stranger."""
    meeting = await load(session, meeting_id)
    if meeting.status == MeetingStatus.DRAFT.value:
        raise NotFound(NOT_FOUND)
    if not may_manage(actor, meeting):
        if not await is_invited(session, meeting_id, actor.person_id):
            raise NotFound(NOT_FOUND)
        raise NotAllowed(NOT_ORGANISER)
    return meeting


def ensure_upcoming(meeting: Meeting, clock: Clock) -> None:
    """Refuse a change to a cancelled meeting or one that has begun."""
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise InvalidTransition(CANCELLED)
    if meeting.starts_at is not None and meeting.starts_at <= clock.now():
        raise InvalidTransition(STARTED)


def ensure_begun(meeting: Meeting, clock: Clock) -> None:
    """Attendance and minutes: only for a held meeting (begun, not cancelled)."""
    if meeting.status == MeetingStatus.CANCELLED.value:
        raise InvalidTransition(CANCELLED)
    if meeting.starts_at is None or meeting.starts_at > clock.now():
        raise InvalidTransition(NOT_YET)


async def zones(session: AsyncSession, person_ids: list[int], default: str) -> dict[int, str]:
    """Each person's zone (of their first scoped grant's kota), in one query."""
    kota_id = func.coalesce(RoleGrant.kota_id, Bkm.kota_id, Mitra.kota_id)
    stmt = (
        select(RoleGrant.person_id, Kota.timezone)
        .select_from(RoleGrant)
        .outerjoin(Bkm, col(Bkm.id) == col(RoleGrant.bkm_id))
        .outerjoin(Mitra, col(Mitra.id) == col(RoleGrant.mitra_id))
        .join(Kota, col(Kota.id) == kota_id)
        .where(col(RoleGrant.person_id).in_(person_ids))
        .order_by(col(RoleGrant.id).desc())
    )
    found = {person_id: zone for person_id, zone in (await session.exec(stmt)).all()}
    return {person_id: found.get(person_id, default) for person_id in person_ids}


@dataclass(frozen=True)
class Recipient:
    """An invitee, ready to be written to: the person, their RSVP row, their translator."""

    person: Person
    invitee: MeetingInvitee
    tr: Translator


async def recipients(
    session: AsyncSession, meeting: Meeting, *, skip_declined: bool = False
) -> list[Recipient]:
    """Every invitee with a translator in their language and zone (decliners left out on ask)."""
    stmt = (
        select(MeetingInvitee, Person)
        .join(Person, col(Person.id) == col(MeetingInvitee.person_id))
        .where(MeetingInvitee.meeting_id == meeting.id)
        .order_by(col(MeetingInvitee.id))
    )
    if skip_declined:
        stmt = stmt.where(func.coalesce(MeetingInvitee.rsvp, "") != Rsvp.NO.value)
    rows = (await session.exec(stmt)).all()
    kota = await kota_of(session, meeting)
    zone = await zones(session, [p.id for _, p in rows if p.id is not None], kota.timezone)
    return [
        Recipient(person, invitee, Translator(person.locale or "id", zone[invitee.person_id]))
        for invitee, person in rows
    ]
