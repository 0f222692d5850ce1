"""The draft: who speaks, to whom, what, and when. One open draft per author.

The audience reuses the meetings' codes and resolution (bot/domain/meetings/audience.py):
"bkm:5", "kota", "role:koordinator", "mitra", always inside the author's kota; or several
BKMs ticked one by one, "bkms:5,7" (bot/domain/announcements/audience.py).

A photo or a document may come with the text: kept by its Telegram file id (no download, no
copy), sent by that id to every recipient with the framed text as its caption.
"""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import permissions
from bot.domain.actors import Actor
from bot.domain.announcements import audience as announcement_audience
from bot.domain.announcements import limits
from bot.domain.announcements.frame import FRAME_ROOM
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition, NotAllowed, NotFound
from bot.domain.meetings import audience as meeting_audience
from bot.domain.meetings.audience import AudienceOption
from bot.domain.meetings.dates import read_when
from bot.i18n import N_
from storage.announcement_models import Announcement, AnnouncementStatus
from storage.models import Bkm, Kota, Person, Role

NOT_FOUND = N_("Maaf, pengumuman itu tidak ditemukan.")
NOT_A_DRAFT = N_("Pengumuman ini sudah tidak dapat diubah lagi.")
NO_AUDIENCE = N_("Mohon pilih penerima pengumuman terlebih dahulu.")
FILE_KINDS = ("photo", "document")


async def load(session: AsyncSession, actor: Actor, announcement_id: int) -> Announcement:
    """An announcement `actor` may manage; NotFound for any other (no existence leak)."""
    found = await session.get(Announcement, announcement_id)
    if found is None or not permissions.may_manage_announcement(
        actor, author_id=found.author_id, kota_id=found.kota_id
    ):
        raise NotFound(NOT_FOUND)
    # A draft is its author's alone, as a meeting draft is: a fasilitator of the kota who
    # manages what was sent must not read, change or send it in the author's name.
    if found.status == AnnouncementStatus.DRAFT.value and not permissions.holds(
        actor, permissions.Act.ANNOUNCEMENT_DRAFT, kota_id=found.kota_id, owner_id=found.author_id
    ):
        raise NotFound(NOT_FOUND)
    return found


async def load_draft(session: AsyncSession, actor: Actor, announcement_id: int) -> Announcement:
    found = await load(session, actor, announcement_id)
    if found.status != AnnouncementStatus.DRAFT.value:
        raise InvalidTransition(NOT_A_DRAFT)
    return found


async def start(session: AsyncSession, clock: Clock, actor: Actor) -> Announcement:
    """The author's open draft, or a new one in their kota."""
    if not permissions.may_announce(actor) or actor.person_id is None:
        raise NotAllowed()
    stmt = select(Announcement).where(
        Announcement.author_id == actor.person_id,
        Announcement.status == AnnouncementStatus.DRAFT.value,
    )
    draft = (await session.exec(stmt.order_by(col(Announcement.id)))).first()
    if draft is not None:
        return draft
    role, kota_id = await _speaking_as(session, actor)
    draft = Announcement(
        author_id=actor.person_id, kota_id=kota_id, author_role=role,
        created_at=clock.now(), updated_at=clock.now(),
    )  # fmt: skip
    session.add(draft)
    await session.flush()
    return draft


async def _speaking_as(session: AsyncSession, actor: Actor) -> tuple[str, int]:
    """The role and kota an author speaks for: admin, else fasilitator, else koordinator."""
    if actor.is_admin:
        kota = (await session.exec(select(Kota.id).order_by(col(Kota.id)))).first()
        if kota is None:
            raise NotAllowed()
        return Role.ADMIN.value, kota
    if kotas := actor.kota_ids(Role.FASILITATOR):
        return Role.FASILITATOR.value, min(kotas)
    bkm = await session.get_one(Bkm, min(actor.bkm_ids(Role.KOORDINATOR)))
    return Role.KOORDINATOR.value, bkm.kota_id


async def set_file(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    announcement_id: int,
    *,
    kind: str,
    file_id: str,
    caption: str,
) -> Announcement:
    """Attach one photo or document (replacing an earlier one); its caption, when given,
    becomes the body, else the text typed before is kept. Either must fit a caption."""
    draft = await load_draft(session, actor, announcement_id)
    if kind not in FILE_KINDS:
        raise InvalidInput(limits.EMPTY)
    body = caption if caption.strip() else (draft.body or "")
    draft.body = limits.check_body(body, with_file=True, frame_length=FRAME_ROOM) or None
    draft.file_id, draft.file_kind = file_id, kind
    draft.step, draft.updated_at = "peserta", clock.now()
    session.add(draft)
    return draft


