"""/undang: a koordinator invites members of their BKM; a fasilitator invites koordinators
(and members) of BKMs in their kota. The bot answers with the deep link to forward."""

from __future__ import annotations

from bot.domain import areas, invites
from bot.domain.errors import DomainError, NotFound
from bot.domain.permissions import invitable_roles
from bot.ui import Button, keyboard
from conversations.context import Context
from conversations.errors import reply_error
from conversations.menu import role_label
from storage.models import Bkm, Role

# Roles offered in chat, in the order a person expects them.
OFFERED = (Role.KOORDINATOR, Role.ANGGOTA, Role.WARGA)
MAX_BKM_BUTTONS = 30


async def _bkms_for(ctx: Context) -> list[Bkm]:
    assert ctx.actor is not None
    kota_ids = ctx.actor.kota_ids(Role.FASILITATOR)
    own = ctx.actor.bkm_ids(Role.KOORDINATOR)
    result = []
    for bkm in await areas.list_bkm(ctx.session):
        if ctx.actor.is_admin or bkm.kota_id in kota_ids or bkm.id in own:
            result.append(bkm)
    return result


async def cmd_invite(ctx: Context) -> None:
    bkms = await _bkms_for(ctx)
    if not bkms:
        ctx.reply(ctx.tr._("Maaf, belum ada BKM di wilayah Bapak/Ibu."))
        return
    if len(bkms) == 1:
        await _ask_role(ctx, bkms[0])
        return
    rows = [Button(bkm.name, data=f"inv:b:{bkm.id}") for bkm in bkms[:MAX_BKM_BUTTONS]]
    ctx.reply(ctx.tr._("Untuk BKM mana undangan ini?"), keyboard(*rows))


async def _ask_role(ctx: Context, bkm: Bkm, *, edit: bool = False) -> None:
    assert ctx.actor is not None
    allowed = invitable_roles(ctx.actor)
    if not (
        ctx.actor.has(Role.FASILITATOR) and bkm.kota_id in ctx.actor.kota_ids(Role.FASILITATOR)
    ):
        allowed -= {Role.KOORDINATOR}
    rows = [
        Button(
            ctx.tr._("Undang {role}", role=role_label(ctx.tr, role)),
            data=f"inv:r:{bkm.id}:{role.value}",
        )
        for role in OFFERED
        if role in allowed or ctx.actor.is_admin
    ]
    ctx.reply(
        ctx.tr._("Siapa yang ingin Bapak/Ibu undang ke {bkm}?", bkm=bkm.name),
        keyboard(*rows),
        edit=edit,
    )


async def on_callback(ctx: Context, parts: list[str]) -> None:
    """`inv:b:BKM_ID` picks the BKM; `inv:r:BKM_ID:ROLE` creates the invite."""
    try:
        bkm = (
            await ctx.session.get(Bkm, int(parts[2]))
            if len(parts) > 2 and parts[2].isdigit()
            else None
        )
        if bkm is None or bkm not in await _bkms_for(ctx):
            raise NotFound()
        if parts[1] == "b":
            await _ask_role(ctx, bkm, edit=True)
        elif parts[1] == "r" and len(parts) > 3 and parts[3] in {r.value for r in OFFERED}:
            await _create(ctx, bkm, Role(parts[3]))
        else:
            ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
    except DomainError as error:
        reply_error(ctx, error)


async def _create(ctx: Context, bkm: Bkm, role: Role) -> None:
    assert ctx.actor is not None
    chat = ctx.services.chat
    invite = await invites.create_invite(
        ctx.session, ctx.clock, ctx.actor, role=role, bkm=bkm, valid_days=chat.invite_valid_days
    )
    link = invites.deep_link(chat.bot_username, invite.token)
    assert invite.expires_at is not None
    ctx.reply(
        ctx.tr._(
            "Tautan undangan untuk <b>{role}</b> di {bkm}:\n{link}\n\n"
            "Silakan teruskan tautan ini kepada orang yang diundang. Tautan berlaku untuk satu orang "
            "sampai {until}. Bapak/Ibu akan diberi tahu ketika orang itu bergabung.",
            role=role_label(ctx.tr, role),
            bkm=bkm.name,
            link=link,
            until=ctx.tr.datetime(invite.expires_at),
        ),
        edit=True,
    )
