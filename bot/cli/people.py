"""`paket-bot user grant` and `paket-bot invite`: give people their roles, directly or by link."""

from __future__ import annotations

import re
from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import CliError, JsonFlag, emit, group, in_store, kota_name, reporting
from bot.config import Settings, load_settings
from bot.domain import areas, invites, people
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock
from storage.models import Bkm, Invite, Kota, Mitra, Role

user_app = group("People and their roles.")

RoleOption = Annotated[
    str, typer.Option(help="warga, anggota, koordinator, fasilitator, mitra or admin.")
]
BkmScope = Annotated[str | None, typer.Option("--bkm", help="For anggota and koordinator.")]
KotaScope = Annotated[str | None, typer.Option("--kota", help="For fasilitator.")]
MitraScope = Annotated[str | None, typer.Option("--mitra", help="For mitra.")]

# Which scope option each role takes; the domain refuses a missing one.
_SCOPES = {
    Role.WARGA: ("kota", "bkm"),
    Role.ANGGOTA: ("bkm",),
    Role.KOORDINATOR: ("bkm",),
    Role.FASILITATOR: ("kota",),
    Role.MITRA: ("mitra",),
    Role.ADMIN: (),
}

_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def _parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise CliError(f"--role must be one of: {roles} (got {value!r}).") from None


def _check_scope(role: Role, **given: str | None) -> None:
    """Refuse a scope the role does not use, so a grant never carries a misleading area."""
    named = [name for name, value in given.items() if value]
    allowed = _SCOPES[role]
    wrong = [name for name in named if name not in allowed]
    if wrong or len(named) > 1:
        takes = " or ".join(f"--{a}" for a in allowed) or "no area option"
        got = " and ".join(f"--{n}" for n in named)
        raise CliError(f"Role {role.value} takes {takes} (got {got}).")


async def _scopes(
    s: AsyncSession, kota: str | None, bkm: str | None, mitra: str | None
) -> tuple[Kota | None, Bkm | None, Mitra | None]:
    return (
        await areas.find_kota(s, kota) if kota else None,
        await areas.find_bkm(s, bkm) if bkm else None,
        await areas.find_mitra(s, mitra) if mitra else None,
    )


def _where(view: dict[str, Any]) -> str:
    """ " for BKM Sukamaju": the narrowest area a grant or invite names, if any."""
    scope = view["bkm"] or view["mitra"] or view["kota"]
    return f" for {scope}" if scope else ""


def _bot_username(option: str | None, settings: Settings) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME (environment or .env), else paket_bot."""
    name = (option or settings.telegram_bot_username or "paket_bot").removeprefix("@")
    if not _BOT_USERNAME.fullmatch(name):
        raise CliError(
            f"--bot-username must be a Telegram bot username like paket_bot (got {name!r})."
        )
    return name


async def _invite_view(
    s: AsyncSession, row: Invite, username: str, bkm: Bkm | None, mitra: Mitra | None
) -> dict[str, Any]:
    return {
        "token": row.token,
        "link": invites.deep_link(username, row.token),
        "role": row.role,
        "kota": await kota_name(s, row.kota_id),
        "bkm": bkm.name if bkm else None,
        "mitra": mitra.name if mitra else None,
        "max_uses": row.max_uses,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
    }


@user_app.command("grant")
def user_grant(
    telegram_id: Annotated[
        int, typer.Argument(metavar="TELEGRAM_ID", help="The person's numeric Telegram id.")
    ],
    role: RoleOption,
    kota: KotaScope = None,
    bkm: BkmScope = None,
    mitra: MitraScope = None,
    as_json: JsonFlag = False,
) -> None:
    """Give a Telegram account a role; they see the privacy notice at their first /start."""
    with reporting(as_json):
        the_role = _parse_role(role)
        _check_scope(the_role, kota=kota, bkm=bkm, mitra=mitra)
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            k, b, m = await _scopes(s, kota, bkm, mitra)
            grant = await people.grant_role(
                s, clock, SYSTEM, telegram_id=telegram_id, role=the_role, kota=k, bkm=b, mitra=m
            )
            return {
                "id": grant.id,
                "telegram_id": telegram_id,
                "role": the_role.value,
                "kota": await kota_name(s, grant.kota_id),
                "bkm": b.name if b else None,
                "mitra": m.name if m else None,
            }

        view = in_store(settings, op)
        text = f"Granted {the_role.value}{_where(view)} to Telegram user {telegram_id}."
        emit(as_json, text, grant=view)


def invite(
    role: RoleOption,
    bkm: BkmScope = None,
    kota: KotaScope = None,
    mitra: MitraScope = None,
    uses: Annotated[int, typer.Option(help="How many people may use it.")] = 1,
    days: Annotated[
        int | None, typer.Option(help="Days it stays valid (INVITE_VALID_DAYS).")
    ] = None,
    bot_username: Annotated[
        str | None, typer.Option(help="The bot's username (TELEGRAM_BOT_USERNAME, else paket_bot).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create an invite link that carries a role (and its BKM, kota or mitra)."""
    with reporting(as_json):
        the_role = _parse_role(role)
        _check_scope(the_role, kota=kota, bkm=bkm, mitra=mitra)
        settings = load_settings()
        valid_days = settings.invite_valid_days if days is None else days
        if not 1 <= valid_days <= 365:
            raise CliError(f"--days must be 1 to 365 (got {valid_days}).")
        username = _bot_username(bot_username, settings)

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            k, b, m = await _scopes(s, kota, bkm, mitra)
            row = await invites.create_invite(
                s,
                clock,
                SYSTEM,
                role=the_role,
                bkm=b,
                kota=k,
                mitra=m,
                valid_days=valid_days,
                max_uses=uses,
            )
            return await _invite_view(s, row, username, b, m)

        view = in_store(settings, op)
        expires = (view["expires_at"] or "")[:10]
        text = (
            f"Invite {view['token']} ({the_role.value}{_where(view)}, "
            f"{uses} use{'s' if uses > 1 else ''}, valid until {expires} UTC): {view['link']}"
        )
        emit(as_json, text, invite=view)
