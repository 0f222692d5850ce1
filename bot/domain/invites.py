"""Invites: a deep link that carries a role and its scope to the person who opens it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit, outbox
from bot.domain.actors import ROLE_LABELS, Actor, timezone_of
from bot.domain.areas import ensure_active
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed, NotFound
from bot.domain.permissions import ensure_can_invite
from bot.i18n import N_, Msgid, Translator
from storage.models import (
    Bkm,
    Invite,
    InviteRedemption,
    Kota,
    Mitra,
    Person,
    Role,
    RoleGrant,
)

MAX_USES = 50
USED_UP = N_(
    "Maaf, tautan undangan ini sudah dipakai. Mohon minta tautan baru kepada yang "
    "mengundang Bapak/Ibu."
)
OWN_INVITE = N_(
    "Maaf, tautan undangan ini Bapak/Ibu buat sendiri, jadi tidak dapat Bapak/Ibu pakai. Mohon "
    "teruskan tautan ini kepada orang yang diundang."
)


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username}?start={token}"


def new_token() -> str:
    """A random invite token (16 URL-safe characters) that never begins with "-": an operator
    types it after `paket-bot invite revoke`, where a leading "-" would read as an option."""
    token = secrets.token_urlsafe(12)
    while token.startswith("-"):  # 1 in 64: draw again
        token = secrets.token_urlsafe(12)
    return token


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
    for scope in (kota, bkm, mitra):
        if scope is not None:
            ensure_active(scope)
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
        token=new_token(),
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
    if invite.revoked_at is not None:
        raise InvalidInput(
            "Maaf, tautan undangan ini sudah dibatalkan. Mohon minta tautan baru kepada yang "
            "mengundang Bapak/Ibu."
        )
    if invite.expires_at is not None and invite.expires_at <= clock.now():
        raise InvalidInput(
            "Maaf, tautan undangan ini sudah kedaluwarsa. Mohon minta tautan baru kepada yang "
            "mengundang Bapak/Ibu."
        )
    if invite.uses >= invite.max_uses:
        raise InvalidInput(USED_UP)
    return invite


def ensure_not_own(invite: Invite, person: Person | None) -> None:
    """Separation of duties: nobody grants themself a role through a link they made.

    Otherwise a fasilitator could make a koordinator invite, open it, and then submit and
    review the same BKM's proposals.
    """
    if person is not None and invite.created_by is not None and invite.created_by == person.id:
        raise NotAllowed(OWN_INVITE)


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


@dataclass(frozen=True)
class Offer:
    """What an invite would give a person who is already registered, shown before it is used."""

    token: str
    role: Role
    scope: str  # the BKM, mitra or kota it is for ("" for none)
    held: bool  # the person already holds this role there (or used this very invite)


async def offer(session: AsyncSession, clock: Clock, token: str, person: Person) -> Offer:
    """Describe the invite behind `token` to a registered person, or say why it cannot be used.

    Nothing is written: a second role is added only once the person agrees.
    """
    found = await find_invite(session, token)
    redeemed = found is not None and await redeemed_by(session, found, person)
    invite = found if redeemed and found is not None else usable(found, clock)
    ensure_not_own(invite, person)
    role = Role(invite.role)
    held = redeemed or await _holds(session, person, invite)
    return Offer(invite.token, role, await _scope_name(session, invite), held)


async def redeemed_by(session: AsyncSession, invite: Invite, person: Person) -> bool:
    """Whether `person` has used `invite` already."""
    stmt = select(InviteRedemption.id).where(
        InviteRedemption.invite_id == invite.id, InviteRedemption.person_id == person.id
    )
    return (await session.exec(stmt)).first() is not None


async def _holds(session: AsyncSession, person: Person, invite: Invite) -> bool:
    stmt = select(RoleGrant.id).where(
        RoleGrant.person_id == person.id,
        RoleGrant.role == invite.role,
        RoleGrant.kota_id == invite.kota_id,
        RoleGrant.bkm_id == invite.bkm_id,
        RoleGrant.mitra_id == invite.mitra_id,
    )
    return (await session.exec(stmt)).first() is not None


async def _scope_name(session: AsyncSession, invite: Invite) -> str:
    bkm = await session.get(Bkm, invite.bkm_id) if invite.bkm_id is not None else None
    mitra = await session.get(Mitra, invite.mitra_id) if invite.mitra_id is not None else None
    kota = await session.get(Kota, invite.kota_id) if invite.kota_id is not None else None
    return next((scope.name for scope in (bkm, mitra, kota) if scope is not None), "")


async def tell_inviters(session: AsyncSession, clock: Clock, person: Person) -> int:
    """Tell whoever invited `person` that they joined, once per invite used; how many were told.

    Called when onboarding ends (so the name is the one the person chose) and when a registered
    person accepts another invite. Redemptions already told are skipped, so calling it again is
    harmless.
    """
    stmt = (
        select(InviteRedemption, Invite)
        .join(Invite, col(Invite.id) == col(InviteRedemption.invite_id))
        .where(
            InviteRedemption.person_id == person.id,
            col(InviteRedemption.inviter_told_at).is_(None),
        )
        .order_by(col(InviteRedemption.id))
    )
    told = 0
    for redemption, invite in (await session.exec(stmt)).all():
        redemption.inviter_told_at = clock.now()
        session.add(redemption)
        inviter = await session.get(Person, invite.created_by) if invite.created_by else None
        if inviter is None or inviter.id == person.id:
            continue  # an operator's invite (no person; one's own link is refused): nobody to tell
        assert inviter.id is not None
        zone = await timezone_of(session, inviter.id, "Asia/Jakarta")
        tr = Translator(inviter.locale or "id", zone)
        scope = await _scope_name(session, invite)
        role = Msgid(ROLE_LABELS[Role(invite.role)])
        text = (
            tr._(
                "✅ {name} sudah bergabung sebagai {role} ({scope}) lewat undangan Bapak/Ibu.",
                name=person.name, role=role, scope=scope,
            )
            if scope
            else tr._(
                "✅ {name} sudah bergabung sebagai {role} lewat undangan Bapak/Ibu.",
                name=person.name, role=role,
            )
        )  # fmt: skip
        if outbox.enqueue(session, clock, inviter, kind="invite.joined", text=text) is not None:
            told += 1
    return told


# --- the operator's view ---------------------------------------------------------------------


async def list_invites(
    session: AsyncSession, clock: Clock, actor: Actor, *, all_: bool = False
) -> list[Invite]:
    """Invites still usable (newest first); `all_` adds used-up, expired and revoked ones."""
    if not actor.is_admin:
        raise NotAllowed()
    stmt = select(Invite).order_by(col(Invite.id).desc())
    if not all_:
        stmt = stmt.where(
            col(Invite.revoked_at).is_(None),
            col(Invite.uses) < col(Invite.max_uses),
            col(Invite.expires_at).is_(None) | (col(Invite.expires_at) > clock.now()),
        )
    return list((await session.exec(stmt)).all())


def invite_state(invite: Invite, clock: Clock) -> str:
    """ "open", "used", "expired" or "revoked": why a link works or does not."""
    if invite.revoked_at is not None:
        return "revoked"
    if invite.uses >= invite.max_uses:
        return "used"
    if invite.expires_at is not None and invite.expires_at <= clock.now():
        return "expired"
    return "open"


async def revoke_invite(session: AsyncSession, clock: Clock, actor: Actor, token: str) -> Invite:
    """Stop a link from working; people who already joined with it keep their role."""
    if not actor.is_admin:
        raise NotAllowed()
    invite = await find_invite(session, token)
    if invite is None:
        raise NotFound("Undangan {token} tidak ditemukan.", token=token)
    if invite.revoked_at is not None:
        raise InvalidInput("Undangan {token} sudah dibatalkan sebelumnya.", token=token)
    invite.revoked_at = clock.now()
    session.add(invite)
    audit.record(session, clock, actor, "invite.revoke", "invite", invite.id, role=invite.role)
    return invite
