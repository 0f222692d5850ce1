"""The operator's view of people's data requests (UU PDP: answered within 3×24 hours).

A request made in chat (see/export my data, delete my data, withdraw consent) is carried out
at once, in the same step, so none waits for anyone: there is no queue of pending requests to
show. What the operator can check is what was done, and when, from the audit log, and how long
a withdrawn person's remaining identity is kept before it is erased too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import NotAllowed
from bot.domain.privacy import RETENTION
from storage.models import AuditLog

ANSWER_WITHIN = timedelta(hours=3 * 24)
_ACTIONS = ("person.delete", "person.withdraw")


@dataclass(frozen=True)
class Handled:
    """One data request, carried out: a deletion or a withdrawal of consent."""

    kind: str  # "delete" | "withdraw"
    person_id: int | None
    at: datetime
    identity_kept_until: datetime | None  # a withdrawal keeps name and id until then


async def handled_since(
    session: AsyncSession, clock: Clock, actor: Actor, days: int
) -> list[Handled]:
    """Deletions and withdrawals of the last `days` days, newest first."""
    if not actor.is_admin:
        raise NotAllowed()
    stmt = (
        select(AuditLog)
        .where(
            col(AuditLog.action).in_(_ACTIONS),
            col(AuditLog.at) >= clock.now() - timedelta(days=days),
        )
        .order_by(col(AuditLog.at).desc(), col(AuditLog.id).desc())
    )
    handled = []
    for row in (await session.exec(stmt)).all():
        assert row.at is not None
        kind = row.action.removeprefix("person.")
        kept = row.at + RETENTION if kind == "withdraw" else None
        handled.append(Handled(kind, row.entity_id, row.at, kept))
    return handled
