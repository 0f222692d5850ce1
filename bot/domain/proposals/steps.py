"""The proposal form as data: its steps in order, their prompts, choices and validators.

Names and NIK are never asked (counts only). The validators live in `validators`. A step may
apply only to some proposals (`applies`): land status and upkeep for lingkungan work, the
amount of each funding source only when that source was ticked, and so on. Steps that do not
apply are neither asked nor counted ("Pertanyaan 5 dari 18") nor required at submission.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from bot.domain.errors import InvalidInput
from bot.domain.proposals import validators as v
from bot.domain.proposals.validators import MAX_HOK, StepContext, Validator
from bot.i18n import N_
from storage.models import KotaKind, Proposal

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
    MULTI = "multi"  # the partners (their own table)
    TICKS = "ticks"  # several fixed choices ticked, then Selesai (the funding sources)
    FILES = "files"  # attachments (their own table)
    FILE = "file"  # one photo or document kept on the proposal (berita acara)
    DATE_OR_FILE = "date_or_file"  # a typed date, or a photo/document instead (mengetahui Lurah)


@dataclass(frozen=True)
class Choice:
    code: str  # stable and short: stored, and used in callback data
    label: str  # msgid


@dataclass(frozen=True)
class Step:
    name: str
    kind: StepKind
    prompt: str  # msgid; may use {contoh} (an example date in the future)
    label: str  # msgid, for the summary and "please complete" lists
    optional: bool = False
    choices: tuple[Choice, ...] = ()
    validate: Validator | None = None  # None: handled by the form (mitra, lampiran, sumber)
    applies: Callable[[Proposal], bool] | None = None  # None: every proposal
    # The same question for a kabupaten ("APBD kabupaten" instead of "APBD kota").
    kabupaten_prompt: str | None = None
    kabupaten_label: str | None = None


JENIS = (
    Choice("lingkungan", N_("Lingkungan (prasarana)")),
    Choice("sosial", N_("Sosial")),
    Choice("ekonomi", N_("Ekonomi (pinjaman bergulir lewat UPK)")),
)
OTHER = "lainnya"  # "Lainnya": the komponen is named in the next question
KOMPONEN: dict[str, tuple[Choice, ...]] = {
    "lingkungan": (
        Choice("jalan", N_("Jalan lingkungan")),
        Choice("drainase", N_("Drainase")),
        Choice("air_bersih", N_("Air bersih")),
        Choice("sanitasi", N_("Sanitasi")),
        Choice("mck", N_("MCK umum")),
        Choice("sampah", N_("Persampahan")),
        Choice("rtlh", N_("Rumah tidak layak huni (RTLH)")),
        Choice("pju", N_("Penerangan jalan (PJU)")),
        Choice("jembatan", N_("Jembatan")),
        Choice(OTHER, N_("Lainnya")),
    ),
    "sosial": (
        Choice("pelatihan", N_("Pelatihan")),
        Choice("kesehatan", N_("Kesehatan")),
        Choice("pendidikan", N_("Pendidikan")),
        Choice("santunan", N_("Santunan")),
        Choice(OTHER, N_("Lainnya")),
    ),
    "ekonomi": (
        Choice("modal", N_("Pinjaman modal usaha (bergulir)")),
        Choice("latih_usaha", N_("Pelatihan usaha")),
        Choice(OTHER, N_("Lainnya")),
    ),
}
RENCANA = (
    Choice("pjm", N_("Ya, di PJM Pronangkis")),
    Choice("renta", N_("Ya, di Renta")),
    Choice("tidak", N_("Belum tercantum")),
)
PEMELIHARAAN = (
    Choice("kpp", N_("KPP (kelompok pemanfaat dan pemelihara)")),
    Choice("ksm", N_("KSM pelaksana")),
    Choice("kelompok", N_("Kelompok warga lain")),
)
STATUS_LAHAN = (
    Choice("negara", N_("Milik negara / pemerintah")),
    Choice("hibah", N_("Hibah warga")),
    Choice(OTHER, N_("Lainnya")),
)


@dataclass(frozen=True)
class Source:
    """One funding source: ticked at "sumber", then its amount asked (field `dana_<code>`)."""

    code: str
    label: str  # msgid
    prompt: str  # msgid
    kabupaten_label: str | None = None
    kabupaten_prompt: str | None = None

    @property
    def field(self) -> str:
        return f"dana_{self.code}"


# BLM PAKET first: the programme's own money is what a BKM thinks of first.
FUNDING = (
    Source("blm", N_("BLM PAKET"), N_("Berapa yang diminta dari BLM (Bantuan Langsung "
           "Masyarakat) PAKET?")),
    Source("apbd_kota", N_("APBD kota"), N_("Berapa yang diharapkan dari APBD kota?"),
           N_("APBD kabupaten"), N_("Berapa yang diharapkan dari APBD kabupaten?")),
    Source("apbd_provinsi", N_("APBD provinsi"), N_("Berapa yang diharapkan dari APBD provinsi?")),
    Source("kelompok_peduli", N_("Kelompok Peduli/CSR"), N_("Berapa yang diharapkan dari "
           "Kelompok Peduli atau CSR (tanggung jawab sosial perusahaan)?")),
    Source("swadaya_tunai", N_("Swadaya tunai"), N_("Berapa swadaya tunai dari masyarakat?")),
    Source("swadaya_natura", N_("Swadaya non-tunai"), N_("Berapa nilai swadaya non-tunai "
           "(tenaga, bahan, lahan) dalam rupiah? Nilai ini ikut dihitung dalam anggaran total.")),
    Source("lainnya", N_("Sumber lain"), N_("Berapa dari sumber lain?")),
)  # fmt: skip
SOURCES_BY_CODE = {s.code: s for s in FUNDING}
# Funding lines in rupiah that must add up to anggaran_total (HOK is person-days, not money).
FUNDING_FIELDS = tuple(s.field for s in FUNDING)
APBD_KOTA = "apbd_kota"  # needs a Dinas among the partners


def chosen_sources(proposal: Proposal) -> list[str]:
    """The funding sources ticked, in the form's order."""
    ticked = set((proposal.sumber_dana or "").split(","))
    return [s.code for s in FUNDING if s.code in ticked]


