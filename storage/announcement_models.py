"""Announcement tables: an announcement (a draft while it is composed) and its read receipts.

Imported at the end of `storage.models`, so Alembic and `SQLModel.metadata` see them.

    announcement       author, kota, audience code, body, optional file, send time, status, `step`
    announcement_ack   one per (announcement, person), unique: "✅ Sudah dibaca" counts once

Delivery is not kept here: each recipient's outbox row carries the topic "announcement:<id>",
and the counts (sent, failed, dropped, pending) are read from those rows.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Column, UniqueConstraint, false
from sqlmodel import Field

from storage.models import Table, _utc_column


class AnnouncementStatus(StrEnum):
    DRAFT = "draf"
    SCHEDULED = "terjadwal"
    SENDING = "mengirim"
    SENT = "terkirim"
    CANCELLED = "dibatalkan"  # a scheduled one, before it started
    STOPPED = "dihentikan"  # stopped while sending: what was not yet sent is dropped


class Announcement(Table, table=True):
    """A pengumuman. A draft is one in status `draf`; `step` is where its form stands."""

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=AnnouncementStatus.DRAFT.value, max_length=20, index=True)
    step: str = Field(default="isi", max_length=30)
    author_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # The author's kota: its zone reads typed times; the audience lies inside it.
    kota_id: int = Field(foreign_key="kota.id", index=True)
    # Who the author spoke as, kept for the frame ("Fasilitator", "Koordinator BKM", "Admin").
    author_role: str = Field(default="", max_length=20)
    # "bkm:5", "bkms:5,7" (several BKMs, ticked), "kota", "role:koordinator", "mitra"
    audience: str | None = Field(default=None, max_length=400)
    body: str | None = None  # as written; at most 4,096 UTF-16 units (1,024 with a file)
    file_id: str | None = Field(default=None, max_length=200)
    file_kind: str | None = Field(default=None, max_length=10)  # "photo" | "document"
    send_at: datetime | None = _utc_column(index=True)  # None: at once
    recipients: int = 0  # outbox rows written when it started
    created_at: datetime | None = _utc_column()
    updated_at: datetime | None = _utc_column()
    started_at: datetime | None = _utc_column()
    finished_at: datetime | None = _utc_column()  # cancelled or stopped at, for those
    # The author's live progress message (an outbox row, then edited in place by
    # bot/runtime/progress.py): where it is, what it shows now, and whether it is the final
    # report. Kept here so a restarted bot goes on editing the same message.
    progress_chat_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    progress_message_id: int | None = None
    progress_text: str | None = None
    progress_final: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class AnnouncementAck(Table, table=True):
    """A recipient pressed "✅ Sudah dibaca": recorded once."""

    __tablename__ = "announcement_ack"
    __table_args__ = (UniqueConstraint("announcement_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    announcement_id: int = Field(foreign_key="announcement.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    at: datetime | None = _utc_column()
