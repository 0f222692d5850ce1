"""Finding proposals: the /status list, one proposal by code, codes inside free text, queues."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam
from sqlalchemy import select as select_rows  # sqlmodel's select takes four columns at most
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession
from sqlmodel.sql.expression import SelectOfScalar

from bot.domain.actors import Actor
from bot.domain.errors import NotFound
from bot.domain.permissions import Scope
from bot.domain.proposals import access
from bot.domain.proposals.lifecycle import (
    AWAITING_COMMITTEE,
    AWAITING_FASILITATOR,
    MITRA_MAY_ANSWER,
    ProposalStatus,
)
from bot.domain.proposals.views import (
    SUMMARY_COLUMNS,
    ProposalSummary,
    ProposalView,
    build_view,
    summary_of_row,
)
from bot.i18n import N_
from storage.models import Bkm, Proposal, ProposalPartner, Role

MAX_PER_PAGE = 20
# "PKT-2026-0042", also typed "pkt 2026 42" or with the dash a phone turned into "–".
_CODE = re.compile(r"\bpkt[\s\-–—_]?(\d{4})[\s\-–—_]?(\d{1,6})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Page:
    items: tuple[ProposalSummary, ...]
    page: int  # 1-based
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def find_codes(text: str) -> list[str]:
    """Tracking codes mentioned in free text, normalised ("PKT-2026-0042"), each once, in order."""
    codes: list[str] = []
    for year, number in _CODE.findall(text or ""):
        code = f"PKT-{year}-{int(number):04d}"
        if code not in codes:
            codes.append(code)
    return codes


def normalise_code(code: str) -> str:
    """ "pkt-2026-42" → "PKT-2026-0042"; anything else upper-cased as typed."""
    found = find_codes(code)
    return found[0] if found else code.strip().upper()


def _summaries_where(where: ColumnElement[bool]) -> Select[*tuple[Any, ...]]:
    """The list lines of the proposals `where` picks: only the columns a line shows, and the
    BKM's name joined in. Lists are the most frequent reads of all (`/status`), and loading
    whole proposals (about fifty columns each) as ORM objects was most of their cost."""
    return (
        select_rows(*SUMMARY_COLUMNS, col(Bkm.name))
        .join(Bkm, col(Bkm.id) == col(Proposal.bkm_id))
        .where(where)
    )


async def _summaries(
    session: AsyncSession, stmt: Select[*tuple[Any, ...]], params: dict[str, object] | None = None
) -> tuple[ProposalSummary, ...]:
    rows = (await session.exec(stmt, params=params or {})).all()  # type: ignore[call-overload]  # (sqlmodel: 4 at most)
    return tuple(summary_of_row(row) for row in rows)


# Built once per shape of visibility (access.Visibility): `/status` is the most frequent
# request, and these statements, built anew, cost about as much CPU as running them.
@lru_cache(maxsize=64)
def _count_visible(shape: tuple[tuple[bool, Scope], ...]) -> SelectOfScalar[int]:
    return select(func.count()).select_from(Proposal).where(access.clause_for(shape))


@lru_cache(maxsize=64)
def _page_visible(shape: tuple[tuple[bool, Scope], ...]) -> Select[*tuple[Any, ...]]:
    return (
        _summaries_where(access.clause_for(shape))
        .order_by(col(Proposal.id).desc())
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


@lru_cache(maxsize=64)
def _visible_by_code(shape: tuple[tuple[bool, Scope], ...]) -> SelectOfScalar[Proposal]:
    # The code picks the row, the visibility filter only checks it. As `id = (…)`, so
    # PostgreSQL too starts from the code's unique index whatever its statistics say (beside
    # `bkm_id IN (…)` it may otherwise start from the BKM's proposals).
    by_code = select(Proposal.id).where(Proposal.code == bindparam("code")).scalar_subquery()
    return select(Proposal).where(Proposal.id == by_code, access.clause_for(shape))


async def visible_proposals(
    session: AsyncSession, actor: Actor, *, page: int = 1, per_page: int = 5
) -> Page:
    """The proposals `actor` may see, newest first, one page at a time."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    seen = access.visibility(actor)
    total = (await session.exec(_count_visible(seen.shape), params=seen.values)).one()  # type: ignore[call-overload]
    page = max(1, min(page, max(1, -(-total // per_page))))
    params = {**seen.values, "offset": (page - 1) * per_page, "limit": per_page}
    return Page(await _summaries(session, _page_visible(seen.shape), params), page, per_page, total)


async def get_view(session: AsyncSession, actor: Actor, code: str) -> ProposalView:
    """One proposal by tracking code; NotFound alike for an unknown code and a hidden one."""
    wanted = normalise_code(code)
    seen = access.visibility(actor)
    stmt = _visible_by_code(seen.shape)
    proposal = (await session.exec(stmt, params={**seen.values, "code": wanted})).first()  # type: ignore[call-overload]
    if proposal is None:
        raise NotFound(access.NOT_FOUND, code=wanted)
    return await build_view(session, actor, proposal)


async def view_by_id(session: AsyncSession, actor: Actor, proposal_id: int) -> ProposalView:
    """One proposal by id (drafts have no code yet); NotFound when hidden or unknown."""
    return await build_view(session, actor, await access.load_visible(session, actor, proposal_id))


async def _queue(
    session: AsyncSession, where: ColumnElement[bool], statuses: Sequence[ProposalStatus]
) -> list[ProposalSummary]:
    stmt = _summaries_where(
        and_(where, col(Proposal.status).in_([s.value for s in statuses]))
    ).order_by(col(Proposal.submitted_at), col(Proposal.id))
    return list(await _summaries(session, stmt))


async def review_queue(session: AsyncSession, actor: Actor) -> list[ProposalSummary]:
    """What waits for this fasilitator in their kota(s), oldest submission first."""
    if actor.is_admin:
        return await _queue(session, col(Proposal.id).is_not(None), AWAITING_FASILITATOR)
    kotas = actor.kota_ids(Role.FASILITATOR)
    return await _queue(session, col(Proposal.kota_id).in_(kotas), AWAITING_FASILITATOR)


async def committee_queue(session: AsyncSession, actor: Actor) -> list[ProposalSummary]:
    """What waits for the committee (Panitia Kemitraan) of this person's kota(s): a decision."""
    kotas = actor.kota_ids(Role.PANITIA, Role.SEKRETARIS)
    return await _queue(session, col(Proposal.kota_id).in_(kotas), AWAITING_COMMITTEE)


S = ProposalStatus
# A queue is shown grouped by what is needed next, in the life cycle's order (label msgids).
FASILITATOR_GROUPS: tuple[tuple[str, tuple[ProposalStatus, ...]], ...] = (
    (N_("Perlu diperiksa kelengkapannya"), (S.SUBMITTED,)),
    (N_("Perlu diverifikasi"), (S.CHECKING,)),
    (N_("Menunggu keputusan Panitia Kemitraan"), (S.IN_REVIEW, S.WAITLISTED)),
    (N_("Disetujui, menunggu pencairan dana"), (S.APPROVED,)),
    (N_("Sedang berjalan, menunggu selesai"), (S.DISBURSED, S.IN_PROGRESS)),
)
COMMITTEE_GROUPS: tuple[tuple[str, tuple[ProposalStatus, ...]], ...] = (
    (N_("Menunggu keputusan Panitia Kemitraan"), (S.IN_REVIEW,)),
    (N_("Masuk daftar tunggu, dapat diputuskan lagi"), (S.WAITLISTED,)),
)
MITRA_GROUP = N_("Menunggu jawaban mitra")


@dataclass(frozen=True)
class QueueGroup:
    """One part of a queue: what is needed (a msgid) and the proposals that need it."""

    label: str
    items: tuple[ProposalSummary, ...]


def grouped(
    items: Sequence[ProposalSummary],
    groups: Sequence[tuple[str, tuple[ProposalStatus, ...]]],
) -> list[QueueGroup]:
    """The non-empty groups, each keeping the queue's order (oldest submission first)."""
    found = [
        QueueGroup(label, tuple(i for i in items if i.status in statuses))
        for label, statuses in groups
    ]
    return [g for g in found if g.items]


async def mitra_queue(session: AsyncSession, actor: Actor) -> list[ProposalSummary]:
    """Proposals channelled to this person's mitra that still wait for their answer."""
    unanswered = (
        select(ProposalPartner.id)
        .where(
            col(ProposalPartner.proposal_id) == col(Proposal.id),
            col(ProposalPartner.mitra_id).in_(actor.mitra_ids()),
            col(ProposalPartner.answer).is_(None),
        )
        .exists()
    )
    return await _queue(session, unanswered, MITRA_MAY_ANSWER)
