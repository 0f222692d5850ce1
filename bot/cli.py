"""The operator's command line, `paket-bot`: set up areas, people and invites; run the bot.

Every data command loads the settings, brings the database to the latest migration (a no-op
at head, so a fresh machine works), runs one domain operation in one transaction as the
operator (`SYSTEM`), and prints one line, or one JSON object with `--json`. Bad input ends
in one clear line and exit code 1 (2 for a mistyped command line), never a traceback.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Annotated, Any, TypeVar

import typer
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import Settings, SettingsError, load_settings
from bot.domain import areas, invites, people
from bot.domain.actors import SYSTEM
from bot.domain.clock import Clock, SystemClock
from bot.domain.errors import DomainError
from storage.db import Database, alembic_config, upgrade
from storage.models import Bkm, Kelurahan, Kota, Mitra, Role

T = TypeVar("T")
Operation = Callable[[AsyncSession, Clock], Awaitable[T]]


def _group(help_text: str) -> typer.Typer:
    return typer.Typer(
        help=help_text,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
    )


app = _group("PAKET Bot: run the bot and set up kota, BKM, partners, roles and invites.")
db_app = _group("The database.")
kota_app = _group("Kota (cities and regencies).")
bkm_app = _group("BKM and their level.")
mitra_app = _group("Partners: Dinas and Kelompok Peduli.")
user_app = _group("People and their roles.")
app.add_typer(db_app, name="db")
app.add_typer(kota_app, name="kota")
app.add_typer(bkm_app, name="bkm")
app.add_typer(mitra_app, name="mitra")
app.add_typer(user_app, name="user")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]
KotaFilter = Annotated[str | None, typer.Option("--kota", help="Only this kota.")]

# --- output and errors -----------------------------------------------------------------------


class CliError(Exception):
    """Bad operator input caught by the CLI itself, before any domain call."""


def _emit(as_json: bool, text: str, **data: Any) -> None:
    if as_json:
        typer.echo(json.dumps({"ok": True, **data}, ensure_ascii=False, default=str))
    else:
        typer.echo(text)


def _fail(as_json: bool, message: str) -> None:
    if as_json:
        typer.echo(json.dumps({"ok": False, "error": message}, ensure_ascii=False))
    else:
        typer.echo(f"Error: {message}", err=True)


def _describe(exc: Exception) -> str:
    """One line for any failure: domain errors with their params filled, the rest summarised."""
    if isinstance(exc, DomainError):
        try:
            return exc.message.format(**exc.params)
        except (KeyError, IndexError, ValueError):
            return exc.message
    if isinstance(exc, SQLAlchemyError):
        cause = getattr(exc, "orig", None) or exc
        return f"database error: {_first_line(cause)}"
    if isinstance(exc, CliError | SettingsError):
        return str(exc)
    if isinstance(exc, ConnectionError):
        return f"cannot connect: {_first_line(exc)}"
    return f"{type(exc).__name__}: {_first_line(exc)}"


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


@contextmanager
def _reporting(as_json: bool) -> Iterator[None]:
    """Turn every failure into one line (or a JSON object) and exit code 1."""
    try:
        yield
    except (typer.Exit, typer.Abort):
        raise
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    except Exception as exc:
        _fail(as_json, _describe(exc))
        raise typer.Exit(1) from None


# --- store and parsing -----------------------------------------------------------------------


def _in_store(settings: Settings, operation: Operation[T]) -> T:
    """Migrate (cheap at head), then run `operation` in one transaction as the operator."""
    upgrade(settings.database_url)
    return asyncio.run(_transaction(settings.database_url, operation))


async def _transaction(url: str, operation: Operation[T]) -> T:
    db = Database(url)
    try:
        async with db.transaction() as session:
            return await operation(session, SystemClock())
    finally:
        await db.dispose()


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _parse_date(value: str, option: str) -> date:
    text = value.strip()
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CliError(f"{option} must be a date written YYYY-MM-DD, e.g. 2026-06-01 (got {value!r}).")


def _parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise CliError(f"--role must be one of: {roles} (got {value!r}).") from None


# Which scope option each role takes; the domain refuses a missing one.
_SCOPES = {
    Role.WARGA: ("kota", "bkm"),
    Role.ANGGOTA: ("bkm",),
    Role.KOORDINATOR: ("bkm",),
    Role.FASILITATOR: ("kota",),
    Role.MITRA: ("mitra",),
    Role.ADMIN: (),
}


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


async def _kota_name(s: AsyncSession, kota_id: int | None) -> str | None:
    return (await s.get_one(Kota, kota_id)).name if kota_id is not None else None


# --- views -----------------------------------------------------------------------------------


def _kota_view(kota: Kota) -> dict[str, Any]:
    fields = ("id", "name", "province", "timezone", "committee_label")
    return {f: getattr(kota, f) for f in fields}


def _kota_line(v: dict[str, Any]) -> str:
    province = f", {v['province']}" if v["province"] else ""
    return f"{v['name']}{province} ({v['timezone']}; committee: {v['committee_label']})"


async def _bkm_view(s: AsyncSession, bkm: Bkm, today: date) -> dict[str, Any]:
    kelurahan = await s.get_one(Kelurahan, bkm.kelurahan_id)
    check = areas.eligibility(bkm, today)
    return {
        "id": bkm.id,
        "name": bkm.name,
        "kota": await _kota_name(s, bkm.kota_id),
        "kecamatan": kelurahan.kecamatan,
        "kelurahan": kelurahan.name,
        "level": bkm.level,
        "assessed_on": bkm.assessed_on.isoformat() if bkm.assessed_on else None,
        "eligible": check.eligible,
        "ineligible_reason": check.reason,
    }


_WHY_NOT = {
    "level": "level below berdaya",
    "expired": "rating older than 12 months",
    "unrated": "no assessment date",
}


def _bkm_line(v: dict[str, Any]) -> str:
    assessed = f"assessed {v['assessed_on']}" if v["assessed_on"] else "not assessed"
    verdict = "eligible" if v["eligible"] else f"not eligible: {_WHY_NOT[v['ineligible_reason']]}"
    return (
        f"{v['name']}: kelurahan {v['kelurahan']}, {v['kota']}; {v['level']}, {assessed}; {verdict}"
    )


async def _mitra_view(s: AsyncSession, mitra: Mitra) -> dict[str, Any]:
    kota = await _kota_name(s, mitra.kota_id)
    return {"id": mitra.id, "name": mitra.name, "kind": mitra.kind, "kota": kota}


def _mitra_line(v: dict[str, Any]) -> str:
    return f"{v['name']} ({v['kind']}, {v['kota']})"


def _listing(as_json: bool, key: str, rows: list[dict[str, Any]], line: Callable[..., str]) -> None:
    text = "\n".join(line(r) for r in rows) if rows else f"No {key} registered yet."
    _emit(as_json, text, **{key: rows})


# --- run, demo, db ---------------------------------------------------------------------------


@app.command()
def run(as_json: JsonFlag = False) -> None:
    """Migrate the database, then run the bot; without TELEGRAM_BOT_TOKEN run the demo."""
    with _reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        if not settings.token:
            _emit(as_json, "TELEGRAM_BOT_TOKEN is not set: starting the demo instead.", mode="demo")
            _run_demo(settings)
            return
        from bot.runtime.app import run as run_bot

        mode = "webhook" if settings.webhook_url else "polling"
        _emit(as_json, f"Starting PAKET Bot ({mode}); stop with Ctrl+C.", mode=mode)
        run_bot(settings)


@app.command()
def demo(as_json: JsonFlag = False) -> None:
    """Chat with the real bot in this terminal, as demo users, over a simulated Telegram."""
    with _reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        _emit(as_json, "Starting the demo.", mode="demo")
        _run_demo(settings)


def _run_demo(settings: Settings) -> None:
    from bot.demo import run_demo

    run_demo(settings)


@db_app.command("upgrade")
def db_upgrade(as_json: JsonFlag = False) -> None:
    """Apply every pending migration and print the current revision."""
    with _reporting(as_json):
        settings = load_settings()
        upgrade(settings.database_url)
        head = ScriptDirectory.from_config(alembic_config(settings.database_url)).get_current_head()
        revision = asyncio.run(_current_revision(settings.database_url))
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        text = f"Database {where} is at revision {revision}" + (
            " (latest)." if revision == head else "."
        )
        _emit(as_json, text, database=where, revision=revision, head=head)


async def _current_revision(url: str) -> str | None:
    db = Database(url)
    try:
        async with db.engine.connect() as conn:
            return await conn.run_sync(
                lambda c: MigrationContext.configure(c).get_current_revision()
            )
    finally:
        await db.dispose()


# --- kota ------------------------------------------------------------------------------------


@kota_app.command("add")
def kota_add(
    name: Annotated[str, typer.Option(help="Name of the kota, e.g. Bandung.")],
    province: Annotated[str, typer.Option(help='Province, e.g. "Jawa Barat".')] = "",
    timezone: Annotated[
        str | None,
        typer.Option(help="Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)."),
    ] = None,
    committee_label: Annotated[
        str | None, typer.Option(help='What the city calls its committee, e.g. "Pokja PAKET".')
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a kota with its one time zone."""
    with _reporting(as_json):
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            zone = timezone or settings.default_timezone
            kota = await areas.add_kota(
                s,
                clock,
                SYSTEM,
                name=name,
                province=province,
                timezone=zone,
                committee_label=committee_label,
            )
            return _kota_view(kota)

        view = _in_store(settings, op)
        _emit(as_json, f"Added kota {_kota_line(view)}.", kota=view)


