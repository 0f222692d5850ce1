"""Announcements (/umumkan): compose, publish now or later, acknowledge, stop, cancel, report.

    limits     Telegram's length limits, counted as Telegram counts (UTF-16 code units)
    frame      what a recipient sees: "📢 Pengumuman dari …", the body, "✅ Sudah dibaca"
    compose    the draft: kota, body, audience (reusing the meetings' audience codes), time
    publish    confirm (now / scheduled, quiet hours), start, start_due_announcements, stop,
               cancel, acknowledge
    queries    progress and report from the outbox rows by topic; the author's list

One outbox row per recipient, with topic "announcement:<id>", written in the confirming
transaction (send now) or in the one that starts a scheduled announcement.
"""
