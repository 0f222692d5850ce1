"""`paket-bot user grant|list|revoke`: who holds which role, where.

Roles are given directly (`user grant`, for someone whose Telegram id the operator knows) or
by a link (`invite`, invites.py); both can be taken back (`user revoke`, `invite revoke`). The
role and scope options and their checks live here and are shared with invites.py.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.cli.common import (
    CliError,
    JsonFlag,
    emit,
    group,
    in_store,
    kota_name,
    listing,
    reporting,
)
from bot.cli.common import say as _
from bot.config import load_settings
from bot.domain import areas, people, roster
from bot.domain.actors import SYSTEM, grants_of, person_by_telegram
from bot.domain.clock import Clock
from bot.i18n import N_
from storage.models import Bkm, Kota, Mitra, Role

user_app = group(N_("Orang dan perannya."))
ROLES_HELP = N_(
    "warga, anggota, koordinator, fasilitator, mitra, panitia (anggota Panitia Kemitraan "
    "kota), sekretaris (sekretarisnya, yang mencatat keputusannya), atau admin."
)
RoleOption = Annotated[str, typer.Option(help=ROLES_HELP)]
BkmScope = Annotated[str | None, typer.Option("--bkm", help=N_("Untuk anggota dan koordinator."))]
KotaScope = Annotated[
    str | None,
    typer.Option(
        "--kota", help=N_("Untuk fasilitator, panitia, dan sekretaris (juga untuk membedakan BKM).")
    ),
]
MitraScope = Annotated[str | None, typer.Option("--mitra", help=N_("Untuk mitra."))]
TelegramId = Annotated[
    int, typer.Argument(metavar="TELEGRAM_ID", help=N_("ID Telegram orang itu (angka)."))
]

# Which scope option each role takes; the domain refuses a missing one.
_SCOPES = {
    Role.WARGA: ("kota", "bkm"),
    Role.ANGGOTA: ("bkm",),
    Role.KOORDINATOR: ("bkm",),
    Role.FASILITATOR: ("kota",),
    Role.MITRA: ("mitra",),
    Role.PANITIA: ("kota",),
    Role.SEKRETARIS: ("kota",),
    Role.ADMIN: (),
}
# Roles bound to a kota's committee: without a kota they would mean nothing.
_COMMITTEE_ROLES = (Role.PANITIA, Role.SEKRETARIS)


def parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        roles = ", ".join(r.value for r in Role)
        raise CliError(
            N_("--role harus salah satu dari: {roles} (tertulis {value})."),
            roles=roles,
            value=value,
        ) from None


def check_scope(role: Role, **given: str | None) -> None:
    """Refuse a scope the role does not use, so a grant never carries a misleading area.

    A --kota beside --bkm only tells two BKMs of the same name apart: it is not a second scope.
    """
    named = [name for name, value in given.items() if value]
    if "bkm" in named and "kota" in named:
        named.remove("kota")
    allowed = _SCOPES[role]
    wrong = [name for name in named if name not in allowed]
    if wrong or len(named) > 1:
        got = " & ".join(f"--{n}" for n in named)
        if not allowed:
            raise CliError(
                N_("Peran {role} tidak memakai pilihan wilayah (tertulis {got})."),
                role=role.value, got=got,
            )  # fmt: skip
        takes = " / ".join(f"--{a}" for a in allowed)
        raise CliError(
            N_("Peran {role} memakai {takes} (tertulis {got})."),
            role=role.value,
            takes=takes,
            got=got,
        )


async def scopes(
    s: AsyncSession, kota: str | None, bkm: str | None, mitra: str | None
) -> tuple[Kota | None, Bkm | None, Mitra | None]:
    """The named areas; --kota beside --bkm only picks the BKM, it is not the grant's scope."""
    the_bkm = await areas.find_bkm(s, bkm, kota) if bkm else None
    return (
        await areas.find_kota(s, kota) if kota and not bkm else None,
        the_bkm,
        await areas.find_mitra(s, mitra) if mitra else None,
    )


def _scope_of(view: dict[str, Any]) -> str | None:
    """The narrowest area a grant or invite names, if any."""
    return view.get("bkm") or view.get("mitra") or view.get("kota")


def role_where(role: str, view: dict[str, Any]) -> str:
    """ "koordinator (BKM Sukamaju)", or the role alone when it has no area."""
    scope = _scope_of(view)
    return _("{role} ({scope})", role=role, scope=scope) if scope else role


def check_committee_kota(role: Role, kota: str | None) -> None:
    if role in _COMMITTEE_ROLES and not kota:
        raise CliError(N_("Peran {role} memakai --kota (kota panitianya)."), role=role.value)


# --- user ------------------------------------------------------------------------------------


