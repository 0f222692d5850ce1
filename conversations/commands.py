"""The command list: one entry per command, its Indonesian and English names, who may use it.

The same table feeds /bantuan, the main menu, setMyCommands per language, and the router's
permission check, so the four can never disagree. Who may use each command is its row of the
permission table (bot/domain/permissions.py), not written here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.actors import Actor
from bot.domain.permissions import Act, roles_for
from bot.i18n import N_, Translator
from storage.models import Role


@dataclass(frozen=True)
class Command:
    key: str
    id_name: str
    en_name: str
    description: str  # msgid, translated when shown
    public: bool = False  # usable before registration
    in_menu: bool = True
    menu_label: str = ""  # msgid for the main-menu button

    @property
    def roles(self) -> frozenset[Role]:
        """Who may use it: the command's row of the permission table."""
        return roles_for(Act("/" + self.key))

    def name_for(self, locale: str) -> str:
        return self.en_name if locale == "en" else self.id_name


COMMANDS: tuple[Command, ...] = (
    Command(
        "start", "start", "start", N_("Mulai dan tampilkan menu utama"), public=True, in_menu=False
    ),
    Command(
        "usulan",
        "usulan",
        "propose",
        N_("Buat atau lanjutkan usulan kegiatan"),
        menu_label=N_("📝 Buat usulan"),
    ),
    Command(
        "status",
        "status",
        "status",
        N_("Lihat status usulan"),
        menu_label=N_("📋 Status usulan"),
    ),
    Command(
        "tinjau",
        "tinjau",
        "review",
        N_("Tinjau usulan yang menunggu"),
        menu_label=N_("🔎 Tinjau usulan"),
    ),
    Command(
        "rapatbaru",
        "rapatbaru",
        "newmeeting",
        N_("Undang rapat baru: jenis, waktu, tempat, agenda, peserta"),
        menu_label=N_("📅 Rapat baru"),
    ),
    Command(
        "rapat",
        "rapat",
        "meetings",
        N_("Rapat Bapak/Ibu: jawab undangan, lihat siapa yang hadir"),
        menu_label=N_("🗓 Rapat saya"),
    ),
    Command(
        "umumkan",
        "umumkan",
        "announce",
        N_("Kirim pengumuman dan lihat laporannya"),
        menu_label=N_("📢 Pengumuman"),
    ),
    Command(
        "usul_ide",
        "usul_ide",
        "idea",
        N_("Kirim ide kegiatan kepada BKM"),
        menu_label=N_("💡 Usul ide"),
    ),
    Command(
        "ide",
        "ide",
        "ideas",
        N_("Lihat ide dari warga dan jadikan usulan"),
        menu_label=N_("💡 Ide warga"),
    ),
    Command(
        "laporan",
        "laporan",
        "report",
        N_("Laporan: angka, grafik, dan spreadsheet untuk satu periode"),
        menu_label=N_("📊 Laporan"),
    ),
    Command(
        "undang",
        "undang",
        "invite",
        N_("Undang orang ke layanan ini"),
        menu_label=N_("✉️ Undang"),
    ),
    Command(
        "bahasa", "bahasa", "language", N_("Ganti bahasa"), public=True, menu_label=N_("🌐 Bahasa")
    ),
    Command(
        "privasi",
        "privasi",
        "privacy",
        N_("Lihat atau hapus data pribadi Bapak/Ibu"),
        # Anyone may ask what is stored about them (UU PDP), also after withdrawing consent.
        public=True,
        menu_label=N_("🔒 Data saya"),
    ),
    Command(
        "bantuan",
        "bantuan",
        "help",
        N_("Daftar perintah dan bantuan"),
        public=True,
        menu_label=N_("❓ Bantuan"),
    ),
    Command(
        "batal",
        "batal",
        "cancel",
        N_("Batalkan isian yang sedang diisi"),
        public=True,
        in_menu=False,
    ),
    Command("menu", "menu", "menu", N_("Tampilkan menu utama"), in_menu=False),
)

_BY_NAME = {name: c for c in COMMANDS for name in (c.id_name, c.en_name)}


def lookup(name: str) -> Command | None:
    """The command called `name` in either language (case-insensitive)."""
    return _BY_NAME.get(name.lower())


def allowed(command: Command, actor: Actor | None) -> bool:
    if command.public:
        return True
    return actor is not None and actor.has(*command.roles)


def available(actor: Actor | None) -> list[Command]:
    return [c for c in COMMANDS if allowed(c, actor)]


def menu_for(actor: Actor | None, tr: Translator) -> tuple[tuple[str, str], ...]:
    """The "/" menu of one person: the commands their roles allow, in their language."""
    if actor is None or not actor.grants:
        return ()
    return tuple(
        (c.name_for(tr.locale), tr._(c.description)) for c in available(actor) if c.key != "start"
    )


def default_menu(tr: Translator) -> tuple[tuple[str, str], ...]:
    """What everyone sees before registering."""
    return tuple(
        (c.name_for(tr.locale), tr._(c.description))
        for c in COMMANDS
        if c.public and c.key != "start"
    )
