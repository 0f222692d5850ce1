"""Who a meeting invites: the audience as a short code, what an organiser may pick, and the
people it names.

    "bkm:5"             everyone registered with BKM 5 (koordinator, anggota, warga)
    "kota"              koordinator and anggota of every BKM in the meeting's kota
    "role:koordinator"  everyone holding that role in the meeting's kota
    "mitra"             the contact people of every partner (mitra) in the meeting's kota

The audience always lies inside the meeting's kota. The organiser is never among the people
invited (they called the meeting), and deleted people never are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import permissions
from bot.domain.actors import ROLE_LABELS, Actor
from bot.domain.errors import InvalidInput
from bot.domain.meetings.kinds import AudienceKind
from bot.domain.meetings.steps import PICK_A_BUTTON
from bot.i18n import N_, Msgid, Translator
from storage.meeting_models import Meeting
from storage.models import Bkm, Kota, Mitra, Person, Role, RoleGrant

# Roles that can be invited as a whole within a kota (mitra: the MITRA audience).
ROLE_AUDIENCES = (Role.KOORDINATOR, Role.ANGGOTA, Role.FASILITATOR, Role.PANITIA, Role.WARGA)
# Roles granted for a whole kota (the others belong to a BKM of it).
KOTA_ROLES = (Role.FASILITATOR, Role.PANITIA)
BKM_ROLES = (Role.KOORDINATOR, Role.ANGGOTA, Role.WARGA)
EMPTY = N_("Belum ada orang terdaftar pada pilihan peserta ini. Mohon pilih peserta lain.")


@dataclass(frozen=True)
class Audience:
    kind: AudienceKind
    bkm_id: int | None = None
    role: Role | None = None

    @property
    def code(self) -> str:
        """Short and stable, for callback data: "bkm:5", "kota", "role:anggota", "mitra"."""
        if self.kind == AudienceKind.BKM:
            return f"bkm:{self.bkm_id}"
        if self.kind == AudienceKind.ROLE:
            return f"role:{self.role}"
        return self.kind.value


@dataclass(frozen=True)
class AudienceOption:
    """One choice for the audience step: its code, and its label as msgid + params."""

    audience: Audience
    label: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.audience.code

    def text(self, tr: Translator) -> str:
        """The label in the reader's language, e.g. "Semua BKM di Bandung"."""
        return tr._(self.label, **self.params)


def parse_code(code: object) -> Audience:
    """The audience a code names; InvalidInput for anything else (a forged button)."""
    kind, _, arg = str(code).partition(":")
    try:
        if kind == AudienceKind.BKM and arg.isdecimal():
            return Audience(AudienceKind.BKM, bkm_id=int(arg))
        if kind == AudienceKind.ROLE and Role(arg) in ROLE_AUDIENCES:
            return Audience(AudienceKind.ROLE, role=Role(arg))
        if kind in (AudienceKind.KOTA_BKMS, AudienceKind.MITRA) and not arg:
            return Audience(AudienceKind(kind))
    except ValueError:
        pass
    raise InvalidInput(PICK_A_BUTTON)


def of_meeting(meeting: Meeting) -> Audience | None:
    """The audience stored in a meeting (None before the step is answered)."""
    if meeting.audience_kind is None:
        return None
    role = Role(meeting.audience_role) if meeting.audience_role else None
    return Audience(AudienceKind(meeting.audience_kind), meeting.audience_bkm_id, role)


def store(meeting: Meeting, audience: Audience) -> None:
    """Put a checked audience into the meeting's columns."""
    meeting.audience_kind = audience.kind.value
    meeting.audience_bkm_id = audience.bkm_id
    meeting.audience_role = audience.role.value if audience.role else None


async def check(session: AsyncSession, actor: Actor, meeting: Meeting, audience: Audience) -> None:
    """May `actor` invite `audience` to `meeting`, and does it name anyone?"""
    bkm = None
    if audience.bkm_id is not None:
        bkm = await session.get(Bkm, audience.bkm_id)
        if bkm is None:
            raise InvalidInput(PICK_A_BUTTON)
    permissions.ensure_can_invite_audience(actor, kota_id=meeting.kota_id, bkm=bkm)
    if bkm is not None and bkm.kota_id != meeting.kota_id:
        raise InvalidInput(PICK_A_BUTTON)
    if not await people(session, meeting, audience):
        raise InvalidInput(EMPTY)


