"""Loading a proposal and deciding who may see or edit it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, false, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidTransition, NotAllowed, NotFound
from bot.domain.permissions import TABLE, Act, Scope, holds
from bot.domain.proposals.lifecycle import EDITABLE, ProposalStatus
from bot.i18n import N_
from storage.models import Kota, Proposal, ProposalEvent, ProposalPartner, Role

# The same words for an unknown proposal and one the person may not see: no existence leak.
NOT_FOUND = N_("Maaf, usulan {code} tidak ditemukan. Mohon periksa kodenya.")
NOT_FOUND_ID = N_("Maaf, usulan itu tidak ditemukan.")
NOT_EDITABLE = N_("Usulan ini sudah diajukan, jadi tidak dapat diubah lagi.")
NOT_YOURS = N_("Maaf, hanya penyusun usulan ini atau koordinator BKM-nya yang dapat mengubahnya.")


# session.info key: (transaction, ids of the proposals it has read FOR UPDATE).
_LOCKED = "locked_proposals"


async def _get(session: AsyncSession, proposal_id: int, for_update: bool) -> Proposal | None:
    """The proposal row; `for_update` locks it until the transaction ends and reads it afresh.

    Every change of a proposal checks its state and then writes: two at once (a double tap on
    two devices, two processes) must not both pass the check. On PostgreSQL the row lock makes
    the second wait and then see the first's committed change; SQLite ignores FOR UPDATE, but
    its transactions already take turns (storage/db.py).

    Locked once per transaction: the chat layer loads the form, then the use case loads it
    again, and a row this transaction holds locked cannot have changed under it.
    """
    locked = _locked_in_this_transaction(session)
    if not for_update or proposal_id in locked:
        return await session.get(Proposal, proposal_id)
    proposal = (await session.exec(_LOCK, params={"id": proposal_id})).first()
    if proposal is not None:
        locked.add(proposal_id)
    return proposal


# Built once (a form answer runs it): populate_existing, as a copy loaded earlier in this
# transaction, before the lock, may be stale by now.
_LOCK = (
    select(Proposal)
    .where(Proposal.id == bindparam("id"))
    .with_for_update()
    .execution_options(populate_existing=True)
)


def _locked_in_this_transaction(session: AsyncSession) -> set[int]:
    transaction = session.sync_session.get_transaction()
    held = session.info.get(_LOCKED)
    if held is None or held[0] is not transaction:  # a session may outlive a transaction
        held = session.info[_LOCKED] = (transaction, set())
    return held[1]  # type: ignore[no-any-return]


async def load(session: AsyncSession, proposal_id: int, *, for_update: bool = False) -> Proposal:
    """The proposal with this id, whoever asks (callers check access)."""
    proposal = await _get(session, proposal_id, for_update)
    if proposal is None:
        raise NotFound(NOT_FOUND_ID)
    return proposal


async def kota_of(session: AsyncSession, proposal: Proposal) -> Kota:
    """The proposal's kota (its time zone decides dates and the code's year)."""
    return await session.get_one(Kota, proposal.kota_id)


def today_in(kota: Kota, clock: Clock) -> date:
    """Today's date where the kota is (WIB, WITA or WIT)."""
    return clock.now().astimezone(ZoneInfo(kota.timezone)).date()


def is_member_of(actor: Actor, proposal: Proposal) -> bool:
    """An anggota or koordinator of the proposal's BKM."""
    return proposal.bkm_id in actor.bkm_ids(Role.ANGGOTA, Role.KOORDINATOR)


def may_edit(actor: Actor, proposal: Proposal) -> bool:
    """The author (still a member of the BKM), a koordinator of the BKM, or an admin."""
    return holds(
        actor, Act.PROPOSAL_EDIT, bkm_id=proposal.bkm_id, kota_id=proposal.kota_id,
        owner_id=proposal.author_id,
    )  # fmt: skip


async def load_editable(
    session: AsyncSession, actor: Actor, proposal_id: int, *, for_update: bool = True
) -> Proposal:
    """A proposal whose form `actor` may change now (a draft, or one sent back for revision).

    Locked by default: its callers change it, and a submit may be checking it at this moment.
    """
    proposal = await load(session, proposal_id, for_update=for_update)
    if not may_edit(actor, proposal):
        if not await can_see(session, actor, proposal):
            raise NotFound(NOT_FOUND_ID)
        raise NotAllowed(NOT_YOURS)
    if ProposalStatus(proposal.status) not in EDITABLE:
        raise InvalidTransition(NOT_EDITABLE)
    return proposal


@dataclass(frozen=True)
class Visibility:
    """Which proposals an actor may see: the clause's shape and the values it binds.

    The shape (which scopes, for submitted proposals and for drafts) takes only a few forms,
    one per combination of roles, so each clause, and each statement around it, is built once
    per shape (`clause_for`, `bot.domain.proposals.queries`) with the ids as parameters: every
    `/status` asks, and building a statement and its cache key cost about as much CPU as
    running it.
    """

    shape: tuple[tuple[bool, Scope], ...]  # (drafts?, scope), in the order of the grants
    values: dict[str, object] = field(hash=False, compare=False)