@kota_app.command("list")
def kota_list(as_json: JsonFlag = False) -> None:
    """List every kota."""
    with _reporting(as_json):

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            return [_kota_view(k) for k in await areas.list_kota(s)]

        _listing(as_json, "kota", _in_store(load_settings(), op), _kota_line)


# --- bkm -------------------------------------------------------------------------------------


@bkm_app.command("add")
def bkm_add(
    name: Annotated[str, typer.Option(help='Name of the BKM, e.g. "BKM Sukamaju".')],
    kelurahan: Annotated[str, typer.Option(help="Its kelurahan (created on first use).")],
    kota: Annotated[str, typer.Option(help="Its kota (already added).")],
    kecamatan: Annotated[str, typer.Option(help="Its kecamatan.")] = "",
    level: Annotated[str, typer.Option(help="awal, berdaya, mandiri or madani.")] = "awal",
    assessed: Annotated[str | None, typer.Option(help="Date of the rating, YYYY-MM-DD.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Register a BKM with its level and the date it was assessed."""
    with _reporting(as_json):
        assessed_on = _parse_date(assessed, "--assessed") if assessed is not None else None
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            bkm = await areas.add_bkm(
                s,
                clock,
                SYSTEM,
                name=name,
                kota=kota,
                kelurahan=kelurahan,
                kecamatan=kecamatan,
                level=level,
                assessed_on=assessed_on,
            )
            return await _bkm_view(s, bkm, clock.now().date())

        view = _in_store(settings, op)
        _emit(as_json, f"Added {_bkm_line(view)}.", bkm=view)


@bkm_app.command("level")
def bkm_level(
    level: Annotated[str, typer.Option(help="awal, berdaya, mandiri or madani.")],
    assessed: Annotated[str, typer.Option(help="Date of the assessment, YYYY-MM-DD.")],
    bkm_name: Annotated[
        str | None, typer.Argument(metavar="[BKM]", help="Name of the BKM.")
    ] = None,
    bkm: Annotated[
        str | None, typer.Option("--bkm", help="Name of the BKM (or as argument).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Record a BKM's new rating from the facilitators' assessment."""
    with _reporting(as_json):
        target = _one_bkm(bkm_name, bkm)
        assessed_on = _parse_date(assessed, "--assessed")
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            row = await areas.set_bkm_level(
                s, clock, SYSTEM, bkm=target, level=level, assessed_on=assessed_on
            )
            return await _bkm_view(s, row, clock.now().date())

        view = _in_store(settings, op)
        _emit(as_json, f"Updated {_bkm_line(view)}.", bkm=view)


def _one_bkm(argument: str | None, option: str | None) -> str:
    if argument and option and " ".join(argument.split()) != " ".join(option.split()):
        raise CliError("Name the BKM once: as an argument or with --bkm, not both.")
    name = argument or option
    if not name:
        raise CliError(
            'Name the BKM: paket-bot bkm level "BKM Sukamaju" --level ... --assessed ...'
        )
    return name


@bkm_app.command("list")
def bkm_list(kota: KotaFilter = None, as_json: JsonFlag = False) -> None:
    """List BKMs with their level and whether they may take part in PAKET."""
    with _reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> list[dict[str, Any]]:
            kota_id = (await areas.find_kota(s, kota)).id if kota else None
            today = clock.now().date()
            return [await _bkm_view(s, b, today) for b in await areas.list_bkm(s, kota_id)]

        _listing(as_json, "bkm", _in_store(load_settings(), op), _bkm_line)


# --- mitra -----------------------------------------------------------------------------------


@mitra_app.command("add")
def mitra_add(
    name: Annotated[str, typer.Option(help='e.g. "Dinas PUPR Kota Bandung".')],
    kind: Annotated[str, typer.Option(help="dinas or kelompok_peduli.")],
    kota: Annotated[str, typer.Option(help="The kota it works in.")],
    as_json: JsonFlag = False,
) -> None:
    """Register a partner that proposals can be channelled to."""
    with _reporting(as_json):

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            mitra = await areas.add_mitra(s, clock, SYSTEM, name=name, kind=kind, kota=kota)
            return await _mitra_view(s, mitra)

        view = _in_store(load_settings(), op)
        _emit(as_json, f"Added mitra {_mitra_line(view)}.", mitra=view)


@mitra_app.command("list")
def mitra_list(kota: KotaFilter = None, as_json: JsonFlag = False) -> None:
    """List partners."""
    with _reporting(as_json):

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            kota_id = (await areas.find_kota(s, kota)).id if kota else None
            return [await _mitra_view(s, m) for m in await areas.list_mitra(s, kota_id)]

        _listing(as_json, "mitra", _in_store(load_settings(), op), _mitra_line)


# --- people and invites ----------------------------------------------------------------------

RoleOption = Annotated[
    str, typer.Option(help="warga, anggota, koordinator, fasilitator, mitra or admin.")
]
BkmScope = Annotated[str | None, typer.Option("--bkm", help="For anggota and koordinator.")]
KotaScope = Annotated[str | None, typer.Option("--kota", help="For fasilitator.")]
MitraScope = Annotated[str | None, typer.Option("--mitra", help="For mitra.")]


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
    with _reporting(as_json):
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
                "kota": await _kota_name(s, grant.kota_id),
                "bkm": b.name if b else None,
                "mitra": m.name if m else None,
            }

        view = _in_store(settings, op)
        scope = view["bkm"] or view["mitra"] or view["kota"]
        where = f" for {scope}" if scope else ""
        _emit(
            as_json,
            f"Granted {the_role.value}{where} to Telegram user {telegram_id}.",
            grant=view,
        )


_BOT_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")


def _bot_username(option: str | None, settings: Settings) -> str:
    """--bot-username, else TELEGRAM_BOT_USERNAME (environment or .env), else paket_bot."""
    name = (
        option
        or getattr(settings, "telegram_bot_username", None)
        or os.environ.get("TELEGRAM_BOT_USERNAME")
        or dotenv_values(".env").get("TELEGRAM_BOT_USERNAME")
        or "paket_bot"
    ).removeprefix("@")
    if not _BOT_USERNAME.fullmatch(name):
        raise CliError(
            f"--bot-username must be a Telegram bot username like paket_bot (got {name!r})."
        )
    return name


@app.command()
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
    with _reporting(as_json):
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
            return {
                "token": row.token,
                "link": invites.deep_link(username, row.token),
                "role": the_role.value,
                "kota": await _kota_name(s, row.kota_id),
                "bkm": b.name if b else None,
                "mitra": m.name if m else None,
                "max_uses": row.max_uses,
                "expires_at": row.expires_at.isoformat() if row.expires_at else None,
            }

        view = _in_store(settings, op)
        scope = view["bkm"] or view["mitra"] or view["kota"]
        where = f" for {scope}" if scope else ""
        expires = (view["expires_at"] or "")[:10]
        _emit(
            as_json,
            f"Invite {view['token']} ({the_role.value}{where}, {uses} use{'s' if uses > 1 else ''}, "
            f"valid until {expires} UTC): {view['link']}",
            invite=view,
        )


# --- entry point -----------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    """Console entry point: a mistyped command line ends in one line, not a usage block."""
    args = sys.argv[1:] if argv is None else argv
    command = typer.main.get_command(app)
    try:
        code = command.main(args=args, prog_name="paket-bot", standalone_mode=False)
    except typer.Abort:
        typer.echo("Aborted.", err=True)
        sys.exit(1)
    except Exception as exc:
        # Click's usage errors (missing option, bad integer...) carry an exit code and a message.
        exit_code = getattr(exc, "exit_code", None)
        if not isinstance(exit_code, int) or not hasattr(exc, "format_message"):
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # prints the help, as intended
            sys.exit(exit_code)
        ctx = getattr(exc, "ctx", None)
        hint = f" Try '{ctx.command_path} --help'." if ctx is not None else ""
        _fail("--json" in args, exc.format_message().rstrip(".") + "." + hint)
        sys.exit(exit_code)
    sys.exit(code if isinstance(code, int) else 0)
