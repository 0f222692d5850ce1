"""Migration 0008 carries existing decisions forward: each becomes a committee decision recorded
by the fasilitator who made it, dated the day it was made in the kota's time zone."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

from storage.db import upgrade


def test_existing_decisions_become_committee_decisions(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    upgrade(f"sqlite:///{path}", "0007")
    with sqlite3.connect(path) as c:
        c.execute(
            "INSERT INTO kota (id, name, province, timezone, committee_label) "
            "VALUES (1, 'Jayapura', 'Papua', 'Asia/Jayapura', 'Pokja PAKET')"
        )
        c.execute("INSERT INTO person (id, name) VALUES (7, 'Budi')")
        for pid in (1, 2):
            c.execute(
                "INSERT INTO proposal (id, bkm_id, kota_id, status, version, step, "
                "disbursed_amount) VALUES (?, 1, 1, 'dana_cair', 1, 'ringkasan', 0)",
                (pid,),
            )
        events = [  # (proposal, at (UTC), from, to, amount, note, actor)
            (1, "2026-03-01 10:00:00.000000", "draf", "diajukan", None, None, None),
            (1, "2026-03-02 16:30:00.000000", "ditinjau", "daftar_tunggu", None, "Dana habis", 7),
            (1, "2026-03-02 17:00:00.000000", "daftar_tunggu", "daftar_tunggu", 5, None, None),
            (1, "2026-03-05 02:00:00.000000", "daftar_tunggu", "disetujui", 9000000, None, 7),
            (1, "2026-03-06 02:00:00.000000", "disetujui", "dana_cair", 4000000, None, 7),
            (2, "2026-03-04 01:00:00.000000", "ditinjau", "ditolak", None, "Bukan Tridaya", 7),
        ]
        for proposal, at, old, new, amount, note, actor in events:
            c.execute(
                "INSERT INTO proposal_event (proposal_id, at, from_status, to_status, version, "
                "actor_id, actor_label, note, amount) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)",
                (proposal, at, old, new, actor,
                 "fasilitator:Jayapura" if actor else "mitra:Dinas", note, amount),
            )  # fmt: skip
    upgrade(f"sqlite:///{path}", "0008")
    with sqlite3.connect(path) as c:
        rows = c.execute(
            "SELECT proposal_id, outcome, amount, note, committee, meeting_date, meeting_id, "
            "recorded_by, recorded_by_label, event_id IS NOT NULL FROM committee_decision "
            "ORDER BY id"
        ).fetchall()
    assert rows == [
        # 16.30 UTC on 2 March is already 3 March in Jayapura (WIT, UTC+9).
        (1, "daftar_tunggu", None, "Dana habis", "Pokja PAKET", "2026-03-03", None, 7,
         "fasilitator:Jayapura", 1),
        (1, "disetujui", 9000000, None, "Pokja PAKET", "2026-03-05", None, 7,
         "fasilitator:Jayapura", 1),
        (2, "ditolak", None, "Bukan Tridaya", "Pokja PAKET", "2026-03-04", None, 7,
         "fasilitator:Jayapura", 1),
    ]  # fmt: skip
    assert date.fromisoformat(rows[0][5]) == date(2026, 3, 3)
