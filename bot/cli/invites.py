"""`paket-bot invite [list|revoke]`: invite links that carry a role (and its BKM, kota, mitra).

`paket-bot invite --role R ...` creates one; `invite list` shows those that still work (or all
with --all), each valid until a time in its kota's zone; `invite revoke TOKEN` stops one.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import (
    CliError,
    JsonFlag,
    LocalisedGroup,
    emit,
    in_store,
    listing,
    reporting,
    translator,
)
from bot.cli.common import say as _
from bot.cli.common import say_n as n_
from bot.cli.people import (
    ROLES_HELP,
    BkmScope,
    KotaScope,
    MitraScope,
    check_committee_kota,
    check_scope,
    parse_role,
    role_where,
    scopes,
)
from bot.config import Settings, load_settings
from bot.domain import invites
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from bot.i18n import N_
from storage.models import Bkm, Invite, Kota, Mitra, Role

invite_app = typer.Typer(
    cls=LocalisedGroup,
    help=N_("Tautan undangan: buat (--role ...), daftar, cabut."),
    invoke_without_command=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def _bot_username(option: str | None, settings: Settings) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME (environment or .env), else paket_bot."""
    name = (option or settings.telegram_bot_username or "paket_bot").removeprefix("@")
    if not _BOT_USERNAME.fullmatch(name):
        raise CliError(
            N_("--bot-username harus nama bot Telegram seperti paket_bot (tertulis {name})."),
            name=name,
        )
    return name


@invite_app.callback()
def invite(
    ctx: typer.Context,
    role: Annotated[str | None, typer.Option(help=ROLES_HELP)] = None,
    bkm: BkmScope = None,
    kota: KotaScope = None,
    mitra: MitraScope = None,
    uses: Annotated[int, typer.Option(help=N_("Berapa orang boleh memakainya."))] = 1,
    days: Annotated[
        int | None, typer.Option(help=N_("Berapa hari undangan berlaku (INVITE_VALID_DAYS)."))
    ] = None,
    bot_username: Annotated[
        str | None,
        typer.Option(help=N_("Username bot (TELEGRAM_BOT_USERNAME, bila kosong paket_bot).")),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an invite link that carries a role (and its BKM, kota or mitra)."""
    if ctx.invoked_subcommand is not None:
        return
    with reporting(as_json):
        if role is None:
            raise CliError(
                N_(
                    "Mohon sebutkan --role untuk undangan baru, atau gunakan `paket-bot invite list`."
                )
            )
        _create_invite(parse_role(role), bkm, kota, mitra, uses, days, bot_username, as_json)


def _create_invite(
    the_role: Role,
    bkm: str | None,
    kota: str | None,
    mitra: str | None,
    uses: int,
    days: int | None,
    bot_username: str | None,
    as_json: bool,
) -> None:
    check_scope(the_role, kota=kota, bkm=bkm, mitra=mitra)
    check_committee_kota(the_role, kota)
    if the_role == Role.SEKRETARIS:
        raise CliError(
            N_(
                "Hak sekretaris diberikan dengan `user grant --role sekretaris` kepada anggota "
                "panitia: undang orangnya dulu dengan --role panitia."
            )
        )
    settings = load_settings()
    valid_days = settings.invite_valid_days if days is None else days
    if not 1 <= valid_days <= 365:
        raise CliError(N_("--days harus 1 sampai 365 (tertulis {days})."), days=valid_days)
    username = _bot_username(bot_username, settings)

    async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
        k, b, m = await scopes(s, kota, bkm, mitra)
        row = await invites.create_invite(
            s, clock, SYSTEM, role=the_role, bkm=b, kota=k, mitra=m, valid_days=valid_days,
            max_uses=uses,
        )  # fmt: skip
        return await _invite_view(s, clock, row, username, settings.default_timezone)

    view = in_store(settings, op)
    text = n_(
        "Undangan {token} ({what}, {n} kali pakai, berlaku sampai {until}): {link}",
        "Undangan {token} ({what}, {n} kali pakai, berlaku sampai {until}): {link}",
        uses, token=view["token"], what=role_where(the_role.value, view),
        until=view["valid_until"], link=view["link"],
    )  # fmt: skip
    emit(as_json, text, invite=view)


async def _invite_view(
    s: AsyncSession, clock: Clock, row: Invite, username: str, default_zone: str
) -> dict[str, Any]:
    kota = await s.get(Kota, row.kota_id) if row.kota_id is not None else None
    bkm = await s.get(Bkm, row.bkm_id) if row.bkm_id is not None else None
    mitra = await s.get(Mitra, row.mitra_id) if row.mitra_id is not None else None
    # Shown in the kota's own zone: that is the clock the invited person lives by.
    zone = kota.timezone if kota else default_zone
    until = translator(zone).short_datetime(row.expires_at) if row.expires_at else None
    return {
        "token": row.token,
        "link": invites.deep_link(username, row.token),
        "role": row.role,
        "kota": kota.name if kota else None,
        "bkm": bkm.name if bkm else None,
        "mitra": mitra.name if mitra else None,
        "max_uses": row.max_uses,
        "uses": row.uses,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "valid_until": str(until) if until else None,
        "state": invites.invite_state(row, clock),
    }


_STATES = {
    "open": N_("masih berlaku"),
    "used": N_("sudah terpakai"),
    "expired": N_("kedaluwarsa"),
    "revoked": N_("dibatalkan"),
}


@invite_app.command("list", help=N_("Daftar undangan yang masih berlaku (terbaru dulu)."))
def invite_list(
    all_: Annotated[
        bool,
        typer.Option(
            "--all", help=N_("Termasuk undangan yang habis dipakai, kedaluwarsa, dan dicabut.")
        ),
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """List invites that still work (newest first)."""
    with reporting(as_json):
        settings = load_settings()
        username = _bot_username(None, settings)

        async def op(s: AsyncSession, clock: Clock) -> list[dict[str, Any]]:
            rows = await invites.list_invites(s, clock, SYSTEM, all_=all_)
            zone = settings.default_timezone
            return [await _invite_view(s, clock, r, username, zone) for r in rows]

        rows = in_store(settings, op)
        listing(as_json, "invites", rows, _invite_line, _("Tidak ada undangan yang berlaku."))


def _invite_line(v: dict[str, Any]) -> str:
    return _(
        "{token}: {what}, terpakai {uses}/{max}, sampai {until}; {state}",
        token=v["token"], what=role_where(v["role"], v), uses=v["uses"], max=v["max_uses"],
        until=v["valid_until"] or "-", state=_(_STATES[v["state"]]),
    )  # fmt: skip


@invite_app.command(
    "revoke", help=N_("Hentikan tautan undangan (yang sudah bergabung tetap memegang perannya).")
)
def invite_revoke(
    token: Annotated[str, typer.Argument(metavar="TOKEN", help=N_("Token undangan."))],
    as_json: JsonFlag = False,
) -> None:
    """Stop an invite link from working (people who joined with it keep their role)."""
    with reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await invites.revoke_invite(s, clock, SYSTEM, token)
            return {"token": row.token, "role": row.role, "uses": row.uses}

        view = in_store(load_settings(), op)
        text = _("Undangan {token} dibatalkan; tautannya tidak berlaku lagi.", token=token)
        emit(as_json, text, invite=view)
