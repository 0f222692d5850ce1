"""An announcement's audience: one of the meetings' audiences, or several BKMs ticked one by one.

    "bkm:5", "kota", "role:koordinator", "mitra"   as for a meeting (bot/domain/meetings/audience.py)
    "bkms:5,7"                                      everyone of BKM 5 and of BKM 7, once each

The ticks are saved on the draft as they are pressed ("bkms:" with none ticked yet), so a
dropped signal loses none of them. Every BKM lies in the announcement's kota and must be one
the author may address.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import permissions
from bot.domain.actors import Actor
from bot.domain.errors import InvalidInput
from bot.domain.meetings import audience as meeting_audience
from bot.domain.meetings.audience import Audience, AudienceOption
from bot.domain.meetings.kinds import AudienceKind
from bot.i18n import N_
from storage.announcement_models import Announcement
from storage.meeting_models import Meeting
from storage.models import Bkm, Kota, Person

SEVERAL = "bkms"
# Callback data is at most 64 bytes and the column 400 characters: plenty for one kota.
MAX_TICKED = 50
NONE_TICKED = N_("Mohon centang paling sedikit satu BKM.")
SEVERAL_LABEL = N_("☑️ Beberapa BKM (pilih)")


@dataclass(frozen=True)
class BkmChoice:
    """One tick button: a BKM the author may address, and whether it is ticked."""

    bkm_id: int
    name: str
    ticked: bool


def scope(announcement: Announcement) -> Meeting:
    """A transient meeting standing for the announcement's area, for the audience queries."""
    return Meeting(kota_id=announcement.kota_id, organiser_id=announcement.author_id)


def ticked(code: str | None) -> list[int] | None:
    """The BKM ids of a "bkms:…" code (in the order ticked); None for any other code."""
    if code is None or not code.startswith(SEVERAL + ":"):
        return None
    return [int(part) for part in code[len(SEVERAL) + 1 :].split(",") if part.isdecimal()]


def several_code(bkm_ids: list[int]) -> str:
    return f"{SEVERAL}:" + ",".join(str(i) for i in bkm_ids)


async def choices(
    session: AsyncSession, actor: Actor, announcement: Announcement
) -> list[BkmChoice]:
    """The BKMs `actor` may address in the announcement's kota, with the ticks saved so far."""
    options = await meeting_audience.options(session, actor, scope(announcement))
    bkm_ids = [o.audience.bkm_id for o in options if o.audience.kind == AudienceKind.BKM]
    chosen = set(ticked(announcement.audience) or ())
    stmt = select(Bkm).where(col(Bkm.id).in_(bkm_ids)).order_by(col(Bkm.name))
    return [BkmChoice(b.id or 0, b.name, b.id in chosen) for b in (await session.exec(stmt)).all()]


async def toggle(
    session: AsyncSession, actor: Actor, announcement: Announcement, bkm_id: int
) -> None:
    """Tick or untick one BKM; only one in the kota that `actor` may address."""
    bkm = await session.get(Bkm, bkm_id)
    if bkm is None or bkm.kota_id != announcement.kota_id:
        raise InvalidInput(meeting_audience.PICK_A_BUTTON)
    permissions.ensure_can_announce(actor, kota_id=announcement.kota_id, bkm=bkm)
    now = ticked(announcement.audience) or []
    if bkm_id in now:
        now.remove(bkm_id)
    elif len(now) < MAX_TICKED:
        now.append(bkm_id)
    announcement.audience = several_code(now)


async def check_several(session: AsyncSession, announcement: Announcement) -> None:
    """Before going on: at least one BKM ticked, and someone registered in them."""
    if not ticked(announcement.audience):
        raise InvalidInput(NONE_TICKED)
    if not await people(session, announcement):
        raise InvalidInput(meeting_audience.EMPTY)


async def people(session: AsyncSession, announcement: Announcement) -> list[Person]:
    """The live people the audience names now, without the author; each once."""
    code = announcement.audience
    if code is None:
        return []
    bkm_ids = ticked(code)
    if bkm_ids is None:
        return await meeting_audience.people(
            session, scope(announcement), meeting_audience.parse_code(code)
        )
    found: dict[int, Person] = {}
    for bkm_id in bkm_ids:  # a person in two of the BKMs is one recipient
        audience = Audience(AudienceKind.BKM, bkm_id=bkm_id)
        for person in await meeting_audience.people(session, scope(announcement), audience):
            found.setdefault(person.id or 0, person)
    return [found[i] for i in sorted(found)]


async def describe(session: AsyncSession, announcement: Announcement) -> AudienceOption:
    """The audience in words: "Seluruh BKM Sukamaju, BKM Cibeunying", "Semua BKM di Bandung"."""
    code = announcement.audience or ""
    bkm_ids = ticked(code)
    if bkm_ids is None:
        kota = await session.get_one(Kota, announcement.kota_id)
        return await meeting_audience.describe(session, meeting_audience.parse_code(code), kota)
    return AudienceOption(
        Audience(AudienceKind.BKM, bkm_id=bkm_ids[0] if bkm_ids else None),
        N_("Seluruh {bkm}"),
        {"bkm": ", ".join(await bkm_names(session, announcement))},
    )


async def bkm_names(session: AsyncSession, announcement: Announcement) -> list[str]:
    """The BKMs the audience names by BKM ("bkm:5" or "bkms:5,7"), by name; else none."""
    code = announcement.audience or ""
    bkm_ids = ticked(code)
    if bkm_ids is None:
        bkm_ids = [int(code[4:])] if code.startswith("bkm:") and code[4:].isdecimal() else []
    if not bkm_ids:
        return []
    stmt = select(Bkm.name).where(col(Bkm.id).in_(bkm_ids)).order_by(col(Bkm.name))
    return list((await session.exec(stmt)).all())