def visibility(actor: Actor) -> Visibility:
    """The proposals `actor` may see, as the permission table's two rows say.

    PROPOSAL_SEE covers submitted proposals, PROPOSAL_SEE_DRAFT drafts; each grant adds the
    clause its scope stands for. Ids are gathered per scope so that each is one IN list.
    """
    shape: list[tuple[bool, Scope]] = []
    values: dict[str, object] = {}
    for act, drafts in ((Act.PROPOSAL_SEE, False), (Act.PROPOSAL_SEE_DRAFT, True)):
        scopes = TABLE[act].scopes
        ids: dict[Scope, set[int]] = {}
        for g in actor.grants:
            scope = scopes.get(g.role)
            key = g.mitra_id if scope == Scope.MITRA else g.bkm_id
            if scope in (Scope.KOTA, Scope.KOTA_REVIEWED):
                key = g.kota_id
            if scope == Scope.ANY:
                if (drafts, scope) not in shape:
                    shape.append((drafts, scope))
            elif scope is not None and key is not None:
                ids.setdefault(scope, set()).add(key)
        for scope, found in ids.items():
            if scope == Scope.AUTHOR_BKM:
                if actor.person_id is None:
                    continue  # nobody's own: the clause would pick nothing
                values[_AUTHOR] = actor.person_id
            shape.append((drafts, scope))
            values[_ids_name(drafts, scope)] = sorted(found)
    return Visibility(tuple(shape), values)


def visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause: the proposals `actor` may see, their ids written in (see `visibility`)."""
    seen = visibility(actor)
    return _clause(seen.shape, seen.values.__getitem__)


@lru_cache(maxsize=64)
def clause_for(shape: tuple[tuple[bool, Scope], ...]) -> ColumnElement[bool]:
    """The clause of one shape, its ids and the author left as parameters (`Visibility.values`)."""
    return _clause(shape, lambda name: bindparam(name, expanding=name != _AUTHOR))


_AUTHOR = "seen_author_id"
# A value of Visibility.values by its name, or a parameter standing for it.
_Value = Callable[[str], Any]


def _ids_name(drafts: bool, scope: Scope) -> str:
    return f"seen_{'draft' if drafts else 'sent'}_{scope.name.lower()}_ids"


def _clause(shape: tuple[tuple[bool, Scope], ...], value: _Value) -> ColumnElement[bool]:
    clauses = [_scope_clause(drafts, scope, value) for drafts, scope in shape]
    return or_(*clauses) if clauses else false()


def _scope_clause(drafts: bool, scope: Scope, value: _Value) -> ColumnElement[bool]:
    """The proposals (drafts, or the others) that one scope of the table covers."""
    draft = col(Proposal.status) == ProposalStatus.DRAFT.value
    status = draft if drafts else ~draft
    if scope == Scope.ANY:
        return status
    ids = value(_ids_name(drafts, scope))
    if scope == Scope.KOTA:
        return and_(status, col(Proposal.kota_id).in_(ids))
    if scope == Scope.KOTA_REVIEWED:
        # The committee sees what reached it: verified proposals of its kota, and after.
        return and_(col(Proposal.kota_id).in_(ids), _reached_review())
    if scope == Scope.MITRA:
        return _channelled_to(ids)
    in_bkm = and_(status, col(Proposal.bkm_id).in_(ids))
    if scope == Scope.AUTHOR_BKM:
        return and_(in_bkm, col(Proposal.author_id) == value(_AUTHOR))
    return in_bkm


def _channelled_to(mitra_ids: Any) -> ColumnElement[bool]:
    """Channelled to one of `mitra_ids` (or a parameter for them), past the completeness check.

    An IN list rather than EXISTS, so that SQLite, too, starts from the mitra's partner rows
    (ix_proposal_partner_mitra_id) instead of reading every proposal to test each one.
    """
    partner = col(Proposal.id).in_(
        select(ProposalPartner.proposal_id).where(col(ProposalPartner.mitra_id).in_(mitra_ids))
    )
    return and_(partner, _reached_review())


def _reached_review() -> ColumnElement[bool]:
    """The proposal passed the completeness check once (it went under review)."""
    return (
        select(ProposalEvent.id)
        .where(
            col(ProposalEvent.proposal_id) == col(Proposal.id),
            col(ProposalEvent.to_status) == ProposalStatus.IN_REVIEW.value,
        )
        .exists()
    )


async def can_see(session: AsyncSession, actor: Actor, proposal: Proposal) -> bool:
    """The same rule as `visibility_filter`, for one proposal."""
    seen = visibility(actor)
    params = {**seen.values, "proposal_id": proposal.id}
    return (await session.exec(_seen_one(seen.shape), params=params)).first() is not None  # type: ignore[call-overload]


@lru_cache(maxsize=64)
def _seen_one(shape: tuple[tuple[bool, Scope], ...]) -> SelectOfScalar[int | None]:
    return select(col(Proposal.id)).where(
        col(Proposal.id) == bindparam("proposal_id"), clause_for(shape)
    )


async def load_visible(
    session: AsyncSession, actor: Actor, proposal_id: int, *, for_update: bool = False
) -> Proposal:
    """A proposal `actor` may see; NotFound otherwise, the same as for an unknown id.

    Pass `for_update=True` before changing it (see `_get`).
    """
    proposal = await _get(session, proposal_id, for_update)
    if proposal is None or not await can_see(session, actor, proposal):
        raise NotFound(NOT_FOUND_ID)
    return proposal
