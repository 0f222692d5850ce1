"""The kinds of meeting, the audiences one can invite, and the RSVP answers, with their labels.

Codes are short and stable (stored, and used in callback data); labels are msgids.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.i18n import N_
from storage.meeting_models import Rsvp


@dataclass(frozen=True)
class Choice:
    code: str
    label: str  # msgid


KINDS: tuple[Choice, ...] = (
    Choice("panitia", N_("Rapat Panitia Kemitraan")),
    Choice("kpkd", N_("Rapat KPK-D/TKPK (Komite Penanggulangan Kemiskinan Daerah)")),
    Choice("kbp_diskusi", N_("KBP (Komunitas Belajar Perkotaan): diskusi tematik")),
    Choice("kbp_kunjungan", N_("KBP (Komunitas Belajar Perkotaan): kunjungan lapangan")),
    Choice("bkm", N_("Rapat BKM")),
    Choice("rembug", N_("Rembug warga")),
    Choice("musrenbang", N_("Musrenbang kelurahan")),
)
KIND_CODES = frozenset(k.code for k in KINDS)


def kind_label(code: str | None) -> str:
    """The label msgid of a stored kind code ("Rapat" for an unknown one)."""
    return next((k.label for k in KINDS if k.code == code), N_("Rapat"))


class AudienceKind(StrEnum):
    BKM = "bkm"  # everyone registered with one BKM (koordinator, anggota, warga)
    KOTA_BKMS = "kota"  # koordinator and anggota of every BKM in the meeting's kota
    ROLE = "role"  # everyone holding one role in the meeting's kota
    MITRA = "mitra"  # the contact people of every partner (mitra) in the meeting's kota


RSVP_LABELS = {
    Rsvp.YES: N_("✅ Hadir"),
    Rsvp.NO: N_("❌ Berhalangan"),
}
NO_ANSWER = N_("Belum menjawab")


def rsvp_label(value: str | None) -> str:
    """The msgid saying a stored RSVP (or none yet)."""
    return RSVP_LABELS[Rsvp(value)] if value else NO_ANSWER
