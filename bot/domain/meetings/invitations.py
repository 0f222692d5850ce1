"""What a meeting says to the people it invites, in each reader's language and time zone.

Pure rendering: `MeetingInfo` (built once per meeting) + a Translator → HTML text, RSVP
buttons, or the calendar file. Every user-supplied value goes through a `{placeholder}` of
`tr._`, which HTML-escapes it. `notify` queues these texts in the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.meetings import callbacks, ics
from bot.domain.meetings.dates import format_when
from bot.domain.meetings.durations import format_duration
from bot.domain.meetings.kinds import kind_label, rsvp_label
from bot.domain.text_fit import cut
from bot.i18n import Html, Translator
from bot.ui import Button, Keyboard, keyboard
from storage.meeting_models import Meeting, Rsvp


@dataclass(frozen=True)
class MeetingInfo:
    """What every message about one meeting shows (plain values, no session needed)."""

    id: int
    kind: str | None
    title: str
    starts_at: datetime
    duration_minutes: int
    place: str
    latitude: float | None
    longitude: float | None
    agenda: str
    organiser: str
    sequence: int = 0

    @classmethod
    def of(cls, meeting: Meeting, organiser: str) -> MeetingInfo:
        assert meeting.id is not None and meeting.starts_at is not None
        return cls(
            meeting.id, meeting.kind, meeting.title or "", meeting.starts_at,
            meeting.duration_minutes or 120, meeting.place or "", meeting.latitude,
            meeting.longitude, meeting.agenda or "", organiser, meeting.sequence,
        )  # fmt: skip

    @property
    def map_url(self) -> str | None:
        if self.latitude is None or self.longitude is None:
            return None
        return f"https://maps.google.com/?q={self.latitude:.6f},{self.longitude:.6f}"


def rsvp_buttons(tr: Translator, meeting_id: int) -> Keyboard:
    """✅ Hadir / ❌ Berhalangan, side by side."""
    return keyboard(
        [
            Button(tr._(rsvp_label(Rsvp.YES)), data=callbacks.rsvp(meeting_id, True)),
            Button(tr._(rsvp_label(Rsvp.NO)), data=callbacks.rsvp(meeting_id, False)),
        ]
    )


def _place_lines(tr: Translator, info: MeetingInfo) -> list[str]:
    lines: list[str] = [tr._("📍 {place}", place=info.place)]
    if info.map_url:
        lines.append(tr._('🗺 <a href="{url}">Lihat di peta</a>', url=info.map_url))
    return lines


def details(tr: Translator, info: MeetingInfo) -> list[str]:
    """Kind, title, time (in the reader's zone), place, agenda and organiser, line by line."""
    when = tr._(
        "🕘 {when} ({duration})",
        when=Html(format_when(tr, info.starts_at)),
        duration=Html(format_duration(tr, info.duration_minutes)),
    )
    return [
        tr._("<b>{title}</b>", title=info.title),
        tr._(kind_label(info.kind)),
        when,
        *_place_lines(tr, info),
        tr._("📝 Agenda:\n{agenda}", agenda=info.agenda),
        tr._("👤 Pengundang: {organiser}", organiser=info.organiser),
    ]


def invitation_text(tr: Translator, info: MeetingInfo) -> str:
    """The invitation: every detail and a request to answer with the buttons."""
    lines = [tr._("📅 <b>Undangan rapat</b>"), *details(tr, info), ""]
    lines.append(tr._("Mohon konfirmasi kehadiran Bapak/Ibu dengan tombol di bawah. Terima kasih."))
    # An agenda of 1,500 emoji is 3,000 UTF-16 units: sent from the outbox, not through a reply.
    return cut("\n".join(lines))


def reminder_text(tr: Translator, info: MeetingInfo, *, late: bool, rsvp: str | None) -> str:
    """The reminder: time, place and a nudge to answer; says so when it comes late."""
    lines = [
        tr._("⏰ <b>Pengingat rapat</b>"),
        tr._("<b>{title}</b>", title=info.title),
        tr._("🕘 {when}", when=Html(format_when(tr, info.starts_at))),
        *_place_lines(tr, info),
    ]
    if late:
        lines.append(tr._("Mohon maaf, pengingat ini terlambat terkirim."))
    if rsvp == Rsvp.YES:
        lines.append(tr._("Bapak/Ibu sudah menyatakan hadir. Terima kasih."))
    else:
        lines.append(tr._("Bapak/Ibu belum menjawab undangan. Mohon konfirmasi kehadiran."))
    return "\n".join(lines)


def rescheduled_text(
    tr: Translator, info: MeetingInfo, *, old_start: datetime, rsvp: str | None
) -> str:
    """One short message: the new time (and the old), and a request to confirm again."""
    lines = [
        tr._("🔁 <b>Jadwal rapat diubah</b>: {title}", title=info.title),
        tr._("Semula: {when}", when=Html(format_when(tr, old_start))),
        tr._("Menjadi: {when}", when=Html(format_when(tr, info.starts_at))),
        *_place_lines(tr, info),
    ]
    if rsvp:
        lines.append(
            tr._(
                "Jawaban Bapak/Ibu sebelumnya: {answer}. Mohon konfirmasi ulang untuk waktu "
                "yang baru.",
                answer=Html(tr._(rsvp_label(rsvp))),
            )
        )
    else:
        lines.append(tr._("Mohon konfirmasi kehadiran Bapak/Ibu."))
    return "\n".join(lines)


def cancelled_text(tr: Translator, info: MeetingInfo, *, reason: str | None) -> str:
    """One short message: which meeting, when it was to be, and why it is off."""
    lines = [
        tr._("❌ <b>Rapat dibatalkan</b>: {title}", title=info.title),
        tr._("Semula: {when}", when=Html(format_when(tr, info.starts_at))),
    ]
    if reason:
        lines.append(tr._("Alasan: {note}", note=reason))
    lines.append(tr._("Mohon maaf atas perubahan ini."))
    return "\n".join(lines)


def calendar_file(tr: Translator, info: MeetingInfo, *, stamp: datetime) -> bytes:
    """The .ics in the reader's language (its times are in UTC, right for every zone)."""
    # A calendar file is plain text: the values go in raw (Html() only skips the escaping).
    description = "\n".join(
        [
            tr._(kind_label(info.kind)),
            tr._("Agenda:\n{agenda}", agenda=Html(info.agenda)),
            tr._("Pengundang: {organiser}", organiser=Html(info.organiser)),
        ]
    )
    event = ics.CalendarEvent(
        meeting_id=info.id, sequence=info.sequence, starts_at=info.starts_at,
        ends_at=info.starts_at + timedelta(minutes=info.duration_minutes), title=info.title,
        description=description, location=info.place, latitude=info.latitude,
        longitude=info.longitude,
    )  # fmt: skip
    return ics.render(event, stamp=stamp)