async def set_body(
    session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int, text: str
) -> Announcement:
    """Keep the body as written; refused here (with the count) when Telegram would refuse it."""
    draft = await load_draft(session, actor, announcement_id)
    draft.body = limits.check_body(
        text, with_file=draft.file_id is not None, frame_length=FRAME_ROOM
    )
    draft.step, draft.updated_at = "peserta", clock.now()
    session.add(draft)
    return draft


async def options(
    session: AsyncSession, actor: Actor, announcement: Announcement
) -> list[AudienceOption]:
    """The audiences `actor` may choose, as for a meeting in the same kota."""
    return await meeting_audience.options(session, actor, announcement_audience.scope(announcement))


async def set_audience(
    session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int, code: str
) -> Announcement:
    """A checked audience code ("bkm:5", "kota", "role:koordinator", "mitra")."""
    draft = await load_draft(session, actor, announcement_id)
    chosen = meeting_audience.parse_code(code)
    bkm = await session.get(Bkm, chosen.bkm_id) if chosen.bkm_id is not None else None
    if chosen.bkm_id is not None and (bkm is None or bkm.kota_id != draft.kota_id):
        raise InvalidInput(meeting_audience.PICK_A_BUTTON)
    permissions.ensure_can_announce(actor, kota_id=draft.kota_id, bkm=bkm)
    if not await meeting_audience.people(session, announcement_audience.scope(draft), chosen):
        raise InvalidInput(meeting_audience.EMPTY)
    draft.audience, draft.step, draft.updated_at = chosen.code, "waktu", clock.now()
    session.add(draft)
    return draft


async def start_several(
    session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int
) -> Announcement:
    """☑️ Beberapa BKM: start ticking (the ticks of an earlier round are kept)."""
    draft = await load_draft(session, actor, announcement_id)
    if announcement_audience.ticked(draft.audience) is None:
        draft.audience = announcement_audience.several_code([])
    draft.step, draft.updated_at = "peserta", clock.now()
    session.add(draft)
    return draft


async def toggle_bkm(
    session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int, bkm_id: int
) -> Announcement:
    """Tick or untick one BKM of the author's area; saved at once."""
    draft = await load_draft(session, actor, announcement_id)
    await announcement_audience.toggle(session, actor, draft, bkm_id)
    draft.updated_at = clock.now()
    session.add(draft)
    return draft


async def finish_several(
    session: AsyncSession, clock: Clock, actor: Actor, announcement_id: int
) -> Announcement:
    """➡️ Lanjut: the ticked BKMs become the audience (at least one, someone in them)."""
    draft = await load_draft(session, actor, announcement_id)
    await announcement_audience.check_several(session, draft)
    draft.step, draft.updated_at = "waktu", clock.now()
    session.add(draft)
    return draft


async def describe_audience(session: AsyncSession, announcement: Announcement) -> AudienceOption:
    if announcement.audience is None:
        raise InvalidInput(NO_AUDIENCE)
    return await announcement_audience.describe(session, announcement)


async def recipients(session: AsyncSession, announcement: Announcement) -> list[Person]:
    """The live people the audience names now, without the author; each once."""
    return await announcement_audience.people(session, announcement)


async def set_send_at(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    announcement_id: int,
    typed: str | None,
) -> Announcement:
    """None: send at once; else a time typed like a meeting's, read in the kota's zone."""
    draft = await load_draft(session, actor, announcement_id)
    if typed is None:
        draft.send_at = None
    else:
        kota = await session.get_one(Kota, draft.kota_id)
        draft.send_at = read_when(typed, now=clock.now(), timezone=kota.timezone)
    draft.step, draft.updated_at = "pratinjau", clock.now()
    session.add(draft)
    return draft


def set_send_time(draft: Announcement, clock: Clock, when: datetime | None) -> None:
    """An exact time chosen by a button (the end of quiet hours)."""
    draft.send_at, draft.step, draft.updated_at = when, "pratinjau", clock.now()


async def discard(session: AsyncSession, actor: Actor, announcement_id: int) -> None:
    """Delete an unsent draft."""
    draft = await load_draft(session, actor, announcement_id)
    await session.delete(draft)
