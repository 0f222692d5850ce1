"""Who may ask for a report, and what each of its figures may count.

A report counts only what the person may see in chat: the proposals through the same rule as
/status (`access.visibility_filter`, drafts left out), meetings of their area or to which they
were invited, announcements of their area or their own. The operator's CLI reports as the
admin, optionally narrowed to some kotas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, true
from sqlmodel import col, select

from bot.domain.actors import Actor
from bot.domain.errors import NotAllowed
from bot.domain.permissions import Act, roles_for
from bot.domain.proposals import access
from bot.domain.proposals.lifecycle import ProposalStatus
from bot.i18n import N_
from storage.announcement_models import Announcement, AnnouncementStatus
from storage.meeting_models import Meeting, MeetingInvitee
from storage.models import Proposal, Role

# Who gets a report: the /laporan row of the permission table (the BKM's members use /status).
REPORTERS = roles_for(Act.CMD_LAPORAN)
NOT_ALLOWED = N_("Maaf, laporan hanya untuk fasilitator, koordinator BKM, mitra, dan Panitia.")


@dataclass(frozen=True)
class Scope:
    """The person a report is for; `kota_ids` narrows it further (the CLI's --kota)."""

    actor: Actor
    kota_ids: frozenset[int] | None = None

    def proposals(self) -> ColumnElement[bool]:
        """Submitted proposals the person may see (a draft is nobody's figure yet)."""
        shown = and_(
            access.visibility_filter(self.actor),
            col(Proposal.status) != ProposalStatus.DRAFT.value,
        )
        if self.kota_ids is not None:
            shown = and_(shown, col(Proposal.kota_id).in_(self.kota_ids))
        return shown

    def meetings(self) -> ColumnElement[bool]:
        """Scheduled meetings of the person's area, their BKM's, theirs, or they were invited."""
        actor = self.actor
        held = col(Meeting.status) == "terjadwal"
        clauses: list[ColumnElement[bool]] = []
        if actor.is_admin:
            clauses.append(true())
        if kotas := actor.kota_ids(Role.FASILITATOR):
            clauses.append(col(Meeting.kota_id).in_(kotas))
        if bkms := actor.bkm_ids(Role.KOORDINATOR):
            clauses.append(col(Meeting.audience_bkm_id).in_(bkms))
        if actor.person_id is not None:
            clauses.append(col(Meeting.organiser_id) == actor.person_id)
            invited = select(MeetingInvitee.meeting_id).where(
                MeetingInvitee.person_id == actor.person_id
            )
            clauses.append(col(Meeting.id).in_(invited))
        return and_(held, self._kota(col(Meeting.kota_id)), or_(*clauses) if clauses else false())

    def announcements(self) -> ColumnElement[bool]:
        """Announcements that went out in the person's area, or that they wrote."""
        actor = self.actor
        started = col(Announcement.status).in_(
            [AnnouncementStatus.SENDING.value, AnnouncementStatus.SENT.value,
             AnnouncementStatus.STOPPED.value]
        )  # fmt: skip
        clauses: list[ColumnElement[bool]] = []
        if actor.is_admin:
            clauses.append(true())
        if kotas := actor.kota_ids(Role.FASILITATOR):
            clauses.append(col(Announcement.kota_id).in_(kotas))
        if actor.person_id is not None:
            clauses.append(col(Announcement.author_id) == actor.person_id)
        return and_(
            started, self._kota(col(Announcement.kota_id)), or_(*clauses) if clauses else false()
        )

    def _kota(self, column: Any) -> ColumnElement[bool]:
        return true() if self.kota_ids is None else column.in_(self.kota_ids)


def may_report(actor: Actor | None) -> bool:
    return actor is not None and actor.has(*REPORTERS)


def scope_for(actor: Actor | None, kota_ids: frozenset[int] | None = None) -> Scope:
    """The scope of `actor`'s report; NotAllowed for anyone else (checked here, not in chat)."""
    if actor is None or not may_report(actor):
        raise NotAllowed(NOT_ALLOWED)
    return Scope(actor, kota_ids)