@user_app.command(
    "grant",
    help=N_(
        "Beri akun Telegram sebuah peran; pemberitahuan privasi tampil pada /start pertamanya."
    ),
)
def user_grant(
    telegram_id: TelegramId,
    role: RoleOption,
    kota: KotaScope = None,
    bkm: BkmScope = None,
    mitra: MitraScope = None,
    as_json: JsonFlag = False,
) -> None:
    """Give a Telegram account a role; they see the privacy notice at their first /start."""
    with reporting(as_json):
        the_role = parse_role(role)
        check_scope(the_role, kota=kota, bkm=bkm, mitra=mitra)
        check_committee_kota(the_role, kota)
        settings = load_settings()

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            k, b, m = await scopes(s, kota, bkm, mitra)
            if the_role == Role.SEKRETARIS:
                assert k is not None and k.id is not None
                await _ensure_sits_in_committee(s, telegram_id, k.id, k.name)
            grant, new = await people.grant_role_once(
                s, clock, SYSTEM, telegram_id=telegram_id, role=the_role, kota=k, bkm=b, mitra=m
            )
            return {
                "id": grant.id,
                "telegram_id": telegram_id,
                "role": the_role.value,
                "kota": await kota_name(s, grant.kota_id),
                "bkm": b.name if b else None,
                "mitra": m.name if m else None,
                "new": new,
            }

        view = in_store(settings, op)
        what = role_where(the_role.value, view)
        text = (
            _("Peran {what} diberikan kepada pengguna Telegram {id}.", what=what, id=telegram_id)
            if view["new"]
            else _(
                "Pengguna Telegram {id} sudah memegang peran {what}; tidak ada yang diubah.",
                id=telegram_id, what=what,
            )
        )  # fmt: skip
        emit(as_json, text, grant=view)


async def _ensure_sits_in_committee(
    s: AsyncSession, telegram_id: int, kota_id: int, kota: str
) -> None:
    """The secretary right goes to a fasilitator or a panitia member of that kota."""
    person = await person_by_telegram(s, telegram_id)
    held = await grants_of(s, person.id) if person is not None and person.id else ()
    if not any(g.role in (Role.FASILITATOR, Role.PANITIA) and g.kota_id == kota_id for g in held):
        raise CliError(
            N_(
                "Sekretaris panitia {kota} harus fasilitator atau anggota panitia {kota}: berikan "
                "dulu --role panitia --kota {kota} (atau fasilitator)."
            ),
            kota=kota,
        )


@user_app.command(
    "list", help=N_("Daftar orang terdaftar dengan perannya (saring menurut peran, kota, BKM).")
)
def user_list(
    role: Annotated[
        str | None, typer.Option(help=N_("Hanya orang yang memegang peran ini."))
    ] = None,
    kota: Annotated[str | None, typer.Option("--kota", help=N_("Hanya peran di kota ini."))] = None,
    bkm: Annotated[str | None, typer.Option("--bkm", help=N_("Hanya peran di BKM ini."))] = None,
    as_json: JsonFlag = False,
) -> None:
    """List registered people with their roles (filter by role, kota, BKM)."""
    with reporting(as_json):
        the_role = parse_role(role) if role else None

        async def op(s: AsyncSession, _clock: Clock) -> list[dict[str, Any]]:
            the_bkm = await areas.find_bkm(s, bkm, kota) if bkm else None
            the_kota = await areas.find_kota(s, kota) if kota else None
            found = await roster.list_people(s, SYSTEM, role=the_role, kota=the_kota, bkm=the_bkm)
            return [_member_view(m) for m in found]

        rows = in_store(load_settings(), op)
        listing(as_json, "people", rows, _member_line, _("Tidak ada orang yang cocok."))


def _member_view(member: roster.Member) -> dict[str, Any]:
    roles = [
        {"role": r.role.value, "kota": r.kota, "bkm": r.bkm, "mitra": r.mitra} for r in member.roles
    ]
    return {
        "telegram_id": member.telegram_id,
        "name": member.name,
        "registered": member.onboarded,
        "roles": roles,
    }


def _member_line(v: dict[str, Any]) -> str:
    roles = ", ".join(role_where(r["role"], r) for r in v["roles"])
    name = v["name"] or _("(belum memperkenalkan diri)")
    line = _("{name} (Telegram {id}): {roles}", name=name, id=v["telegram_id"], roles=roles)
    return line if v["registered"] else _("{line} [belum selesai mendaftar]", line=line)


@user_app.command(
    "revoke",
    help=N_(
        "Cabut peran (sebutkan wilayahnya bila orang itu memegang peran itu di beberapa tempat)."
    ),
)
def user_revoke(
    telegram_id: TelegramId,
    role: RoleOption,
    kota: KotaScope = None,
    bkm: BkmScope = None,
    mitra: MitraScope = None,
    as_json: JsonFlag = False,
) -> None:
    """Take a role back (name its area when the person holds the role in several places)."""
    with reporting(as_json):
        the_role = parse_role(role)

        async def op(s: AsyncSession, clock: Clock) -> dict[str, Any]:
            k, b, m = await scopes(s, kota, bkm, mitra)
            grant = await roster.revoke_role(
                s, clock, SYSTEM, telegram_id=telegram_id, role=the_role, kota=k, bkm=b, mitra=m
            )
            bkm_row = await s.get(Bkm, grant.bkm_id) if grant.bkm_id else None
            mitra_row = await s.get(Mitra, grant.mitra_id) if grant.mitra_id else None
            return {
                "telegram_id": telegram_id,
                "role": the_role.value,
                "kota": await kota_name(s, grant.kota_id),
                "bkm": bkm_row.name if bkm_row else None,
                "mitra": mitra_row.name if mitra_row else None,
            }

        view = in_store(load_settings(), op)
        what = role_where(the_role.value, view)
        text = _("Peran {what} dicabut dari pengguna Telegram {id}.", what=what, id=telegram_id)
        emit(as_json, text, revoked=view)