def _source(code: str) -> Callable[[Proposal], bool]:
    return lambda p: code in chosen_sources(p)


def _lingkungan(proposal: Proposal) -> bool:
    # Sosial and ekonomi build nothing on land and leave nothing to maintain (the UPK runs
    # the revolving fund): only lingkungan work is asked about land and upkeep.
    return proposal.jenis == "lingkungan"


def _choice(step_name: str) -> Validator:
    def validate(value: object, ctx: StepContext) -> str:
        codes = [c.code for c in choices_for(STEPS_BY_NAME[step_name], ctx.proposal)]
        if str(value) not in codes:
            raise InvalidInput(N_("Mohon pilih salah satu tombol yang tersedia."))
        return str(value)

    return validate


def _money_step(source: Source) -> Step:
    return Step(
        source.field, StepKind.MONEY, source.prompt, source.label,
        validate=v.funding_line(source.field, FUNDING_FIELDS), applies=_source(source.code),
        kabupaten_prompt=source.kabupaten_prompt, kabupaten_label=source.kabupaten_label,
    )  # fmt: skip


STEPS: tuple[Step, ...] = (
    Step("judul", StepKind.TEXT, N_("Apa judul usulan ini? Paling banyak 100 huruf, misalnya: "
         "Perbaikan jalan lingkungan RW 05."), N_("Judul"), validate=v.judul),
    Step("jenis", StepKind.CHOICE, N_("Usulan ini termasuk jenis Tridaya yang mana?"),
         N_("Jenis Tridaya"), choices=JENIS, validate=_choice("jenis")),
    Step("komponen", StepKind.CHOICE, N_("Silakan pilih komponen kegiatannya."), N_("Komponen"),
         validate=_choice("komponen")),
    Step("komponen_lain", StepKind.TEXT, N_("Apa nama komponen kegiatannya?"),
         N_("Komponen lainnya"), validate=v.komponen_lain,
         applies=lambda p: p.komponen == OTHER),
    Step("uraian", StepKind.TEXT, N_("Mohon uraikan kegiatannya: apa yang dikerjakan, untuk "
         "siapa, dan mengapa perlu. Mohon tidak menulis nama atau NIK warga."), N_("Uraian"),
         validate=v.uraian),
    Step("volume", StepKind.TEXT, N_("Berapa volume kegiatannya? Misalnya: 250 m × 1,5 m, "
         "10 unit rumah, atau 30 peserta."), N_("Volume"), validate=v.volume),
    Step("rw", StepKind.TEXT, N_("Di RW berapa lokasinya? Misalnya 05, atau 03 dan 04 bila "
         "lebih dari satu."), N_("RW"), validate=v.rukun(N_("Mohon tulis nomor RW, misalnya 05 "
         "atau 03, 04."))),
    Step("rt", StepKind.TEXT, N_("Di RT berapa? Misalnya 02, atau 01, 02 dan 03."), N_("RT"),
         validate=v.rukun(N_("Mohon tulis nomor RT, misalnya 02 atau 01, 02."))),
    Step("lokasi", StepKind.LOCATION, N_("Bila berkenan, silakan kirim titik lokasi kegiatan "
         "(pin peta). Bagian ini boleh dilewati."), N_("Titik lokasi"), optional=True,
         validate=v.location),
    Step("status_lahan", StepKind.CHOICE, N_("Lahan tempat pekerjaan ini milik siapa?"),
         N_("Status lahan"), choices=STATUS_LAHAN, validate=_choice("status_lahan"),
         applies=_lingkungan),
    Step("kk", StepKind.COUNT, N_("Berapa KK yang menerima manfaat?"),
         N_("KK penerima manfaat"), validate=v.kk),
    Step("kk_miskin", StepKind.COUNT, N_("Dari jumlah itu, berapa KK miskin?"), N_("KK miskin"),
         validate=v.kk_miskin),
    Step("jiwa", StepKind.COUNT, N_("Berapa jiwa (orang) yang menerima manfaat?"),
         N_("Jiwa penerima manfaat"), validate=v.jiwa),
    Step("perempuan", StepKind.COUNT, N_("Dari jumlah jiwa itu, berapa perempuan?"),
         N_("Jiwa perempuan"), validate=v.perempuan),
    Step("rencana", StepKind.CHOICE, N_("Apakah kegiatan ini tercantum dalam rencana BKM, yaitu "
         "PJM (Program Jangka Menengah) Pronangkis atau Renta (Rencana Tahunan)?"),
         N_("Rencana BKM"), choices=RENCANA, validate=_choice("rencana")),
    Step("rencana_program", StepKind.TEXT, N_("Program apa di rencana itu? Tulis nama programnya "
         "seperti tertulis di dokumen."), N_("Program di rencana BKM"), validate=v.program,
         applies=lambda p: p.rencana in ("pjm", "renta")),
    Step("anggaran_total", StepKind.MONEY, N_("Berapa anggaran total menurut RAB (Rencana "
         "Anggaran Biaya), termasuk nilai swadaya? Misalnya 15 juta atau 15.000.000."),
         N_("Anggaran total (RAB)"), validate=v.anggaran),
    Step("sumber_dana", StepKind.TICKS, N_("Dari mana saja dananya? Centang semua sumber yang "
         "dipakai, lalu tekan Selesai. Jumlahnya ditanyakan sesudah ini."), N_("Sumber dana"),
         choices=tuple(Choice(s.code, s.label) for s in FUNDING)),
    *(_money_step(s) for s in FUNDING if s.code != "lainnya"),
    Step("swadaya_hok", StepKind.COUNT, N_("Berapa hari orang kerja (HOK) tenaga swadaya? Ini "
         "hanya keterangan; nilainya sudah termasuk swadaya non-tunai. Pilih Lewati bila tidak "
         "tahu."), N_("Swadaya tenaga (HOK)"), optional=True, validate=v.count(MAX_HOK),
         applies=_source("swadaya_natura")),
    _money_step(SOURCES_BY_CODE["lainnya"]),
    Step("mitra", StepKind.MULTI, N_("Usulan ini disalurkan kepada mitra yang mana? Pilih paling "
         "banyak satu Dinas dan boleh beberapa Kelompok Peduli, lalu tekan Selesai."),
         N_("Mitra yang dituju")),
    Step("jadwal_mulai", StepKind.DATE, N_("Kapan kegiatan dimulai? Misalnya {contoh}."),
         N_("Tanggal mulai"), validate=v.mulai),
    Step("jadwal_selesai", StepKind.DATE, N_("Kapan kegiatan selesai? Misalnya {contoh}."),
         N_("Tanggal selesai"), validate=v.selesai),
    Step("ksm_pelaksana", StepKind.TEXT, N_("Apa nama KSM (Kelompok Swadaya Masyarakat) "
         "pelaksananya?"), N_("KSM pelaksana"), validate=v.ksm),
    Step("pemeliharaan", StepKind.CHOICE, N_("Sesudah selesai, siapa yang mengoperasikan dan "
         "memelihara hasilnya?"), N_("Pemeliharaan"), choices=PEMELIHARAAN,
         validate=_choice("pemeliharaan"), applies=_lingkungan),
    Step("lurah", StepKind.DATE_OR_FILE, N_("Usulan ini sudah diketahui Lurah? Tulis tanggalnya "
         "(misalnya {hari_ini}), atau kirim foto surat yang sudah ditandatangani Lurah."),
         N_("Mengetahui Lurah"), validate=v.lurah),
    Step("berita_acara", StepKind.FILE, N_("Silakan kirim berita acara rapat BKM yang menyetujui "
         "usulan ini (foto atau PDF)."), N_("Berita acara rapat BKM"), validate=v.document),
    Step("lampiran", StepKind.FILES, N_("Silakan kirim foto lokasi, atau PDF RAB. Tekan Selesai "
         "bila sudah, atau Lewati."), N_("Lampiran"), optional=True),
)  # fmt: skip
STEPS_BY_NAME = {s.name: s for s in STEPS}
STEP_NAMES = tuple(s.name for s in STEPS)
# Where each many-valued or file answer lives, for "is it answered?".
LIST_STEPS = (StepKind.MULTI, StepKind.FILES)


