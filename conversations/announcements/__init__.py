"""Announcements, the chat side: /umumkan (/announce). The domain is bot/domain/announcements/.

    compose   write the text (or send a photo/document with a caption), pick the audience (or
              tick several BKMs), now or at a typed time, preview, confirm
    report    the list of past and scheduled ones, one report (🔄 Perbarui), stop, cancel,
              and "✅ Sudah dibaca" under every announcement received

The draft keeps its place itself (`Announcement.step`); the dialog only says which draft a
typed message belongs to ("isi": the text, "waktu": a typed time).

```mermaid
stateDiagram-v2
    [*] --> list: /umumkan
    list --> isi: ➕ Buat pengumuman
    list --> report: 📊 one announcement
    isi --> isi: too long (count shown) / not text
    isi --> peserta: text accepted
    isi --> peserta: photo or document (caption, or the text before, within 1,024)
    peserta --> peserta: a photo or document, or the text again
    peserta --> centang: ☑️ Beberapa BKM
    centang --> centang: a BKM ticked / unticked (saved)
    centang --> waktu: ➡️ Lanjut (at least one)
    peserta --> waktu: audience pressed
    waktu --> quiet: ▶️ Kirim sekarang, at night in the kota
    quiet --> pratinjau: now / at the end of quiet hours
    waktu --> typed: 🕒 Jadwalkan → time typed, shown back in the kota's zone
    waktu --> pratinjau: ▶️ Kirim sekarang (daytime)
    typed --> pratinjau
    pratinjau --> progress: ✅ Kirim (rows queued; the live message edits itself into the report)
    pratinjau --> report: ✅ Kirim, scheduled
    pratinjau --> [*]: 🗑 Hapus draf
    report --> report: 🔄 Perbarui / ⏹ Hentikan / ✖️ Batalkan jadwal
```

Callback data: `an:<verb>:<id>[:…]`.
"""

from __future__ import annotations

from conversations.announcements import compose, report
from conversations.announcements.compose import FLOW

COMMANDS = {"umumkan": report.cmd_announce}
CALLBACKS = {"an": compose.on_button, "an:ack": report.on_ack}
DIALOGS = {FLOW: compose.on_message}
