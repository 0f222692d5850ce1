"""Money after the decision: tranches paid out, and the files that show the work was done.

Imported at the end of `storage.models`, so Alembic and `SQLModel.metadata` see them.

    disbursement            one row per recorded tranche, or per correction of one (never edited)
    proposal_progress_file  progress photos (0 %, 50 %, 100 %) and the accountability report (LPJ)

`proposal.disbursed_amount` stays as the running total of `disbursement.amount`: every list and
notification reads it, and the row lock on the proposal keeps the two in step.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column
from sqlmodel import Field

from storage.models import Table, _utc_column


class Disbursement(Table, table=True):
    """One entry of a proposal's disbursement ledger (tahap 1/2/3).

    A wrong entry is never changed: a correction is a new row for the same tranche whose
    `amount` is the difference (negative when less was paid), pointing at the entry it corrects
    and saying why. A tranche's amount is the sum of its rows.
    """

    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    tranche: int
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    recorded_by: int | None = Field(default=None, foreign_key="person.id")
    # Role and organisation ("fasilitator:Bandung"): kept when the person is deleted.
    recorded_by_label: str = Field(default="", max_length=200)
    at: datetime | None = _utc_column()
    corrects_id: int | None = Field(default=None, foreign_key="disbursement.id")
    reason: str | None = Field(default=None, max_length=500)


class ProposalProgressFile(Table, table=True):
    """A progress photo or the LPJ, as a Telegram file id (sent again by that id)."""

    __tablename__ = "proposal_progress_file"
    id: int | None = Field(default=None, primary_key=True)
    proposal_id: int = Field(foreign_key="proposal.id", index=True)
    stage: str = Field(max_length=20)  # "foto_0" | "foto_50" | "foto_100" | "lpj"
    kind: str = Field(max_length=20)  # "photo" | "document"
    file_id: str = Field(max_length=200)
    file_name: str | None = Field(default=None, max_length=200)
    added_by: int | None = Field(default=None, foreign_key="person.id")
    added_by_label: str = Field(default="", max_length=200)
    at: datetime | None = _utc_column()
