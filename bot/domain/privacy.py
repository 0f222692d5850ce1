"""A person's rights under UU PDP (No. 27/2022): see their data, delete it, withdraw consent.

Deleting keeps the programme's records (proposals, decisions, timelines keep the role and
organisation) but removes the person: name, Telegram id, phone, language, roles, queued
messages and any flow in progress.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor, Grant, grants_of
from bot.domain.clock import Clock
from storage.models import Consent, Dialog, Outbox, OutboxStatus, Person, RoleGrant


@dataclass(frozen=True)
class MyData:
    """Everything stored about one person (the export)."""

    telegram_id: int | None
    name: str
    locale: str | None
    phone: str | None
    grants: tuple[Grant, ...]
    consents: tuple[tuple[str, str, datetime | None], ...]  # (decision, notice version, when)
    registered_at: datetime | None


async def my_data(session: AsyncSession, person: Person) -> MyData:
    assert person.id is not None
    consents = (
        await session.exec(
            select(Consent).where(Consent.person_id == person.id).order_by(col(Consent.id))
        )
    ).all()
    return MyData(
        telegram_id=person.telegram_id,
        name=person.name,
        locale=person.locale,
        phone=person.phone,
        grants=await grants_of(session, person.id),
        consents=tuple((c.decision, c.notice_version, c.at) for c in consents),
        registered_at=person.created_at,
    )


def export_json(data: MyData) -> bytes:
    """The export a person downloads: everything stored about them, machine-readable."""
    document = {
        "telegram_id": data.telegram_id,
        "name": data.name,
        "language": data.locale,
        "phone": data.phone,
        "roles": [{"role": g.role.value, "scope": g.scope_name} for g in data.grants],
        "consents": [
            {"decision": d, "notice_version": v, "at": at.isoformat() if at else None}
            for d, v, at in data.consents
        ],
        "registered_at": data.registered_at.isoformat() if data.registered_at else None,
    }
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


async def forget(
    session: AsyncSession, clock: Clock, actor: Actor, person: Person, *, withdraw: bool
) -> None:
    """Delete the person (and record a consent withdrawal first when asked)."""
    assert person.id is not None
    if withdraw:
        session.add(
            Consent(person_id=person.id, notice_version="-", decision="withdrawn", at=clock.now())
        )
    if person.telegram_id is not None:
        await session.exec(delete(Dialog).where(col(Dialog.telegram_id) == person.telegram_id))  # type: ignore[call-overload]
    await session.exec(  # type: ignore[call-overload]
        delete(Outbox).where(
            col(Outbox.person_id) == person.id,
            col(Outbox.status).in_([OutboxStatus.PENDING.value, OutboxStatus.SENDING.value]),
        )
    )
    await session.exec(delete(RoleGrant).where(col(RoleGrant.person_id) == person.id))  # type: ignore[call-overload]
    audit.record(
        session,
        clock,
        actor,
        "person.withdraw" if withdraw else "person.delete",
        "person",
        person.id,
    )
    person.telegram_id, person.name, person.phone, person.locale = None, "", None, None
    person.onboarding_step, person.deleted_at = None, clock.now()
    session.add(person)
