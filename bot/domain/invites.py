"""Invites: a deep link that carries a role and its scope to the person who opens it."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotFound
from bot.domain.permissions import ensure_can_invite
from bot.i18n import N_
from storage.models import Bkm, Invite, Kota, Mitra, Role

MAX_USES = 50
USED_UP = N_(
    "Maaf, tautan undangan ini sudah dipakai. Mohon minta tautan baru kepada yang "
    "mengundang Bapak/Ibu."
)


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


async def create_invite(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    role: Role,
    bkm: Bkm | None = None,
    kota: Kota | None = None,
    mitra: Mitra | None = None,
    valid_days: int = 14,
    max_uses: int = 1,
) -> Invite:
    """Create an invite after checking that `actor` may invite `role` there."""
    ensure_can_invite(actor, role, bkm)
    if not 1 <= max_uses <= MAX_USES:
        raise InvalidInput("Jumlah pemakaian undangan harus 1 sampai {max}.", max=MAX_USES)
    if role in (Role.ANGGOTA, Role.KOORDINATOR) and bkm is None:
        raise InvalidInput("Undangan untuk peran ini harus menyebut BKM-nya.")
    if role == Role.MITRA and mitra is None:
        raise InvalidInput("Undangan untuk mitra harus menyebut mitranya.")
    if role == Role.FASILITATOR and kota is None:
        raise InvalidInput("Undangan untuk fasilitator harus menyebut kotanya.")
    kota_id = kota.id if kota else bkm.kota_id if bkm else mitra.kota_id if mitra else None
    invite = Invite(
        token=secrets.token_urlsafe(12),
        role=role.value,
        kota_id=kota_id,
        bkm_id=bkm.id if bkm else None,
        mitra_id=mitra.id if mitra else None,
        created_by=actor.person_id,
        max_uses=max_uses,
        expires_at=clock.now() + timedelta(days=valid_days),
        created_at=clock.now(),
    )
    session.add(invite)
    await session.flush()
    audit.record(session, clock, actor, "invite.create", "invite", invite.id, role=role.value)
    return invite


async def valid_invite(session: AsyncSession, clock: Clock, token: str) -> Invite:
    """The invite behind `token`, or a clear reason why it cannot be used."""
    return usable(await find_invite(session, token), clock)


async def find_invite(session: AsyncSession, token: str) -> Invite | None:
    """The invite behind `token`, usable or not."""
    token = token.strip()
    if not token:
        return None
    return (await session.exec(select(Invite).where(Invite.token == token))).first()


def usable(invite: Invite | None, clock: Clock) -> Invite:
    """`invite` if it can be used now, else a clear reason why not."""
    if invite is None:
        raise NotFound(
            "Maaf, tautan undangan ini tidak dikenal. Mohon minta tautan baru kepada fasilitator "
            "atau koordinator BKM Bapak/Ibu."
        )
    if invite.expires_at is not None and invite.expires_at <= clock.now():
        raise InvalidInput(
            "Maaf, tautan undangan ini sudah kedaluwarsa. Mohon minta tautan baru kepada yang "
            "mengundang Bapak/Ibu."
        )
    if invite.uses >= invite.max_uses:
        raise InvalidInput(USED_UP)
    return invite


async def claim_use(session: AsyncSession, invite: Invite) -> None:
    """Count one use of `invite`, or refuse when none is left.

    One conditional UPDATE, not a read then a write: two people opening a single-use link at
    once cannot both pass. On PostgreSQL the second waits for the first's row lock and then
    re-checks `uses < max_uses` against the committed count.
    """
    claimed = await session.exec(  # type: ignore[call-overload]
        update(Invite)
        .where(col(Invite.id) == invite.id, col(Invite.uses) < col(Invite.max_uses))
        .values(uses=col(Invite.uses) + 1)
        .returning(col(Invite.uses))
        .execution_options(synchronize_session=False)
    )
    uses = claimed.scalar_one_or_none()
    if uses is None:
        raise InvalidInput(USED_UP)
    set_committed_value(invite, "uses", uses)  # what the database counts, not a change to save
