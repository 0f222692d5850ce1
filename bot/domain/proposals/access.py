"""Loading a proposal and deciding who may see or edit it."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, bindparam, false, or_
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.actors import Actor
from bot.domain.clock import Clock
from bot.domain.errors import InvalidTransition, NotAllowed, NotFound
from bot.domain.proposals.lifecycle import EDITABLE, ProposalStatus, is_koordinator_of
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
    own = proposal.author_id is not None and proposal.author_id == actor.person_id
    return (own and is_member_of(actor, proposal)) or is_koordinator_of(actor, proposal)


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


def visibility_filter(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause: the proposals `actor` may see (drafts only by their author and BKM)."""
    draft = col(Proposal.status) == ProposalStatus.DRAFT.value
    clauses: list[ColumnElement[bool]] = []
    koordinator_bkms = actor.bkm_ids(Role.KOORDINATOR)
    member_bkms = actor.bkm_ids(Role.ANGGOTA, Role.KOORDINATOR)
    if actor.person_id is not None and member_bkms:
        own = col(Proposal.author_id) == actor.person_id
        clauses.append(and_(own, col(Proposal.bkm_id).in_(member_bkms)))
    if koordinator_bkms:
        clauses.append(col(Proposal.bkm_id).in_(koordinator_bkms))
    if member_bkms:
        clauses.append(and_(~draft, col(Proposal.bkm_id).in_(member_bkms)))
    if actor.is_admin:
        clauses.append(~draft)
    elif kotas := actor.kota_ids(Role.FASILITATOR):
        clauses.append(and_(~draft, col(Proposal.kota_id).in_(kotas)))
    if mitras := actor.mitra_ids():
        clauses.append(_channelled_to(mitras))
    return or_(*clauses) if clauses else false()


def _channelled_to(mitra_ids: set[int]) -> ColumnElement[bool]:
    """Channelled to one of `mitra_ids` and past the completeness check (it reached review).

    An IN list rather than EXISTS, so that SQLite, too, starts from the mitra's partner rows
    (ix_proposal_partner_mitra_id) instead of reading every proposal to test each one.
    """
    partner = col(Proposal.id).in_(
        select(ProposalPartner.proposal_id).where(col(ProposalPartner.mitra_id).in_(mitra_ids))
    )
    reviewed = (
        select(ProposalEvent.id)
        .where(
            col(ProposalEvent.proposal_id) == col(Proposal.id),
            col(ProposalEvent.to_status) == ProposalStatus.IN_REVIEW.value,
        )
        .exists()
    )
    return and_(partner, reviewed)


async def can_see(session: AsyncSession, actor: Actor, proposal: Proposal) -> bool:
    """The same rule as `visibility_filter`, for one proposal."""
    stmt = select(Proposal.id).where(Proposal.id == proposal.id, visibility_filter(actor))
    return (await session.exec(stmt)).first() is not None


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
