"""People: consent, registration by invite, name and language, role grants."""

from __future__ import annotations

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor, person_by_telegram
from bot.domain.areas import ensure_active
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, NotAllowed
from bot.domain.invites import claim_use, ensure_not_own, find_invite, usable
from bot.domain.plain_text import refuse_nik, visible
from bot.i18n import SUPPORTED, normalise_locale
from storage.models import (
    Bkm,
    Consent,
    Invite,
    InviteRedemption,
    Kota,
    Mitra,
    Person,
    Role,
    RoleGrant,
)

NAME_MAX = 100


def clean_name(raw: str) -> str:
    """A display name: one line, trimmed, 2–100 characters, no markup characters needed."""
    name = " ".join(raw.split())
    # A name of zero-width or blank-looking characters only would show as nothing at all.
    if len(name) > NAME_MAX or len(visible(name)) < 2:
        raise InvalidInput("Mohon ketik nama 2 sampai {max} huruf, misalnya Bu Siti.", max=NAME_MAX)
    refuse_nik(name)
    return name


async def has_consent(session: AsyncSession, person: Person) -> bool:
    """True when the person's latest consent decision is "given"."""
    last = (
        await session.exec(
            select(Consent).where(Consent.person_id == person.id).order_by(Consent.id.desc())  # type: ignore[union-attr]
        )
    ).first()
    return last is not None and last.decision == "given"


async def register_with_invite(
    session: AsyncSession,
    clock: Clock,
    *,
    telegram_id: int,
    name: str,
    language_code: str | None,
    token: str,
    notice_version: str,
) -> tuple[Person, Invite]:
    """The person agreed to the privacy notice: store them, their consent and the invite's role.

    Idempotent: the same person redeeming the same invite again changes nothing.
    """
    found = await find_invite(session, token)
    person = await person_by_telegram(session, telegram_id)
    if found is not None and person is not None and await _redeemed(session, found, person):
        return person, found  # redeemed before: valid for this person even if used up since
    invite = usable(found, clock)
    ensure_not_own(invite, person)
    # Claimed before anything is written: a refusal (someone else got the last use a moment
    # ago) leaves nothing behind, even though the chat layer commits after showing it.
    await claim_use(session, invite)
    new = person is None
    if person is None:
        person = Person(
            telegram_id=telegram_id,
            name=_fallback_name(name),
            locale=_supported(language_code),
            onboarding_step="name",
            created_at=clock.now(),
        )
        session.add(person)
        await session.flush()
    assert person.id is not None
    if new or not await has_consent(session, person):
        _consent_given(session, clock, person, name, language_code, notice_version)
    assert invite.id is not None
    session.add(InviteRedemption(invite_id=invite.id, person_id=person.id, at=clock.now()))
    await _add_grant(
        session, person.id, Role(invite.role), invite.kota_id, invite.bkm_id, invite.mitra_id, clock
    )
    actor = Actor(person_id=person.id, name=person.name)
    audit.record(
        session,
        clock,
        actor,
        "person.register",
        "person",
        person.id,
        invite=invite.id,
        role=invite.role,
    )
    return person, invite


async def _redeemed(session: AsyncSession, invite: Invite, person: Person) -> bool:
    stmt = select(InviteRedemption).where(
        InviteRedemption.invite_id == invite.id, InviteRedemption.person_id == person.id
    )
    return (await session.exec(stmt)).first() is not None


def _fallback_name(name: str) -> str:
    try:
        return clean_name(name)
    except InvalidInput:
        return "Warga"


def _supported(language_code: str | None) -> str:
    return normalise_locale(language_code)


async def _add_grant(
    session: AsyncSession,
    person_id: int,
    role: Role,
    kota_id: int | None,
    bkm_id: int | None,
    mitra_id: int | None,
    clock: Clock,
) -> RoleGrant:
    grant, _new = await _add_grant_once(session, person_id, role, kota_id, bkm_id, mitra_id, clock)
    return grant


