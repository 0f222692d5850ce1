"""Who is acting: a person with their role grants, loaded once per update."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, Subquery, and_, bindparam, func
from sqlalchemy import select as select_rows  # sqlmodel's select takes four entities at most
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.i18n import N_
from storage.models import Bkm, Dialog, Kota, Mitra, Person, Role, RoleGrant


@dataclass(frozen=True)
class Grant:
    """One role and its scope, with the names needed to describe it."""

    role: Role
    kota_id: int | None = None
    bkm_id: int | None = None
    mitra_id: int | None = None
    scope_name: str = ""


@dataclass(frozen=True)
class Actor:
    """A person acting in the service (or the operator's CLI, `person_id=None`)."""

    person_id: int | None
    name: str
    grants: tuple[Grant, ...] = ()
    locale: str = "id"
    timezone: str = "Asia/Jakarta"
    telegram_id: int | None = None
    roles: frozenset[Role] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "roles", frozenset(g.role for g in self.grants))

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles)) or Role.ADMIN in self.roles

    @property
    def is_admin(self) -> bool:
        return Role.ADMIN in self.roles

    def bkm_ids(self, *roles: Role) -> set[int]:
        """BKMs this actor belongs to under any of `roles`."""
        return {g.bkm_id for g in self.grants if g.role in roles and g.bkm_id is not None}

    def kota_ids(self, *roles: Role) -> set[int]:
        return {g.kota_id for g in self.grants if g.role in roles and g.kota_id is not None}

    def mitra_ids(self) -> set[int]:
        return {g.mitra_id for g in self.grants if g.role == Role.MITRA and g.mitra_id is not None}

    @property
    def label(self) -> str:
        """Role and organisation, as kept in timelines and the audit log (not the name)."""
        if self.person_id is None:
            return "admin"
        main = max(self.grants, key=lambda g: _ROLE_WEIGHT[g.role], default=None)
        if main is None:
            return "warga"
        return f"{main.role.value}:{main.scope_name}" if main.scope_name else main.role.value


# Plain role names (msgids), for people and for timelines.
ROLE_LABELS = {
    Role.WARGA: N_("Warga / relawan"),
    Role.ANGGOTA: N_("Anggota BKM"),
    Role.KOORDINATOR: N_("Koordinator BKM"),
    Role.FASILITATOR: N_("Fasilitator"),
    Role.MITRA: N_("Mitra"),
    Role.PANITIA: N_("Anggota Panitia Kemitraan"),
    Role.SEKRETARIS: N_("Sekretaris Panitia Kemitraan"),
    Role.ADMIN: N_("Admin"),
}

_ROLE_WEIGHT = {
    Role.WARGA: 0,
    Role.ANGGOTA: 1,
    Role.KOORDINATOR: 2,
    Role.MITRA: 3,
    Role.PANITIA: 3,
    Role.SEKRETARIS: 4,
    Role.FASILITATOR: 5,
    Role.ADMIN: 6,
}

SYSTEM = Actor(person_id=None, name="admin", grants=(Grant(Role.ADMIN),))


HELD_ROWS = "held_rows"


def hold(session: AsyncSession, *rows: object) -> None:
    """Keep `rows` in the session's identity map until the transaction ends.

    The identity map refers to rows weakly: a BKM read for a grant's name and then dropped is
    fetched again by the next `session.get`. One update reads the same BKM and kota many times.
    """
    session.info.setdefault(HELD_ROWS, []).extend(rows)


@dataclass(frozen=True)
class _Scoped:
    """One grant row with the BKM, mitra and kota it points at (the kota also via either)."""

    grant: RoleGrant
    bkm: Bkm | None
    mitra: Mitra | None
    kota: Kota | None

    @property
    def name(self) -> str:
        for scope in (self.bkm, self.mitra, self.kota):
            if scope is not None:
                return scope.name
        return ""


Joined = TypeVar("Joined", bound=Select)


def _with_scopes(stmt: Joined) -> Joined:
    """A grant's BKM, mitra and kota (the kota also through the BKM or the mitra)."""
    return (
        stmt.outerjoin(Bkm, col(Bkm.id) == col(RoleGrant.bkm_id))
        .outerjoin(Mitra, col(Mitra.id) == col(RoleGrant.mitra_id))
        .outerjoin(
            Kota, col(Kota.id) == func.coalesce(RoleGrant.kota_id, Bkm.kota_id, Mitra.kota_id)
        )
    )


# Built once, as they run often (building a statement and its cache key costs about as much
# CPU as SQLAlchemy's whole execution of it).
_SCOPED_GRANTS = (
    _with_scopes(select(RoleGrant, Bkm, Mitra, Kota))
    .where(RoleGrant.person_id == bindparam("person_id"))
    .order_by(col(RoleGrant.id))
)


async def _scoped_grants(session: AsyncSession, person_id: int) -> list[_Scoped]:
    """A person's grants and their scopes in one query (every update needs them)."""
    result = await session.exec(_SCOPED_GRANTS, params={"person_id": person_id})
    return _held(session, [_Scoped(*row) for row in result.all()])


def _held(session: AsyncSession, rows: list[_Scoped]) -> list[_Scoped]:
    """`rows`, their BKMs, mitras and kotas kept in the session: later steps of the update
    look them up again with session.get."""
    hold(session, *(x for r in rows for x in (r.bkm, r.mitra, r.kota) if x is not None))
    return rows