def step(name: str) -> Step:
    """The step called `name`, or InvalidInput for an unknown one (a forged button)."""
    if name not in STEPS_BY_NAME:
        raise InvalidInput(N_("Mohon pilih salah satu tombol yang tersedia."))
    return STEPS_BY_NAME[name]


def applies(the_step: Step, proposal: Proposal) -> bool:
    """Whether `the_step` is asked of this proposal (given its answers so far)."""
    return the_step.applies is None or the_step.applies(proposal)


def applicable(proposal: Proposal) -> list[Step]:
    """The steps this proposal is asked, in order."""
    return [s for s in STEPS if applies(s, proposal)]


def question_number(proposal: Proposal, the_step: Step) -> tuple[int, int]:
    """ "Pertanyaan n dari total", counting only the questions this proposal is asked."""
    asked = applicable(proposal)
    names = [s.name for s in asked]
    if the_step.name not in names:  # an edit of a step that no longer applies
        return STEP_NAMES.index(the_step.name) + 1, len(STEPS)
    return names.index(the_step.name) + 1, len(asked)


def prompt_of(the_step: Step, kota_kind: str | None) -> str:
    """The step's prompt msgid for a kota or a kabupaten."""
    if kota_kind == KotaKind.KABUPATEN.value and the_step.kabupaten_prompt:
        return the_step.kabupaten_prompt
    return the_step.prompt


