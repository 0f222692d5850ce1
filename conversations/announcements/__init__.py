"""Announcements, the chat side: /umumkan (/announce). The domain is bot/domain/announcements/.

    compose   write the text, pick the audience, now or at a typed time, preview, confirm
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
    peserta --> waktu: audience pressed
    waktu --> quiet: ▶️ Kirim sekarang, at night in the kota
    quiet --> pratinjau: now / at the end of quiet hours
    waktu --> typed: 🕒 Jadwalkan → time typed, shown back in the kota's zone
    waktu --> pratinjau: ▶️ Kirim sekarang (daytime)
    typed --> pratinjau
    pratinjau --> report: ✅ Kirim (rows queued) or scheduled
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
