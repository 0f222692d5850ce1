"""Ideas: what a warga or relawan suggests to their BKM, and what became of it.

Imported at the end of `storage.models`, so Alembic and `SQLModel.metadata` see them.

    idea    author, BKM, a short text and an optional photo (Telegram file id), its status,
            the proposal started from it, or the reason it was not taken up

An idea is small on purpose: one message and a photo from a phone. Whether the author has been
told of the proposal's submission is kept here too (`told_submitted_at`), so they are told once.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field

from storage.models import Table, _utc_column


class IdeaStatus(StrEnum):
    NEW = "baru"  # waiting for the BKM to look at it
    PROPOSED = "dijadikan_usulan"  # a proposal draft was started from it
    NOT_PURSUED = "tidak_dilanjutkan"  # the BKM decided not to take it up, with a reason


class Idea(Table, table=True):
    """One idea sent to a BKM."""

    # The BKM's list: its ideas by status, newest first.
    __table_args__ = (Index("ix_idea_bkm_id_status", "bkm_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    bkm_id: int = Field(foreign_key="bkm.id")  # indexed with status (ix_idea_bkm_id_status)
    kota_id: int = Field(foreign_key="kota.id")
    # Nullable person link kept after a deletion (the person row stays, without identity).
    author_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    text: str = Field(max_length=1000)
    photo_file_id: str | None = Field(default=None, max_length=200)
    status: str = Field(default=IdeaStatus.NEW.value, max_length=20)
    # A draft discarded by its author takes the link with it: the idea can be taken up again.
    proposal_id: int | None = Field(
        default=None, foreign_key="proposal.id", index=True, ondelete="SET NULL"
    )
    reason: str | None = Field(default=None, max_length=500)
    decided_by_label: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = _utc_column()
    told_submitted_at: datetime | None = _utc_column()
    created_at: datetime | None = _utc_column()
