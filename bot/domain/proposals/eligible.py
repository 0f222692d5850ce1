"""The one hard rule of PAKET, checked before the form's first question and again at submission.

Only a BKM rated Berdaya or higher, by an assessment of the last 12 months, may take part. A
BKM below that is told at once why and what to do, not after answering the whole form.
"""

from __future__ import annotations

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.domain.areas import area_params, eligibility
from bot.domain.clock import Clock
from bot.domain.errors import NotAllowed
from bot.domain.proposals import access
from bot.i18n import N_
from storage.models import Bkm, BkmLevel, Kota

_REFUSALS = {
    "retired": N_(
        "Maaf, {bkm} sudah tidak aktif di PAKET. Silakan hubungi fasilitator {daerah} {kota}."
    ),
    "unrated": N_(
        "Maaf, {bkm} belum dapat ikut PAKET karena belum pernah dinilai. Hanya BKM Berdaya atau "
        "lebih tinggi yang dapat mengajukan usulan. Silakan minta penilaian kepada fasilitator "
        "{daerah} {kota}."
    ),
    "level": N_(
        "Maaf, {bkm} belum dapat ikut PAKET: predikatnya saat ini {level}. Hanya BKM Berdaya "
        "atau lebih tinggi yang dapat mengajukan usulan. Silakan minta penilaian ulang kepada "
        "fasilitator {daerah} {kota} bila BKM sudah berkembang."
    ),
    "expired": N_(
        "Maaf, {bkm} belum dapat ikut PAKET: penilaiannya sudah lebih dari 12 bulan (terakhir "
        "{assessed}). Silakan minta penilaian ulang kepada fasilitator {daerah} {kota}."
    ),
}


class NotEligible(NotAllowed):
    """The BKM may not take part now; the message says why and whom to ask."""


async def ensure_eligible(session: AsyncSession, clock: Clock, bkm: Bkm) -> None:
    """NotEligible unless `bkm` is Berdaya or higher with a rating under 12 months old."""
    kota = await session.get_one(Kota, bkm.kota_id)
    verdict = eligibility(bkm, access.today_in(kota, clock))
    if verdict.eligible:
        return
    assert verdict.reason is not None
    raise NotEligible(
        _REFUSALS[verdict.reason], bkm=bkm.name, level=BkmLevel(bkm.level).name.title(),
        assessed=bkm.assessed_on.strftime("%d/%m/%Y") if bkm.assessed_on else "",
        **area_params(kota),
    )  # fmt: skip
