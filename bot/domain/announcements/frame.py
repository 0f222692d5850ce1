"""What a recipient sees: a clear frame in their own language around the body as written."""

from __future__ import annotations

from bot.i18n import N_, Translator, escape
from bot.ui import Button, Keyboard
from storage.announcement_models import Announcement
from storage.models import Role

KIND = "announcement"
ACK_PREFIX = "an:ack"
# The error of a row dropped because the author stopped the announcement (not a failure).
STOPPED_ERROR = "announcement stopped"
# Room kept for the frame (header and blank line) inside Telegram's limits.
FRAME_ROOM = 96

SENDERS = {
    Role.FASILITATOR.value: N_("Fasilitator Kota {kota}"),
    Role.KOORDINATOR.value: N_("Koordinator {bkm}"),
}


def topic(announcement_id: int | None) -> str:
    """The outbox topic of an announcement's rows: "announcement:12"."""
    return f"announcement:{announcement_id}"


def sender_label(tr: Translator, role: str, *, kota: str, bkm: str) -> str:
    """ "Fasilitator Kota Bandung", "Koordinator BKM Sukamaju", "Admin"."""
    label = SENDERS.get(role)
    if label is None:
        return tr._("Admin PAKET")
    return tr._(label, kota=kota, bkm=bkm)


def text(tr: Translator, announcement: Announcement, sender: str) -> str:
    """The message as every recipient reads it (the body escaped, never translated)."""
    header = tr._("📢 <b>Pengumuman dari {sender}</b>", sender=sender)
    return f"{header}\n\n{escape(announcement.body or '')}"


def ack_buttons(tr: Translator, announcement_id: int | None) -> Keyboard:
    """ "✅ Sudah dibaca" under the announcement."""
    return ((Button(tr._("✅ Sudah dibaca"), data=f"{ACK_PREFIX}:{announcement_id}"),),)
