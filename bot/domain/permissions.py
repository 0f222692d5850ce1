"""Who may do what. Every use case asks here; the chat layer only hides what it cannot do."""

from __future__ import annotations

from bot.domain.actors import Actor
from bot.domain.errors import NotAllowed
from storage.models import Bkm, Role

# Which roles each role may invite (admin may invite any role).
INVITABLE: dict[Role, frozenset[Role]] = {
    Role.KOORDINATOR: frozenset({Role.ANGGOTA, Role.WARGA}),
    Role.FASILITATOR: frozenset({Role.KOORDINATOR, Role.ANGGOTA, Role.WARGA}),
}


def in_area(actor: Actor, bkm: Bkm) -> bool:
    """A facilitator's area is their kota; a BKM member's is their own BKM."""
    if actor.is_admin:
        return True
    if bkm.kota_id in actor.kota_ids(Role.FASILITATOR):
        return True
    return bkm.id in actor.bkm_ids(Role.ANGGOTA, Role.KOORDINATOR)


def invitable_roles(actor: Actor) -> set[Role]:
    if actor.is_admin:
        return set(Role)
    return {r for role in actor.roles for r in INVITABLE.get(role, frozenset())}


def ensure_can_invite(actor: Actor, role: Role, bkm: Bkm | None) -> None:
    """Koordinator → own BKM's members; fasilitator → BKMs in their kota; admin → anyone."""
    if actor.is_admin:
        return
    if role not in invitable_roles(actor):
        raise NotAllowed("Maaf, Bapak/Ibu tidak dapat mengundang peran ini.")
    if bkm is None:
        raise NotAllowed("Maaf, undangan ini harus untuk sebuah BKM.")
    if actor.has(Role.FASILITATOR) and bkm.kota_id in actor.kota_ids(Role.FASILITATOR):
        return
    if role in INVITABLE[Role.KOORDINATOR] and bkm.id in actor.bkm_ids(Role.KOORDINATOR):
        return
    raise NotAllowed("Maaf, Bapak/Ibu hanya dapat mengundang untuk BKM di wilayah Bapak/Ibu.")


# --- meetings --------------------------------------------------------------------------------


def may_call_meetings(actor: Actor) -> bool:
    """A fasilitator (in their area), a koordinator (their own BKM) or an admin."""
    return actor.is_admin or bool(
        actor.kota_ids(Role.FASILITATOR) or actor.bkm_ids(Role.KOORDINATOR)
    )


def ensure_can_invite_audience(actor: Actor, *, kota_id: int, bkm: Bkm | None) -> None:
    """A fasilitator invites any audience of their kota; a koordinator only their own BKM.

    `bkm` is the one BKM invited, or None for a kota-wide audience (all BKMs, a role, mitra).
    """
    if actor.is_admin or kota_id in actor.kota_ids(Role.FASILITATOR):
        return
    if bkm is not None and bkm.id in actor.bkm_ids(Role.KOORDINATOR):
        return
    if actor.bkm_ids(Role.KOORDINATOR):
        raise NotAllowed("Maaf, koordinator hanya dapat mengundang warga BKM-nya sendiri.")
    raise NotAllowed("Maaf, Bapak/Ibu hanya dapat mengundang peserta di wilayah Bapak/Ibu.")


def may_manage_meeting(actor: Actor, *, organiser_id: int | None, kota_id: int) -> bool:
    """Reschedule, cancel, attendance, minutes: the organiser, a fasilitator of the kota, admin."""
    if actor.is_admin or kota_id in actor.kota_ids(Role.FASILITATOR):
        return True
    return organiser_id is not None and organiser_id == actor.person_id


# --- announcements ---------------------------------------------------------------------------


def may_announce(actor: Actor) -> bool:
    """A fasilitator (their area), a koordinator (their own BKM) or an admin."""
    return may_call_meetings(actor)


def ensure_can_announce(actor: Actor, *, kota_id: int, bkm: Bkm | None) -> None:
    """A fasilitator announces to any audience of their kota; a koordinator to their own BKM."""
    if actor.is_admin or kota_id in actor.kota_ids(Role.FASILITATOR):
        return
    if bkm is not None and bkm.id in actor.bkm_ids(Role.KOORDINATOR):
        return
    raise NotAllowed("Maaf, Bapak/Ibu hanya dapat mengumumkan kepada peserta di wilayah Bapak/Ibu.")


def may_manage_announcement(actor: Actor, *, author_id: int | None, kota_id: int) -> bool:
    """Report, stop, cancel: the author, a fasilitator of the kota, or an admin."""
    return may_manage_meeting(actor, organiser_id=author_id, kota_id=kota_id)
