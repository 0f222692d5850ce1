"""The audit log: every change records who, when, and what."""

from __future__ import annotations

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from storage.models import AuditLog


def record(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    action: str,
    entity: str,
    entity_id: int | None,
    **detail: Any,
) -> None:
    """Add an audit row to the caller's transaction."""
    session.add(
        AuditLog(
            at=clock.now(),
            actor_person_id=actor.person_id,
            actor_label=actor.label,
            action=action,
            entity=entity,
            entity_id=entity_id,
            detail={k: _plain(v) for k, v in detail.items()},
        )
    )


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