async def _add_grant_once(
    session: AsyncSession,
    person_id: int,
    role: Role,
    kota_id: int | None,
    bkm_id: int | None,
    mitra_id: int | None,
    clock: Clock,
) -> tuple[RoleGrant, bool]:
    """The grant, and whether it is new (False: the person held it already)."""
    existing = (
        await session.exec(
            select(RoleGrant).where(
                RoleGrant.person_id == person_id,
                RoleGrant.role == role.value,
                RoleGrant.kota_id == kota_id,
                RoleGrant.bkm_id == bkm_id,
                RoleGrant.mitra_id == mitra_id,
            )
        )
    ).first()
    if existing:
        return existing, False
    grant = RoleGrant(
        person_id=person_id,
        role=role.value,
        kota_id=kota_id,
        bkm_id=bkm_id,
        mitra_id=mitra_id,
        granted_at=clock.now(),
    )
    session.add(grant)
    await session.flush()
    return grant, True


async def grant_role(
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
    """Operator grants a role to a Telegram account; consent is asked at their first /start."""
    grant, _new = await grant_role_once(
        session, clock, actor, telegram_id=telegram_id, role=role, kota=kota, bkm=bkm, mitra=mitra
    )
    return grant


async def grant_role_once(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    *,
    telegram_id: int,
    role: Role,
    kota: Kota | None = None,
    bkm: Bkm | None = None,
    mitra: Mitra | None = None,
) -> tuple[RoleGrant, bool]:
    """`grant_role`, also saying whether the grant is new (False: it was held already)."""
    if not actor.is_admin:
        raise NotAllowed()
    if role in (Role.ANGGOTA, Role.KOORDINATOR) and bkm is None:
        raise InvalidInput("Peran {role} memerlukan --bkm.", role=role.value)
    if role == Role.FASILITATOR and kota is None:
        raise InvalidInput("Peran fasilitator memerlukan --kota.")
    if role == Role.MITRA and mitra is None:
        raise InvalidInput("Peran mitra memerlukan --mitra.")
    if telegram_id <= 0:
        raise InvalidInput("ID Telegram harus bilangan positif.")
    person = await person_by_telegram(session, telegram_id)
    if person is None:
        person = Person(telegram_id=telegram_id, created_at=clock.now(), onboarding_step="consent")
        session.add(person)
        await session.flush()
    assert person.id is not None
    for scope in (kota, bkm, mitra):
        if scope is not None:
            ensure_active(scope)
    kota_id = kota.id if kota else bkm.kota_id if bkm else mitra.kota_id if mitra else None
    grant, new = await _add_grant_once(
        session,
        person.id,
        role,
        kota_id,
        bkm.id if bkm else None,
        mitra.id if mitra else None,
        clock,
    )
    if new:
        audit.record(
            session,
            clock,
            actor,
            "role.grant",
            "person",
            person.id,
            role=role.value,
            grant=grant.id,
        )
    return grant, new


async def give_consent(
    session: AsyncSession,
    clock: Clock,
    person: Person,
    *,
    name: str,
    language_code: str | None,
    notice_version: str,
) -> Person:
    """A pre-registered person (granted a role from the CLI) agrees to the notice."""
    if not await has_consent(session, person):
        _consent_given(session, clock, person, name, language_code, notice_version)
    return person


def _consent_given(
    session: AsyncSession,
    clock: Clock,
    person: Person,
    name: str,
    language_code: str | None,
    notice_version: str,
) -> None:
    """Record the consent and move onboarding on to the name question.

    One place for both ways in (an invite, or a role granted from the CLI first): a person
    left at the consent step after agreeing would see the notice again forever.
    """
    assert person.id is not None
    session.add(
        Consent(
            person_id=person.id, notice_version=notice_version, decision="given", at=clock.now()
        )
    )
    if not person.name:
        person.name = _fallback_name(name)
    if not person.locale:
        person.locale = _supported(language_code)
    if person.onboarding_step in (None, "consent"):
        person.onboarding_step = "name"
    person.withdrawn_at = None  # agreed again (a new invite after a withdrawal): reachable again
    session.add(person)


async def set_name(session: AsyncSession, clock: Clock, person: Person, raw: str) -> Person:
    person.name = clean_name(raw)
    session.add(person)
    audit.record(session, clock, Actor(person.id, person.name), "person.name", "person", person.id)
    return person


async def set_locale(session: AsyncSession, clock: Clock, person: Person, locale: str) -> Person:
    if locale not in SUPPORTED:
        raise InvalidInput("Bahasa tidak dikenal.")
    person.locale = locale
    session.add(person)
    return person


async def set_onboarding_step(session: AsyncSession, person: Person, step: str | None) -> None:
    person.onboarding_step = step
    session.add(person)
