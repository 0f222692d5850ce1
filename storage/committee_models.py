"""The committee's decisions: what the Panitia Kemitraan decided about a proposal, and when.

Imported at the end of `storage.models`, so Alembic and `SQLModel.metadata` see them.

    committee_decision   one per decision (approve with an amount, waitlist, not approved),
                         with the date of the committee meeting, optionally that meeting, and
                         who recorded it (the committee's secretary)
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field

from storage.models import Table, _utc_column


class CommitteeDecision(Table, table=True):
    """A decision of a kota's committee, as its secretary recorded it.

    The decision is the committee's, not the recorder's: `committee` keeps the committee's label
    as it was at the time ("Panitia Kemitraan", "Pokja PAKET"), so renaming the committee later
    does not rewrite history. `recorded_by_label` keeps role and organisation, as the
    audit log does, so it survives the recorder's deletion.
    """

    __tablename__ = "committee_decision"
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    # The status the decision set: disetujui | daftar_tunggu | ditolak.
    outcome: str = Field(max_length=20)
    amount: int | None = Field(default=None, sa_column=Column(BigInteger))
    note: str | None = Field(default=None, max_length=1000)
    committee: str = Field(max_length=200)
    meeting_date: date
    meeting_id: int | None = Field(default=None, foreign_key="meeting.id", index=True)
    # The timeline line the decision made (its status change).
    event_id: int | None = Field(default=None, foreign_key="proposal_event.id")
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    recorded_by_label: str = Field(default="", max_length=200)
    recorded_at: datetime | None = _utc_column()
