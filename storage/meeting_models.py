"""Meeting tables: a meeting (a draft while it is composed), its invitees, reminders, minutes.

Imported at the end of `storage.models`, so Alembic and `SQLModel.metadata` see them.

    meeting            kind, title, start, duration, place, agenda, audience; `step` of its form
    meeting_invitee    who was invited (the audience resolved when it was scheduled) and the RSVP
    meeting_reminder   one per offset before the start: due_at and status
    reminder_delivery  one per person per reminder (unique): a reminder goes out exactly once
    meeting_minutes    the berita acara: photos or PDFs kept as Telegram file ids
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field

from storage.models import Table, _utc_column


class MeetingStatus(StrEnum):
    DRAFT = "draf"
    SCHEDULED = "terjadwal"
    CANCELLED = "dibatalkan"


class Rsvp(StrEnum):
    YES = "hadir"
    NO = "berhalangan"


class ReminderStatus(StrEnum):
    PENDING = "pending"  # waiting for due_at
    DONE = "done"  # outbox rows written, one per invitee
    MISSED = "missed"  # the bot was down until the meeting had begun
    SKIPPED = "skipped"  # its time had passed when the meeting was scheduled or moved
    CANCELLED = "cancelled"  # the meeting was cancelled


class Meeting(Table, table=True):
    """A rapat. A draft is a meeting in status `draf`; `step` is where its form stands."""

    # One open draft per organiser: "/rapatbaru" resumes it, even if two processes race.
    __table_args__ = (
        Index(
            "uq_meeting_open_draft",
            "organiser_id",
            unique=True,
            sqlite_where=text("status = 'draf'"),
            postgresql_where=text("status = 'draf'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = Field(default=MeetingStatus.DRAFT.value, max_length=20, index=True)
    step: str = Field(default="jenis", max_length=30)
    organiser_id: int | None = Field(default=None, foreign_key="person.id", index=True)
    # The organiser's kota: its zone reads the typed dates; the audience lies inside it.
    kota_id: int = Field(foreign_key="kota.id", index=True)
    kind: str | None = Field(default=None, max_length=30)
    title: str | None = Field(default=None, max_length=100)
    starts_at: datetime | None = _utc_column(index=True)
    duration_minutes: int | None = None
    place: str | None = Field(default=None, max_length=300)
    latitude: float | None = None
    longitude: float | None = None
    agenda: str | None = Field(default=None, max_length=1500)
    audience_kind: str | None = Field(default=None, max_length=20)
    audience_bkm_id: int | None = Field(default=None, foreign_key="bkm.id", index=True)
    audience_role: str | None = Field(default=None, max_length=20)
    # Minutes before the start; None: the service's default (REMINDER_OFFSETS).
    reminder_minutes: list[Any] | None = Field(default=None, sa_column=Column(JSON))
    sequence: int = 0  # raised on every reschedule (the calendar file's SEQUENCE)
    cancel_reason: str | None = Field(default=None, max_length=500)
    created_at: datetime | None = _utc_column()
    updated_at: datetime | None = _utc_column()
    scheduled_at: datetime | None = _utc_column()
    cancelled_at: datetime | None = _utc_column()
    attendance_at: datetime | None = _utc_column()


class MeetingInvitee(Table, table=True):
    __tablename__ = "meeting_invitee"
    __table_args__ = (UniqueConstraint("meeting_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    rsvp: str | None = Field(default=None, max_length=20)  # None | "hadir" | "berhalangan"
    rsvp_at: datetime | None = _utc_column()
    attended: bool | None = None  # None until the organiser marks attendance
    invited_at: datetime | None = _utc_column()


class MeetingReminder(Table, table=True):
    __tablename__ = "meeting_reminder"
    __table_args__ = (UniqueConstraint("meeting_id", "offset_minutes"),)
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    offset_minutes: int
    due_at: datetime | None = _utc_column(nullable=False, index=True)
    status: str = Field(default=ReminderStatus.PENDING.value, max_length=10, index=True)
    done_at: datetime | None = _utc_column()


class ReminderDelivery(Table, table=True):
    """A reminder given to one person: the unique pair makes a second enqueue impossible."""

    __tablename__ = "reminder_delivery"
    __table_args__ = (UniqueConstraint("reminder_id", "person_id"),)
    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="meeting_reminder.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    outbox_id: int | None = Field(default=None, foreign_key="outbox.id")  # None: unreachable
    created_at: datetime | None = _utc_column()


class MeetingMinutes(Table, table=True):
    """One file of a meeting's berita acara (minutes), kept by Telegram file id."""

    __tablename__ = "meeting_minutes"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    kind: str = Field(max_length=20)  # "photo" | "document"
    file_id: str = Field(max_length=200)
    file_name: str | None = Field(default=None, max_length=200)
    added_by: int | None = Field(default=None, foreign_key="person.id")
    created_at: datetime | None = _utc_column()
