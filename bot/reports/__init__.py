"""A report's files: the chart (PNG), the spreadsheet (XLSX), CSV and JSON — bytes out.

Each takes the plain values of bot/domain/reports and a Translator, and returns bytes; none
touches the database or the chat. They are CPU work: callers run them in a thread
(`asyncio.to_thread`) so the event loop keeps serving other chats.
"""

from __future__ import annotations

from bot.i18n import N_, Translator

CONFIDENTIAL = N_("RAHASIA")
# The file name's word for "report", in the reader's language (a name, so no spaces).
REPORT_WORD = N_("laporan")


def file_name(tr: Translator, key: str, extension: str) -> str:
    """ "RAHASIA-laporan-20260301-20260331.xlsx" (the name says it is confidential)."""
    secret, report = tr._(CONFIDENTIAL), tr._(REPORT_WORD)
    return f"{secret}-{report}-{key}.{extension}"