def label_of(the_step: Step, kota_kind: str | None) -> str:
    """The step's label msgid for a kota or a kabupaten."""
    if kota_kind == KotaKind.KABUPATEN.value and the_step.kabupaten_label:
        return the_step.kabupaten_label
    return the_step.label


def choices_for(the_step: Step, proposal: Proposal) -> tuple[Choice, ...]:
    """The buttons of a choice step; komponen depends on the jenis chosen."""
    if the_step.name == "komponen":
        return KOMPONEN.get(proposal.jenis or "", ())
    return the_step.choices


def choice_label(step_name: str, code: str | None) -> str | None:
    """The label msgid of a stored choice code (for summaries and views)."""
    if step_name == "komponen":
        pool: tuple[Choice, ...] = tuple(c for cs in KOMPONEN.values() for c in cs)
    else:
        pool = STEPS_BY_NAME[step_name].choices if step_name in STEPS_BY_NAME else ()
    return next((c.label for c in pool if c.code == code), None)


def clear_inapplicable(proposal: Proposal) -> None:
    """Forget answers to questions that no longer apply (sosial work has no land status)."""
    for s in STEPS:
        if s.kind in _PLAIN and not applies(s, proposal) and getattr(proposal, s.name) is not None:
            setattr(proposal, s.name, None)


# Steps whose answer is one column named like the step.
_PLAIN = (StepKind.TEXT, StepKind.CHOICE, StepKind.MONEY, StepKind.COUNT, StepKind.DATE)


def funding_sum(proposal: Proposal) -> int:
    """The rupiah funding lines of the chosen sources added up (HOK left out)."""
    return sum(getattr(proposal, f"dana_{code}") or 0 for code in chosen_sources(proposal))


def funding_gap(proposal: Proposal) -> int:
    """anggaran_total minus the funding lines: 0 when they add up (negative: too much)."""
    return (proposal.anggaran_total or 0) - funding_sum(proposal)
