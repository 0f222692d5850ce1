"""Validators of the form's answers: each returns the value to store or raises InvalidInput.

Each takes what the person sent (text, a (latitude, longitude) pair) and a StepContext, and
says what is wrong in one friendly line. Free text that looks like a NIK is refused: names and
NIK are never collected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import PurePath

from bot.domain.errors import InvalidInput
from bot.domain.money import parse_count, parse_date, parse_rupiah
from bot.domain.plain_text import refuse_nik, visible
from bot.i18n import N_, Rupiah
from storage.models import Proposal

MAX_KK = 100_000
MAX_PEOPLE = 1_000_000
MAX_HOK = 1_000_000
MAX_SCHEDULE = timedelta(days=3 * 366)


_DOCUMENT_TYPES = ("application/pdf", "image/")
_DOCUMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png")
PHOTO_OR_PDF = N_("Mohon kirim foto atau berkas PDF.")
MAX_RUKUN = 10  # RW/RT numbers in one answer


@dataclass(frozen=True)
class StepContext:
    """What a validator may look at besides the answer."""

    proposal: Proposal
    today: date  # in the kota's time zone
    kota_kind: str = "kota"  # "kota" | "kabupaten": the words of the messages


@dataclass(frozen=True)
class FileRef:
    """A photo or document already on Telegram's servers, kept by its file id."""

    kind: str  # "photo" | "document"
    file_id: str
    file_name: str | None = field(default=None, compare=False)
    mime_type: str | None = field(default=None, compare=False)


def check_file(kind: str, file_name: str | None, mime_type: str | None) -> None:
    """A photo, or a document that is a PDF or an image; else InvalidInput."""
    if kind == "photo":
        return
    if kind != "document":
        raise InvalidInput(PHOTO_OR_PDF)
    if mime_type is not None:
        if not mime_type.lower().startswith(_DOCUMENT_TYPES):
            raise InvalidInput(PHOTO_OR_PDF)
    elif file_name is not None and PurePath(file_name).suffix.lower() not in _DOCUMENT_SUFFIXES:
        raise InvalidInput(PHOTO_OR_PDF)


Validator = Callable[[object, StepContext], object]


def _text(value: object, *, minimum: int, maximum: int, one_line: bool, what: str) -> str:
    text = str(value or "").strip()
    text = (
        " ".join(text.split())
        if one_line
        else "\n".join(" ".join(x.split()) for x in text.splitlines()).strip()
    )
    # Zero-width and blank-looking characters count for nothing: a title must show something.
    if len(text) < minimum or len(text) > maximum or len(visible(text)) < min(minimum, 3):
        raise InvalidInput(what, min=minimum, max=maximum)
    refuse_nik(text)
    return text


def judul(value: object, ctx: StepContext) -> str:
    """A title: one line, 5–100 characters."""
    return _text(value, minimum=5, maximum=100, one_line=True,
                 what=N_("Judul harus {min} sampai {max} huruf."))  # fmt: skip


def uraian(value: object, ctx: StepContext) -> str:
    """A description: 20–2000 characters, line breaks kept."""
    return _text(value, minimum=20, maximum=2000, one_line=False,
                 what=N_("Uraian harus {min} sampai {max} huruf."))  # fmt: skip


def ksm(value: object, ctx: StepContext) -> str:
    """The name of the implementing KSM: one line, 3–100 characters."""
    return _text(value, minimum=3, maximum=100, one_line=True,
                 what=N_("Nama KSM harus {min} sampai {max} huruf."))  # fmt: skip


def komponen_lain(value: object, ctx: StepContext) -> str:
    """The name of a komponen not in the list: one line, 3–100 characters."""
    return _text(value, minimum=3, maximum=100, one_line=True,
                 what=N_("Nama komponen harus {min} sampai {max} huruf."))  # fmt: skip


def volume(value: object, ctx: StepContext) -> str:
    """The volume, as written ("250 m × 1,5 m", "10 unit"): one line, 2–100 characters."""
    return _text(value, minimum=2, maximum=100, one_line=True,
                 what=N_("Volume harus {min} sampai {max} huruf, misalnya 250 m × 1,5 m."))  # fmt: skip


def program(value: object, ctx: StepContext) -> str:
    """The programme's name in the BKM's plan: one line, 3–150 characters."""
    return _text(value, minimum=3, maximum=150, one_line=True,
                 what=N_("Nama program harus {min} sampai {max} huruf."))  # fmt: skip


# Between numbers: commas, "dan"/"and", "&", "/", "+" or plain spaces.
_RUKUN_SEPARATORS = re.compile(r"\s*(?:,|;|&|\+|/|\bdan\b|\band\b|\s)\s*")


def rukun(what: str) -> Validator:
    """RW/RT numbers: "5", "RW 05", "03 dan 04", "3,4" → "05" / "03, 04" (sorted, no repeats)."""

    def validate(value: object, ctx: StepContext) -> str:
        text = re.sub(r"\b(rw|rt)\b\.?", " ", str(value or "").lower())
        parts = [p for p in _RUKUN_SEPARATORS.split(text.strip()) if p]
        if not parts or len(parts) > MAX_RUKUN:
            raise InvalidInput(what)
        if not all(re.fullmatch(r"\d{1,3}", p) and int(p) > 0 for p in parts):
            raise InvalidInput(what)
        return ", ".join(f"{n:02d}" for n in sorted({int(p) for p in parts}))

    return validate


