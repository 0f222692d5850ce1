"""The plain dataclasses the meeting queries return (no session, no framework)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.domain.meetings.audience import AudienceOption
from bot.domain.meetings.invitations import MeetingInfo


@dataclass(frozen=True)
class MeetingItem:
    """One line of "my meetings"."""

    id: int
    kind: str | None
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    status: str
    my_rsvp: str | None  # None: not answered, or the actor organises it
    organising: bool


@dataclass(frozen=True)
class RsvpCounts:
    yes: int
    no: int
    unanswered: int
    unanswered_names: tuple[str, ...]  # who has not answered yet, by name

    @property
    def invited(self) -> int:
        return self.yes + self.no + self.unanswered


@dataclass(frozen=True)
class ReminderLine:
    offset_minutes: int
    due_at: datetime
    status: str  # storage.meeting_models.ReminderStatus


@dataclass(frozen=True)
class MeetingDetail:
    """One meeting as its invitee or organiser sees it, with what they may do now."""

    info: MeetingInfo
    status: str
    ends_at: datetime
    my_rsvp: str | None
    can_rsvp: bool  # invited, scheduled, not begun
    can_manage: bool  # reschedule/cancel before it begins; attendance/minutes after
    begun: bool


@dataclass(frozen=True)
class OrganiserView:
    """The organiser's view: the meeting, its audience, the RSVP counts and the reminders."""

    detail: MeetingDetail
    audience: AudienceOption | None
    counts: RsvpCounts
    reminders: tuple[ReminderLine, ...]
    minutes_files: int
    attendance_confirmed: bool


@dataclass(frozen=True)
class MinutesFile:
    """One file of a meeting's minutes, e.g. to pick as a proposal attachment."""

    minutes_id: int
    meeting_id: int
    meeting_title: str
    starts_at: datetime
    kind: str  # "photo" | "document"
    file_id: str
    file_name: str | None


@dataclass(frozen=True)
class SummaryLine:
    """One field of the draft's summary: the step, its label and its value, in words."""

    step: str
    label: str
    value: str | None  # None: not answered yet
