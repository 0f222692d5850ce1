"""Meetings and reminders, the chat side: /rapatbaru, /rapat, RSVP, reschedule, cancel, remind,
attendance and minutes. The domain is bot/domain/meetings/; this package only translates.

    form, form_ask, form_buttons, form_view   /rapatbaru (/newmeeting): compose and send
    view                                      /rapat (/meetings): the list and one meeting
    rsvp                                      ✅ Hadir / ❌ Berhalangan under any meeting message
    manage                                    🔁 reschedule, ✖️ cancel, 🔔 remind the silent ones
    attendance                                ✔️ attendance checklist, 📎 minutes (berita acara)

/rapatbaru, like the proposal form, keeps its place in the draft itself (`Meeting.step`); the
dialog only says which draft free messages belong to. So /batal, a lost signal or a restart
resume at the same question.

```mermaid
stateDiagram-v2
    [*] --> pick_kota: /rapatbaru, organiser of several kotas (or admin)
    [*] --> resume: /rapatbaru, a draft with answers
    [*] --> questions: /rapatbaru, a new draft
    pick_kota --> questions: kota chosen
    resume --> questions: ▶️ Lanjutkan (or any message) / 🔄 Mulai baru (old draft deleted)
    state questions {
        [*] --> jenis
        jenis --> judul
        judul --> waktu: typed date shown back in full
        waktu --> durasi
        durasi --> tempat: answer / Lewati (2 jam)
        tempat --> lokasi
        lokasi --> agenda: 📍 pin / Lewati
        agenda --> peserta
    }
    questions --> questions: invalid input (why, asked again) / ⬅️ Kembali
    questions --> ringkasan: peserta chosen
    ringkasan --> edit_field: ✏️ Ubah isian → a field, also Pengingat
    edit_field --> ringkasan: answer / ⬅️ Kembali ke ringkasan
    ringkasan --> [*]: 📤 Kirim undangan (invitations + .ics queued) / 🗑 Hapus draf
```

Callback data: `mt:f:…` (form), `mt:rsvp:…`, `mt:view:…`, `mt:att:…`, `mt:m:…` (manage);
shapes in bot/domain/meetings/callbacks.py.
"""

from __future__ import annotations

from conversations.meetings import attendance, form, form_buttons, manage, rsvp, view
from conversations.meetings.form_ask import FLOW

COMMANDS = {"rapatbaru": form.cmd_new_meeting, "rapat": view.cmd_meetings}
CALLBACKS = {
    "mt:f": form_buttons.on_button,
    "mt:rsvp": rsvp.on_rsvp,
    "mt:view": view.on_view,
    "mt:att": attendance.on_tick,
    "mt:m": manage.on_manage,
}
DIALOGS = {
    FLOW: form.on_message,
    manage.WHEN_FLOW: manage.on_when_typed,
    manage.CANCEL_FLOW: manage.on_reason_typed,
    attendance.MINUTES_FLOW: attendance.on_minutes_file,
}