def location(value: object, ctx: StepContext) -> tuple[float, float]:
    """A map pin inside Indonesia, as (latitude, longitude)."""
    try:
        lat, lon = (float(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise InvalidInput(N_("Mohon kirim titik lokasi (pin peta), atau pilih Lewati.")) from None
    if not (-11.5 <= lat <= 6.5 and 94.0 <= lon <= 141.5):
        raise InvalidInput(N_("Titik lokasi itu berada di luar Indonesia. Mohon kirim ulang."))
    return lat, lon


def count(maximum: int, minimum: int = 0) -> Validator:
    """A whole count from 0 (or `minimum`) to `maximum`."""

    def validate(value: object, ctx: StepContext) -> int:
        return parse_count(str(value), max_value=maximum, min_value=minimum)

    return validate


def kk(value: object, ctx: StepContext) -> int:
    """Households: at least 1, and never fewer than the poor households already given."""
    households = parse_count(str(value), max_value=MAX_KK, min_value=1)
    poor = ctx.proposal.kk_miskin
    if poor is not None and households < poor:
        raise InvalidInput(N_("Jumlah KK tidak boleh kurang dari jumlah KK miskin ({n})."), n=poor)
    people = ctx.proposal.jiwa
    if people is not None and households > people:
        raise InvalidInput(N_("Jumlah KK tidak boleh lebih dari jumlah jiwa ({n})."), n=people)
    return households


def kk_miskin(value: object, ctx: StepContext) -> int:
    """Poor households: never more than all households."""
    poor = parse_count(str(value), max_value=MAX_KK)
    if ctx.proposal.kk is not None and poor > ctx.proposal.kk:
        raise InvalidInput(N_("Jumlah KK miskin tidak boleh lebih dari jumlah KK ({n})."),
                           n=ctx.proposal.kk)  # fmt: skip
    return poor


def jiwa(value: object, ctx: StepContext) -> int:
    """People: at least one per household, and never fewer than the women already given."""
    people = parse_count(str(value), max_value=MAX_PEOPLE, min_value=1)
    households, women = ctx.proposal.kk, ctx.proposal.perempuan
    if households is not None and people < households:
        raise InvalidInput(N_("Jumlah jiwa tidak boleh kurang dari jumlah KK ({n})."),
                           n=households)  # fmt: skip
    if women is not None and people < women:
        raise InvalidInput(N_("Jumlah jiwa tidak boleh kurang dari jumlah perempuan ({n})."),
                           n=women)  # fmt: skip
    return people


def perempuan(value: object, ctx: StepContext) -> int:
    """Women (people, not households): never more than all people."""
    women = parse_count(str(value), max_value=MAX_PEOPLE)
    if ctx.proposal.jiwa is not None and women > ctx.proposal.jiwa:
        raise InvalidInput(N_("Jumlah perempuan tidak boleh lebih dari jumlah jiwa ({n})."),
                           n=ctx.proposal.jiwa)  # fmt: skip
    return women


def anggaran(value: object, ctx: StepContext) -> int:
    """The total budget (RAB), more than zero."""
    return parse_rupiah(str(value))


def funding_line(name: str, fields: tuple[str, ...]) -> Validator:
    """One chosen funding source in rupiah: more than zero, never past what the total leaves.

    What is left is the total minus the other lines already given, so too much is caught at
    the line that is typed (with what remains), not at submission.
    """

    def validate(value: object, ctx: StepContext) -> int:
        amount = parse_rupiah(str(value))
        total = ctx.proposal.anggaran_total
        if total is None:
            return amount
        chosen = set((ctx.proposal.sumber_dana or "").split(","))
        others = sum(
            getattr(ctx.proposal, f) or 0
            for f in fields
            if f != name and f.removeprefix("dana_") in chosen
        )
        left = max(total - others, 0)
        if amount > left:
            raise InvalidInput(
                N_("Jumlah itu melebihi anggaran total ({total}). Sisa yang belum terisi: "
                   "{left}."),
                total=Rupiah(total), left=Rupiah(left),
            )  # fmt: skip
        return amount

    return validate


def document(value: object, ctx: StepContext) -> FileRef:
    """A photo or a PDF (the berita acara)."""
    if not isinstance(value, FileRef):
        raise InvalidInput(PHOTO_OR_PDF)
    check_file(value.kind, value.file_name, value.mime_type)
    return value


def lurah(value: object, ctx: StepContext) -> date | FileRef:
    """ "Mengetahui Lurah": the date it was acknowledged (not in the future), or the letter."""
    if isinstance(value, FileRef):
        return document(value, ctx)
    known = parse_date(str(value))
    if known > ctx.today:
        raise InvalidInput(N_("Tanggal itu belum lewat. Mohon tulis tanggal Lurah mengetahui "
                              "usulan ini."))  # fmt: skip
    return known


def mulai(value: object, ctx: StepContext) -> date:
    """The start: from today (in the kota), at most three years ahead, not after the end."""
    start = parse_date(str(value))
    if start < ctx.today:
        raise InvalidInput(N_("Tanggal mulai tidak boleh sebelum hari ini."))
    if start > ctx.today + MAX_SCHEDULE:
        raise InvalidInput(N_("Tanggal mulai paling lambat tiga tahun dari sekarang."))
    end = ctx.proposal.jadwal_selesai
    if end is not None and start > end:
        raise InvalidInput(N_("Tanggal mulai tidak boleh sesudah tanggal selesai."))
    return start


def selesai(value: object, ctx: StepContext) -> date:
    """The end: not before the start, at most three years after it."""
    end = parse_date(str(value))
    start = ctx.proposal.jadwal_mulai or ctx.today
    if end < start:
        raise InvalidInput(N_("Tanggal selesai tidak boleh sebelum tanggal mulai."))
    if end > start + MAX_SCHEDULE:
        raise InvalidInput(N_("Jadwal paling lama tiga tahun."))
    return end