async def options(session: AsyncSession, actor: Actor, meeting: Meeting) -> list[AudienceOption]:
    """What `actor` may invite to `meeting`: BKMs first, then the kota-wide audiences."""
    kota = await session.get_one(Kota, meeting.kota_id)
    everything = actor.is_admin or meeting.kota_id in actor.kota_ids(Role.FASILITATOR)
    # A retired BKM keeps its history but takes part in nothing new.
    stmt = select(Bkm).where(Bkm.kota_id == kota.id, col(Bkm.retired_at).is_(None))
    stmt = stmt.order_by(col(Bkm.name))
    bkms = (await session.exec(stmt)).all()
    found = [
        await describe(session, Audience(AudienceKind.BKM, bkm_id=b.id))
        for b in bkms
        if everything or b.id in actor.bkm_ids(Role.KOORDINATOR)
    ]
    if everything:
        wide = [Audience(AudienceKind.KOTA_BKMS)]
        wide += [Audience(AudienceKind.ROLE, role=r) for r in ROLE_AUDIENCES]
        found += [await describe(session, a, kota) for a in [*wide, Audience(AudienceKind.MITRA)]]
    return found


async def describe(
    session: AsyncSession, audience: Audience, kota: Kota | None = None
) -> AudienceOption:
    """The audience in words: "BKM Sukamaju", "Semua BKM di Bandung", …"""
    if audience.kind == AudienceKind.BKM:
        bkm = await session.get(Bkm, audience.bkm_id or 0)
        return AudienceOption(audience, N_("Seluruh {bkm}"), {"bkm": bkm.name if bkm else ""})
    assert kota is not None
    if audience.kind == AudienceKind.KOTA_BKMS:
        return AudienceOption(audience, N_("Semua BKM di {kota}"), {"kota": kota.name})
    if audience.kind == AudienceKind.MITRA:
        return AudienceOption(audience, N_("Kontak semua mitra di {kota}"), {"kota": kota.name})
    assert audience.role is not None
    role = Msgid(ROLE_LABELS[audience.role])
    return AudienceOption(audience, N_("Semua {role} di {kota}"), {"role": role, "kota": kota.name})


async def describe_meeting(session: AsyncSession, meeting: Meeting) -> AudienceOption | None:
    """The stored audience of `meeting` in words (None before the step is answered)."""
    audience = of_meeting(meeting)
    if audience is None:
        return None
    return await describe(session, audience, await session.get_one(Kota, meeting.kota_id))


def _grant_filter(meeting: Meeting, audience: Audience) -> ColumnElement[bool]:
    kota_bkms = select(Bkm.id).where(Bkm.kota_id == meeting.kota_id)
    grant_role = col(RoleGrant.role)
    if audience.kind == AudienceKind.BKM:
        return (col(RoleGrant.bkm_id) == audience.bkm_id) & grant_role.in_(BKM_ROLES)
    if audience.kind == AudienceKind.KOTA_BKMS:
        roles = (Role.KOORDINATOR, Role.ANGGOTA)
        return grant_role.in_(roles) & col(RoleGrant.bkm_id).in_(kota_bkms)
    if audience.kind == AudienceKind.MITRA:
        kota_mitra = select(Mitra.id).where(Mitra.kota_id == meeting.kota_id)
        return (grant_role == Role.MITRA.value) & col(RoleGrant.mitra_id).in_(kota_mitra)
    assert audience.role is not None
    if audience.role in KOTA_ROLES:
        return (grant_role == audience.role.value) & (RoleGrant.kota_id == meeting.kota_id)
    return (grant_role == audience.role.value) & col(RoleGrant.bkm_id).in_(kota_bkms)


async def people(
    session: AsyncSession, meeting: Meeting, audience: Audience | None = None
) -> list[Person]:
    """The live people `audience` (default: the meeting's) names, without the organiser."""
    audience = audience or of_meeting(meeting)
    if audience is None:
        return []
    chosen = select(RoleGrant.person_id).where(_grant_filter(meeting, audience))
    stmt = select(Person).where(
        col(Person.id).in_(chosen),
        col(Person.deleted_at).is_(None),
        col(Person.id) != (meeting.organiser_id or 0),
    )
    return list((await session.exec(stmt.order_by(col(Person.id)))).all())
