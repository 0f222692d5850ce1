"""`paket-bot privacy requests`: people's data requests and their 3×24-hour deadline."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import JsonFlag, emit, group, in_store, reporting, translator
from bot.cli.common import say as _
from bot.config import load_settings
from bot.domain import privacy_requests
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from bot.i18n import N_

privacy_app = group(N_("Permintaan data pribadi (UU PDP)."))

_KINDS = {
    "delete": N_("data dihapus"),
    "withdraw": N_("persetujuan ditarik"),
}


@privacy_app.command(
    "requests",
    help=N_(
        "Permintaan data yang tertunda (tidak ada yang menunggu: chat langsung menjalankannya) dan yang terbaru."
    ),
)
def privacy_requests_command(
    days: Annotated[
        int,
        typer.Option(help=N_("Berapa hari ke belakang permintaan yang sudah ditangani didaftar.")),
    ] = 30,
    as_json: JsonFlag = False,
) -> None:
    """Pending data requests (none wait: chat carries them out at once) and recent ones."""
    with reporting(as_json):
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> list[dict[str, Any]]:
            found = await privacy_requests.handled_since(s, clock, SYSTEM, max(days, 1))
            return [
                {
                    "kind": h.kind,
                    "person_id": h.person_id,
                    "at": h.at.isoformat(),
                    "identity_kept_until": h.identity_kept_until.isoformat()
                    if h.identity_kept_until
                    else None,
                    "_at": h.at,
                    "_kept": h.identity_kept_until,
                }
                for h in found
            ]

        rows = in_store(settings, op)
        tr = translator(settings.default_timezone)
        lines = [
            _(
                "Permintaan yang menunggu: tidak ada. Permintaan di chat (lihat/ekspor, hapus, "
                "tarik persetujuan) dijalankan saat itu juga, jauh di bawah batas 3×24 jam."
            )
        ]
        if not rows:
            lines.append(_("Tidak ada permintaan dalam {days} hari terakhir.", days=days))
        for row in rows:
            line = _(
                "{at}: orang #{id}, {kind}", at=tr.short_datetime(row["_at"]),
                id=row["person_id"], kind=_(_KINDS[row["kind"]]),
            )  # fmt: skip
            if row["_kept"] is not None:
                line = _(
                    "{line} (nama dan ID Telegram disimpan sebagai bukti persetujuan sampai "
                    "{until})",
                    line=line, until=tr.date(row["_kept"].date()),
                )  # fmt: skip
            lines.append(line)
        handled = [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows]
        emit(as_json, "\n".join(lines), pending=[], handled=handled, answer_within_hours=72)
