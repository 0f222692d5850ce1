"""Recording a change: the timeline line, the audit row, and the notifications, together."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain import audit
from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidInput, InvalidTransition
from bot.domain.plain_text import refuse_nik
from bot.domain.proposals import notify
from bot.domain.proposals.lifecycle import (
    TRANSITIONS,
    Action,
    ProposalStatus,
    status_label,
    target_status,
)
from bot.i18n import N_
from storage.models import AuditLog, Proposal, ProposalEvent

NOTE_MAX = 1000


@dataclass(frozen=True)
class Outcome:
    """What an action did: `changed` is False for a repeat (a double-tapped button)."""

    proposal: Proposal
    changed: bool


def add_event(
    session: AsyncSession,
    clock: Clock,
    proposal: Proposal,
    *,
    from_status: str | None,
    to_status: str,
    actor: Actor,
    label: str | None = None,
    note: str | None = None,
    amount: int | None = None,
) -> ProposalEvent:
    """Append one timeline line; `label` overrides the actor's (a mitra answers as its mitra)."""
    assert proposal.id is not None
    event = ProposalEvent(
        proposal_id=proposal.id,
        at=clock.now(),
        from_status=from_status,
        to_status=to_status,
        version=proposal.version,
        actor_id=actor.person_id,
        actor_label=label or actor.label,
        note=note,
        amount=amount,
    )
    session.add(event)
    return event


async def last_change(session: AsyncSession, proposal_id: int) -> ProposalEvent | None:
    """The proposal's latest change of status (partner answers and later tranches skipped)."""
    stmt = (
        select(ProposalEvent)
        .where(
            ProposalEvent.proposal_id == proposal_id,
            col(ProposalEvent.from_status).is_not(None),
            col(ProposalEvent.from_status) != col(ProposalEvent.to_status),
        )
        .order_by(col(ProposalEvent.id).desc())
    )
    return (await session.exec(stmt)).first()


# A required note or reason is read by the BKM and must tell them something: "ok" or "x" went
# straight to a BKM once. A few words (and letters, so "a b c" does not pass) are asked for.
NOTE_MIN_WORDS = 3
NOTE_MIN_LETTERS = 10
NOTE_TOO_SHORT = N_(
    "Mohon tulis sedikit lebih lengkap, paling sedikit {words} kata, supaya BKM tahu apa yang "
    "dimaksud. Misalnya: “Mohon lengkapi RAB dan foto lokasi.”"
)


def clean_note(note: str | None, *, required: bool, most: int = NOTE_MAX) -> str | None:
    """A note or reason: trimmed, at most `most` characters (the column's size); when
    required, a few words."""
    text = "\n".join(" ".join(line.split()) for line in (note or "").splitlines()).strip()
    if required and not text:
        raise InvalidInput(N_("Mohon tuliskan catatan atau alasannya."))
    if required and not is_substantive(text):
        raise InvalidInput(NOTE_TOO_SHORT, words=NOTE_MIN_WORDS)
    if len(text) > most:
        raise InvalidInput(N_("Catatan paling banyak {max} huruf."), max=most)
    refuse_nik(text)  # notes and reasons reach the BKM and the timeline: never a NIK
    return text or None


def is_substantive(text: str) -> bool:
    """At least a few words and letters: enough for the BKM to know what is meant."""
    words = [w for w in text.split() if any(c.isalnum() for c in w)]
    letters = sum(c.isalnum() for c in text)
    return len(words) >= NOTE_MIN_WORDS and letters >= NOTE_MIN_LETTERS


async def is_repeat(
    session: AsyncSession, proposal: Proposal, action: Action, note: str | None, amount: int | None
) -> bool:
    """The proposal already stands where `action` leads, with the same note and amount."""
    if action == Action.DISBURSE:
        return False  # tranches are told apart by their number (see review.disburse)
    if proposal.status != TRANSITIONS[action].target:
        return False
    assert proposal.id is not None
    last = await last_change(session, proposal.id)
    if last is None or last.to_status != proposal.status:
        return False
    if (last.note, last.amount) == (note, amount):
        return True
    raise InvalidTransition(
        N_("Usulan ini sudah berstatus {status}."), status=status_label(proposal.status)
    )


def ensure_source(proposal: Proposal, action: Action) -> None:
    """Refuse a move the life cycle does not have from the current status."""
    if ProposalStatus(proposal.status) not in TRANSITIONS[action].sources:
        raise InvalidTransition(
            N_("Maaf, tindakan ini tidak dapat dilakukan karena usulan sedang berstatus {status}."),
            status=status_label(proposal.status),
        )


async def change_status(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    proposal: Proposal,
    *,
    action: Action,
    note: str | None = None,
    amount: int | None = None,
    **detail: object,
) -> ProposalEvent:
    """Move the proposal, and record who, when and why; then tell the people concerned.

    The caller loaded `proposal` locked (`access.load_*(…, for_update=True)`) before checking
    that the move is allowed, so no other change slips in between the check and this write.
    """
    old = proposal.status
    proposal.status = target_status(action, ProposalStatus(old)).value
    proposal.updated_at = clock.now()
    session.add(proposal)
    event = add_event(
        session, clock, proposal, from_status=old, to_status=proposal.status, actor=actor,
        note=note, amount=amount,
    )  # fmt: skip
    audit.record(
        session, clock, actor, f"proposal.{action.value}", "proposal", proposal.id,
        code=proposal.code, from_status=old, to_status=proposal.status,
        version=proposal.version, note=note, amount=amount, **detail,
    )  # fmt: skip
    await notify.status_changed(session, clock, actor, proposal, event)
    return event


async def audit_rows(session: AsyncSession, proposal_id: int, action: str) -> list[AuditLog]:
    """The audit rows of one action on one proposal, oldest first."""
    stmt = (
        select(AuditLog)
        .where(
            AuditLog.entity == "proposal",
            AuditLog.entity_id == proposal_id,
            AuditLog.action == action,
        )
        .order_by(col(AuditLog.id))
    )
    return list((await session.exec(stmt)).all())
