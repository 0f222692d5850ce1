"""The meeting form as data: its steps in order, their prompts, choices and validators.

Each validator takes what the person sent and a StepContext and returns the value to store,
or raises InvalidInput with one friendly line. The audience step ("peserta") is checked by
`audience` (it needs the database); "pengingat" is not asked in turn but can be changed from
the summary (left alone, the service's default offsets apply).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.errors import InvalidInput
from bot.domain.meetings import dates, durations
from bot.domain.meetings.kinds import KIND_CODES, KINDS, Choice
from bot.domain.plain_text import refuse_nik, visible
from bot.i18n import N_
from storage.meeting_models import Meeting

SUMMARY = "ringkasan"
EDIT_PREFIX = "ubah:"  # "ubah:judul": editing judul from the summary, back there after
PICK_A_BUTTON = N_("Mohon pilih salah satu tombol yang tersedia.")


class StepKind(StrEnum):
    CHOICE = "choice"
    TEXT = "text"
    WHEN = "when"  # typed date and time, or a quick choice (dates.QUICK_TIMES)
    DURATION = "duration"  # typed, or durations.DURATION_CHOICES
    LOCATION = "location"  # a map pin (latitude, longitude)
    AUDIENCE = "audience"  # an audience code (see audience.parse_code)
    REMINDERS = "reminders"  # typed offsets, or durations.OFFSET_CHOICES


@dataclass(frozen=True)
class StepContext:
    """What a validator may look at besides the answer."""

    meeting: Meeting
    now: datetime  # aware UTC
    timezone: str  # the meeting's kota zone: typed dates are read there


Validator = Callable[[object, StepContext], object]


@dataclass(frozen=True)
class Step:
    name: str
    kind: StepKind
    prompt: str  # msgid
    label: str  # msgid, for the summary
    optional: bool = False  # "Lewati" allowed (durasi: the default two hours)
    in_flow: bool = True  # False: reached only from the summary
    choices: tuple[Choice, ...] = ()
    validate: Validator | None = None  # None: handled by the form (peserta)


def _text(value: object, *, minimum: int, maximum: int, one_line: bool, what: str) -> str:
    raw = str(value or "").strip()
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    text = " ".join(raw.split()) if one_line else "\n".join(lines).strip()
    # Zero-width and blank-looking characters count for nothing: a title must show something.
    if not minimum <= len(text) <= maximum or len(visible(text)) < min(minimum, 3):
        raise InvalidInput(what, min=minimum, max=maximum)
    refuse_nik(text)
    return text


def _kind(value: object, ctx: StepContext) -> str:
    if str(value) not in KIND_CODES:
        raise InvalidInput(PICK_A_BUTTON)
    return str(value)


def _title(value: object, ctx: StepContext) -> str:
    return _text(value, minimum=5, maximum=100, one_line=True,
                 what=N_("Judul rapat harus {min} sampai {max} huruf."))  # fmt: skip


def _when(value: object, ctx: StepContext) -> datetime:
    return dates.read_when(value, now=ctx.now, timezone=ctx.timezone)


def _duration(value: object, ctx: StepContext) -> int:
    return durations.parse_duration(value)


def _place(value: object, ctx: StepContext) -> str:
    return _text(value, minimum=3, maximum=300, one_line=False,
                 what=N_("Tempat rapat harus {min} sampai {max} huruf."))  # fmt: skip


def _pin(value: object, ctx: StepContext) -> tuple[float, float]:
    try:
        lat, lon = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise InvalidInput(N_("Mohon kirim titik lokasi (pin peta), atau pilih Lewati.")) from None
    if not (-11.5 <= lat <= 6.5 and 94.0 <= lon <= 141.5):
        raise InvalidInput(N_("Titik lokasi itu berada di luar Indonesia. Mohon kirim ulang."))
    return lat, lon


def _agenda(value: object, ctx: StepContext) -> str:
    return _text(value, minimum=3, maximum=1500, one_line=False,
                 what=N_("Agenda rapat harus {min} sampai {max} huruf."))  # fmt: skip


def _reminders(value: object, ctx: StepContext) -> list[int]:
    return list(durations.parse_offsets(value))


STEPS: tuple[Step, ...] = (
    Step("jenis", StepKind.CHOICE, N_("Rapat apa yang akan Bapak/Ibu adakan?"),
         N_("Jenis rapat"), choices=KINDS, validate=_kind),
    Step("judul", StepKind.TEXT, N_("Apa judul rapatnya? Mohon tulis singkat, paling banyak "
         "100 huruf, misalnya “Rapat BKM membahas usulan drainase RW 05”."), N_("Judul"),
         validate=_title),
    Step("waktu", StepKind.WHEN, N_("Kapan rapat dimulai? Silakan tulis tanggal dan jamnya, "
         "misalnya “15/12 09.00”, “besok 14.00” atau “Senin depan 10:00”, atau pilih tombol."),
         N_("Waktu"), validate=_when),
    Step("durasi", StepKind.DURATION, N_("Berapa lama rapatnya? Pilih tombol atau tulis, "
         "misalnya “90 menit”. Lewati: 2 jam."), N_("Lama rapat"), optional=True,
         validate=_duration),
    Step("tempat", StepKind.TEXT, N_("Di mana rapatnya? Mohon tulis nama tempat dan alamatnya."),
         N_("Tempat"), validate=_place),
    Step("lokasi", StepKind.LOCATION, N_("Bila berkenan, silakan kirim titik lokasi tempat rapat "
         "(pin peta). Bagian ini boleh dilewati."), N_("Titik lokasi"), optional=True,
         validate=_pin),
    Step("agenda", StepKind.TEXT, N_("Apa agenda rapatnya? Silakan tulis pokok-pokok yang akan "
         "dibahas."), N_("Agenda"), validate=_agenda),
    Step("peserta", StepKind.AUDIENCE, N_("Siapa yang diundang?"), N_("Peserta")),
    Step("pengingat", StepKind.REMINDERS, N_("Kapan pengingat dikirim kepada peserta? Pilih "
         "tombol atau tulis, misalnya “24 jam, 1 jam”."), N_("Pengingat"), optional=True,
         in_flow=False, validate=_reminders),
)  # fmt: skip
STEPS_BY_NAME = {s.name: s for s in STEPS}
FLOW = tuple(s.name for s in STEPS if s.in_flow)


def step(name: str) -> Step:
    """The step called `name`, or InvalidInput for an unknown one (a forged button)."""
    if name not in STEPS_BY_NAME:
        raise InvalidInput(PICK_A_BUTTON)
    return STEPS_BY_NAME[name]


def stored_value(meeting: Meeting, the_step: Step) -> object:
    """What the meeting holds for a step (None: not answered yet)."""
    match the_step.name:
        case "jenis":
            return meeting.kind
        case "judul":
            return meeting.title
        case "waktu":
            return meeting.starts_at
        case "durasi":
            return meeting.duration_minutes
        case "tempat":
            return meeting.place
        case "lokasi":
            has_pin = meeting.latitude is not None and meeting.longitude is not None
            return (meeting.latitude, meeting.longitude) if has_pin else None
        case "agenda":
            return meeting.agenda
        case "peserta":
            return meeting.audience_kind
        case _:
            return meeting.reminder_minutes


def store_value(meeting: Meeting, the_step: Step, clean: object) -> None:
    """Put a validated plain value (not the audience) into the meeting."""
    if the_step.kind == StepKind.LOCATION:
        meeting.latitude, meeting.longitude = clean  # type: ignore[misc]
        return
    field = {
        "jenis": "kind", "judul": "title", "waktu": "starts_at", "durasi": "duration_minutes",
        "tempat": "place", "agenda": "agenda", "pengingat": "reminder_minutes",
    }[the_step.name]  # fmt: skip
    setattr(meeting, field, clean)