def _grants(rows: list[_Scoped]) -> tuple[Grant, ...]:
    grants = [
        Grant(Role(r.grant.role), r.grant.kota_id, r.grant.bkm_id, r.grant.mitra_id, r.name)
        for r in rows
    ]
    return tuple(sorted(grants, key=lambda g: (-_ROLE_WEIGHT[g.role], g.scope_name)))


def _timezone(rows: list[_Scoped], default: str) -> str:
    return next((r.kota.timezone for r in rows if r.kota is not None), default)


async def grants_of(session: AsyncSession, person_id: int) -> tuple[Grant, ...]:
    """A person's role grants with the name of each scope."""
    return _grants(await _scoped_grants(session, person_id))


async def timezone_of(session: AsyncSession, person_id: int, default: str) -> str:
    """A person's time zone: that of the kota of their first scoped grant."""
    return _timezone(await _scoped_grants(session, person_id), default)


async def actor_for(
    session: AsyncSession, person: Person, default_tz: str = "Asia/Jakarta"
) -> Actor:
    """The person with their grants and time zone, read in one query."""
    assert person.id is not None
    return _actor(person, await _scoped_grants(session, person.id), default_tz)


def _actor(person: Person, rows: list[_Scoped], default_tz: str) -> Actor:
    assert person.id is not None
    return Actor(
        person_id=person.id,
        name=person.name,
        grants=_grants(rows),
        locale=person.locale or "id",
        timezone=_timezone(rows, default_tz),
        telegram_id=person.telegram_id,
    )


@dataclass(frozen=True)
class Writer:
    """Who wrote an update: the live person (None: unknown), their open dialog, their roles."""

    person: Person | None = None
    dialog: Dialog | None = None
    actor: Actor | None = None


_WRITER_ROWS = (Person, Dialog, RoleGrant, Bkm, Mitra, Kota)
_LIVE_WRITER = and_(
    col(Person.telegram_id) == bindparam("telegram_id"), col(Person.deleted_at).is_(None)
)


def writer_statement(leading: Subquery | None = None) -> Select[*tuple[Any, ...]]:
    """The person whose Telegram id is bound as `telegram_id`, their dialog and every grant
    with its scopes: one row per grant (one row with no grant for a person who holds none).

    Every update starts with it, so it is one statement, not two. With `leading`, a one-row
    subquery, that row's columns come first and the person is joined to it: one row comes
    back even for someone unknown (the router reads its claim of the update that way).
    """
    stmt: Select[*tuple[Any, ...]]
    if leading is None:
        stmt = select_rows(*_WRITER_ROWS).where(_LIVE_WRITER)
    else:
        stmt = select_rows(*leading.c, *_WRITER_ROWS).select_from(leading)
        stmt = stmt.outerjoin(Person, _LIVE_WRITER)
    return _with_scopes(
        stmt.outerjoin(Dialog, col(Dialog.telegram_id) == col(Person.telegram_id)).outerjoin(
            RoleGrant, col(RoleGrant.person_id) == col(Person.id)
        )
    ).order_by(col(RoleGrant.id))


_WRITER = writer_statement()  # built once: every update runs it


def writer_from_rows(
    session: AsyncSession, rows: Sequence[Sequence[Any]], default_tz: str
) -> Writer:
    """The writer in the rows of `writer_statement` (without any leading columns)."""
    if not rows or rows[0][0] is None:
        return Writer()
    person, dialog = rows[0][0], rows[0][1]
    scoped = _held(session, [_Scoped(*row[2:]) for row in rows if row[2] is not None])
    return Writer(person, dialog, _actor(person, scoped, default_tz))


async def writer_of(session: AsyncSession, telegram_id: int, default_tz: str) -> Writer:
    """The person with this Telegram id, their open dialog and their roles, in one query."""
    result = await session.exec(_WRITER, params={"telegram_id": telegram_id})  # type: ignore[call-overload]
    return writer_from_rows(session, result.all(), default_tz)


async def person_by_telegram(session: AsyncSession, telegram_id: int) -> Person | None:
    """The live (not deleted) person with this Telegram id."""
    return (
        await session.exec(
            select(Person).where(
                Person.telegram_id == telegram_id, col(Person.deleted_at).is_(None)
            )
        )
    ).first()


async def people_with_grant(session: AsyncSession, grant_filter: object) -> list[Person]:
    stmt = select(Person).join(RoleGrant, col(RoleGrant.person_id) == col(Person.id))
    stmt = stmt.where(grant_filter).order_by(col(Person.id))  # type: ignore[arg-type]
    return list((await session.exec(stmt)).all())


async def koordinators(session: AsyncSession, bkm_id: int) -> list[Person]:
    """Every koordinator of a BKM."""
    return await people_with_grant(
        session, (RoleGrant.role == Role.KOORDINATOR.value) & (RoleGrant.bkm_id == bkm_id)
    )


async def fasilitators(session: AsyncSession, kota_id: int) -> list[Person]:
    """Every fasilitator of a kota."""
    return await people_with_grant(
        session, (RoleGrant.role == Role.FASILITATOR.value) & (RoleGrant.kota_id == kota_id)
    )


async def committee(session: AsyncSession, kota_id: int) -> list[Person]:
    """Every member and secretary of a kota's committee (Panitia Kemitraan), once each."""
    people = await people_with_grant(
        session,
        col(RoleGrant.role).in_([Role.PANITIA.value, Role.SEKRETARIS.value])
        & (RoleGrant.kota_id == kota_id),
    )
    return list({p.id: p for p in people}.values())
