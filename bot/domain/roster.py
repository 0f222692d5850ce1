"""Who is registered, for the operator: people with their roles, and taking a role back.

The chat side grants roles through invites (people.py); this is the operator's other half:
seeing who holds what where, and revoking a grant that should no longer stand.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor, person_by_telegram
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from storage.models import Bkm, Kota, Mitra, Person, Role, RoleGrant


@dataclass(frozen=True)
class HeldRole:
    """One grant, with the names of its scope."""

    grant_id: int
    role: Role
    kota: str | None
    bkm: str | None
    mitra: str | None


@dataclass(frozen=True)
class Member:
    """A registered person and the roles they hold (deleted people are not listed)."""

    telegram_id: int | None
    name: str
    onboarded: bool  # agreed to the notice and finished onboarding
    roles: tuple[HeldRole, ...]


async def list_people(
    session: AsyncSession,
    actor: Actor,
    *,
    role: Role | None = None,
    kota: Kota | None = None,
    bkm: Bkm | None = None,
) -> list[Member]:
    """People holding a role, optionally only `role`, in `kota` or in `bkm`; by name."""
    if not actor.is_admin:
        raise NotAllowed()
    stmt = (
        select(Person, RoleGrant)
        .join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
        .where(col(Person.deleted_at).is_(None))
        .order_by(col(Person.name), col(Person.id), col(RoleGrant.id))
    )
    if role is not None:
        stmt = stmt.where(RoleGrant.role == role.value)
    if kota is not None:
        stmt = stmt.where(RoleGrant.kota_id == kota.id)
    if bkm is not None:
        stmt = stmt.where(RoleGrant.bkm_id == bkm.id)
    names = await _scope_names(session)
    people: dict[int, tuple[Person, list[HeldRole]]] = {}
    for person, grant in (await session.exec(stmt)).all():
        assert person.id is not None and grant.id is not None
        held = HeldRole(
            grant.id, Role(grant.role), names[Kota].get(grant.kota_id),
            names[Bkm].get(grant.bkm_id), names[Mitra].get(grant.mitra_id),
        )  # fmt: skip
        people.setdefault(person.id, (person, []))[1].append(held)
    return [
        Member(p.telegram_id, p.name, p.onboarding_step is None, tuple(roles))
        for p, roles in people.values()
    ]


async def _scope_names(session: AsyncSession) -> dict[type, dict[int | None, str]]:
    # Areas are few (hundreds), people many: one query per kind beats one per grant.
    names: dict[type, dict[int | None, str]] = {}
    for model in (Kota, Bkm, Mitra):
        rows = (await session.exec(select(model.id, model.name))).all()  # type: ignore[call-overload]
        names[model] = {row[0]: row[1] for row in rows}
    return names


async def revoke_role(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    telegram_id: int,
    role: Role,
    kota: Kota | None = None,
    bkm: Bkm | None = None,
    mitra: Mitra | None = None,
) -> RoleGrant:
    """Take back one role; without a scope only when the person holds that role just once."""
    if not actor.is_admin:
        raise NotAllowed()
    person = await person_by_telegram(session, telegram_id)
    if person is None or person.deleted_at is not None:
        raise NotFound("Pengguna Telegram {id} belum terdaftar.", id=telegram_id)
    stmt = select(RoleGrant).where(RoleGrant.person_id == person.id, RoleGrant.role == role.value)
    if kota is not None:
        stmt = stmt.where(RoleGrant.kota_id == kota.id)
    if bkm is not None:
        stmt = stmt.where(RoleGrant.bkm_id == bkm.id)
    if mitra is not None:
        stmt = stmt.where(RoleGrant.mitra_id == mitra.id)
    found = list((await session.exec(stmt)).all())
    if not found:
        raise NotFound(
            "Pengguna Telegram {id} tidak memegang peran {role} di sana.",
            id=telegram_id, role=role.value,
        )  # fmt: skip
    if len(found) > 1:
        raise InvalidInput(
            "Pengguna Telegram {id} memegang peran {role} di {count} tempat: mohon sebutkan "
            "yang mana dengan --kota, --bkm atau --mitra.",
            id=telegram_id, role=role.value, count=len(found),
        )  # fmt: skip
    grant = found[0]
    await session.exec(delete(RoleGrant).where(col(RoleGrant.id) == grant.id))  # type: ignore[call-overload]
    audit.record(
        session, clock, actor, "role.revoke", "person", person.id, role=role.value, grant=grant.id
    )
    return grant
