"""The proposal form as data: its steps in order, their prompts, choices and validators.

Names and NIK are never asked (counts only). The validators live in `validators`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput
from bot.domain.proposals import validators as v
from bot.domain.proposals.validators import MAX_HOK, MAX_PEOPLE, StepContext, Validator
from bot.i18n import N_
from storage.models import Proposal

SUMMARY = "ringkasan"
READY = "siap"  # an anggota's draft handed to the koordinator(s)
EDIT_PREFIX = "ubah:"  # "ubah:judul": editing judul from the summary, back there after


class StepKind(StrEnum):
    TEXT = "text"
    CHOICE = "choice"
    MONEY = "money"
    COUNT = "count"
    DATE = "date"
    LOCATION = "location"
    MULTI = "multi"
    FILES = "files"


@dataclass(frozen=True)
class Choice:
    code: str  # stable and short: stored, and used in callback data
    label: str  # msgid


@dataclass(frozen=True)
class Step:
    name: str
    kind: StepKind
    prompt: str  # msgid
    label: str  # msgid, for the summary and "please complete" lists
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    validate: Validator | None = None  # None: handled by the form (mitra, lampiran)


JENIS = (
    Choice("lingkungan", N_("Lingkungan (prasarana)")),
    Choice("sosial", N_("Sosial")),
    Choice("ekonomi", N_("Ekonomi")),
)
KOMPONEN: dict[str, tuple[Choice, ...]] = {
    "lingkungan": (
        Choice("jalan", N_("Jalan lingkungan")),
        Choice("drainase", N_("Drainase")),
        Choice("air_bersih", N_("Air bersih")),
        Choice("sanitasi", N_("Sanitasi")),
        Choice("sampah", N_("Persampahan")),
    ),
    "sosial": (
        Choice("pelatihan", N_("Pelatihan")),
        Choice("kesehatan", N_("Kesehatan")),
        Choice("pendidikan", N_("Pendidikan")),
    ),
    "ekonomi": (
        Choice("modal", N_("Modal usaha")),
        Choice("latih_usaha", N_("Pelatihan usaha")),
    ),
}


def choices_for(step: Step, proposal: Proposal) -> tuple[Choice, ...]:
    """The buttons of a choice step; komponen depends on the jenis chosen."""
    if step.name == "komponen":
        return KOMPONEN.get(proposal.jenis or "", ())
    return step.choices


def choice_label(step_name: str, code: str | None) -> str | None:
    """The label msgid of a stored choice code (for summaries and views)."""
    pool = JENIS if step_name == "jenis" else tuple(c for cs in KOMPONEN.values() for c in cs)
    return next((c.label for c in pool if c.code == code), None)


def _choice(step_name: str) -> Validator:
    def validate(value: object, ctx: StepContext) -> str:
        codes = [c.code for c in choices_for(STEPS_BY_NAME[step_name], ctx.proposal)]
        if str(value) not in codes:
            raise InvalidInput(N_("Mohon pilih salah satu tombol yang tersedia."))
        return str(value)

    return validate


def _money_step(name: str, prompt: str, label: str) -> Step:
    return Step(name, StepKind.MONEY, prompt, label, optional=True, validate=v.funding_line)


STEPS: tuple[Step, ...] = (
    Step("judul", StepKind.TEXT, N_("Apa judul usulan ini? Mohon tulis singkat, paling banyak "
         "100 karakter."), N_("Judul"), validate=v.judul),
    Step("jenis", StepKind.CHOICE, N_("Usulan ini termasuk jenis Tridaya yang mana?"),
         N_("Jenis Tridaya"), choices=JENIS, validate=_choice("jenis")),
    Step("komponen", StepKind.CHOICE, N_("Silakan pilih komponen kegiatannya."), N_("Komponen"),
         validate=_choice("komponen")),
    Step("uraian", StepKind.TEXT, N_("Mohon uraikan kegiatannya: apa yang dikerjakan, untuk "
         "siapa, dan mengapa perlu. Mohon tidak menulis nama atau NIK warga."), N_("Uraian"),
         validate=v.uraian),
    Step("rw", StepKind.TEXT, N_("Di RW (Rukun Warga) berapa lokasinya? Tulis angkanya, "
         "misalnya 05."), N_("RW"), validate=v.rukun(N_("Mohon tulis nomor RW, misalnya 05."))),
    Step("rt", StepKind.TEXT, N_("Di RT (Rukun Tetangga) berapa? Tulis angkanya, misalnya 02."),
         N_("RT"), validate=v.rukun(N_("Mohon tulis nomor RT, misalnya 02."))),
    Step("lokasi", StepKind.LOCATION, N_("Bila berkenan, silakan kirim titik lokasi kegiatan "
         "(pin peta). Bagian ini boleh dilewati."), N_("Titik lokasi"), optional=True,
         validate=v.location),
    Step("kk", StepKind.COUNT, N_("Berapa KK (kepala keluarga) yang menerima manfaat?"),
         N_("KK penerima manfaat"), validate=v.kk),
    Step("kk_miskin", StepKind.COUNT, N_("Dari jumlah itu, berapa KK miskin?"), N_("KK miskin"),
         validate=v.kk_miskin),
    Step("perempuan", StepKind.COUNT, N_("Berapa orang perempuan yang menerima manfaat?"),
         N_("Perempuan penerima manfaat"), validate=v.count(MAX_PEOPLE)),
    Step("anggaran_total", StepKind.MONEY, N_("Berapa anggaran total menurut RAB (Rencana "
         "Anggaran Biaya)? Misalnya 15 juta atau 15.000.000."), N_("Anggaran total (RAB)"),
         validate=v.anggaran),
    _money_step("dana_swadaya_tunai", N_("Berapa swadaya tunai dari masyarakat? Tulis 0 atau "
                "pilih Lewati bila tidak ada."), N_("Swadaya tunai")),
    Step("swadaya_hok", StepKind.COUNT, N_("Berapa swadaya tenaga dalam HOK (hari orang kerja)? "
         "Pilih Lewati bila tidak ada."), N_("Swadaya tenaga (HOK)"), optional=True,
         validate=v.count(MAX_HOK)),
    _money_step("dana_blm", N_("Berapa yang diminta dari BLM (Bantuan Langsung Masyarakat) "
                "PAKET?"), N_("BLM PAKET")),
    _money_step("dana_apbd_kota", N_("Berapa yang diharapkan dari APBD (Anggaran Pendapatan dan "
                "Belanja Daerah) kota?"), N_("APBD kota")),
    _money_step("dana_apbd_provinsi", N_("Berapa yang diharapkan dari APBD provinsi?"),
                N_("APBD provinsi")),
    _money_step("dana_kelompok_peduli", N_("Berapa yang diharapkan dari Kelompok Peduli atau CSR "
                "(tanggung jawab sosial perusahaan)?"), N_("Kelompok Peduli/CSR")),
    _money_step("dana_lainnya", N_("Berapa dari sumber lain?"), N_("Sumber lain")),
    Step("mitra", StepKind.MULTI, N_("Usulan ini disalurkan kepada mitra yang mana? Pilih paling "
         "banyak satu Dinas dan boleh beberapa Kelompok Peduli, lalu tekan Selesai."),
         N_("Mitra yang dituju")),
    Step("jadwal_mulai", StepKind.DATE, N_("Kapan kegiatan dimulai? Misalnya 3/3/2026 atau "
         "3 Maret 2026."), N_("Tanggal mulai"), validate=v.mulai),
    Step("jadwal_selesai", StepKind.DATE, N_("Kapan kegiatan selesai?"), N_("Tanggal selesai"),
         validate=v.selesai),
    Step("ksm_pelaksana", StepKind.TEXT, N_("Apa nama KSM (Kelompok Swadaya Masyarakat) "
         "pelaksananya?"), N_("KSM pelaksana"), validate=v.ksm),
    Step("lampiran", StepKind.FILES, N_("Silakan kirim foto lokasi, atau PDF RAB / berita acara "
         "rapat BKM. Tekan Selesai bila sudah, atau Lewati."), N_("Lampiran"), optional=True),
)  # fmt: skip
STEPS_BY_NAME = {s.name: s for s in STEPS}
STEP_NAMES = tuple(s.name for s in STEPS)
# Funding lines in rupiah that must add up to anggaran_total (HOK is person-days, not money).
FUNDING_FIELDS = (
    "dana_swadaya_tunai",
    "dana_blm",
    "dana_apbd_kota",
    "dana_apbd_provinsi",
    "dana_kelompok_peduli",
    "dana_lainnya",
)


def step(name: str) -> Step:
    """The step called `name`, or InvalidInput for an unknown one (a forged button)."""
    if name not in STEPS_BY_NAME:
        raise InvalidInput(N_("Mohon pilih salah satu tombol yang tersedia."))
    return STEPS_BY_NAME[name]


def funding_sum(proposal: Proposal) -> int:
    """The rupiah funding lines added up (HOK left out)."""
    return sum(getattr(proposal, f) or 0 for f in FUNDING_FIELDS)


def funding_gap(proposal: Proposal) -> int:
    """anggaran_total minus the funding lines: 0 when they add up (negative: too much)."""
    return (proposal.anggaran_total or 0) - funding_sum(proposal)
