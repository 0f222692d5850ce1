"""Validators of the form's answers: each returns the value to store or raises InvalidInput.

Each takes what the person sent (text, a (latitude, longitude) pair) and a StepContext, and
says what is wrong in one friendly line. Free text that looks like a NIK is refused: names and
NIK are never collected.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.errors import InvalidInput
from bot.domain.money import format_rupiah, parse_count, parse_date, parse_rupiah
from bot.i18n import N_
from storage.models import Proposal

MAX_KK = 100_000
MAX_PEOPLE = 1_000_000
MAX_HOK = 1_000_000
MAX_SCHEDULE = timedelta(days=3 * 366)
# Sixteen digits in a row look like a NIK (national id number): never stored.
_NIK = re.compile(r"\d{16}")


@dataclass(frozen=True)
class StepContext:
    """What a validator may look at besides the answer."""

    proposal: Proposal
    today: date  # in the kota's time zone


Validator = Callable[[object, StepContext], object]


def _text(value: object, *, minimum: int, maximum: int, one_line: bool, what: str) -> str:
    text = str(value or "").strip()
    text = (
        " ".join(text.split())
        if one_line
        else "\n".join(" ".join(x.split()) for x in text.splitlines()).strip()
    )
    if len(text) < minimum or len(text) > maximum:
        raise InvalidInput(what, min=minimum, max=maximum)
    if _NIK.search(text.replace(" ", "").replace(".", "")):
        raise InvalidInput(N_("Mohon jangan menuliskan NIK atau nomor identitas warga."))
    return text


def judul(value: object, ctx: StepContext) -> str:
    """A title: one line, 5–100 characters."""
    return _text(value, minimum=5, maximum=100, one_line=True,
                 what=N_("Judul harus {min} sampai {max} karakter."))  # fmt: skip


def uraian(value: object, ctx: StepContext) -> str:
    """A description: 20–2000 characters, line breaks kept."""
    return _text(value, minimum=20, maximum=2000, one_line=False,
                 what=N_("Uraian harus {min} sampai {max} karakter."))  # fmt: skip


def ksm(value: object, ctx: StepContext) -> str:
    """The name of the implementing KSM: one line, 3–100 characters."""
    return _text(value, minimum=3, maximum=100, one_line=True,
                 what=N_("Nama KSM harus {min} sampai {max} karakter."))  # fmt: skip


def rukun(what: str) -> Validator:
    """RW/RT number: "5", "05", "RW 05", "rt.2" → "005" (three digits, as on addresses)."""

    def validate(value: object, ctx: StepContext) -> str:
        text = re.sub(r"^(rw|rt)\.?\s*", "", str(value or "").strip().lower())
        if not re.fullmatch(r"\d{1,3}", text) or int(text) == 0:
            raise InvalidInput(what)
        return f"{int(text):03d}"

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
    return households


def kk_miskin(value: object, ctx: StepContext) -> int:
    """Poor households: never more than all households."""
    poor = parse_count(str(value), max_value=MAX_KK)
    if ctx.proposal.kk is not None and poor > ctx.proposal.kk:
        raise InvalidInput(N_("Jumlah KK miskin tidak boleh lebih dari jumlah KK ({n})."),
                           n=ctx.proposal.kk)  # fmt: skip
    return poor


def anggaran(value: object, ctx: StepContext) -> int:
    """The total budget (RAB), more than zero."""
    return parse_rupiah(str(value))


def funding_line(value: object, ctx: StepContext) -> int:
    """One funding source in rupiah: zero allowed, never above the total budget."""
    amount = parse_rupiah(str(value), allow_zero=True)
    total = ctx.proposal.anggaran_total
    if total is not None and amount > total:
        raise InvalidInput(N_("Sumber dana ini tidak boleh lebih dari anggaran total ({total})."),
                           total=format_rupiah(total))  # fmt: skip
    return amount


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
