"""/privasi: see my data, delete my data, withdraw consent — each a button, deletion confirmed."""

from __future__ import annotations

from bot.domain import privacy
from bot.i18n import N_, Html
from bot.ui import Button, FileRef, keyboard
from conversations.context import Context
from conversations.menu import roles_text

DECISIONS = {"given": N_("diberikan"), "withdrawn": N_("ditarik")}
EXPORT_NAME = "data-saya-paket.json"


def _choices(ctx: Context, *, with_show: bool = True) -> tuple[tuple[Button, ...], ...]:
    tr = ctx.tr
    rows = [[Button(tr._("👁 Lihat data saya"), data="priv:show")]] if with_show else []
    rows += [
        [Button(tr._("📄 Unduh data saya (JSON)"), data="priv:export")],
        [Button(tr._("🗑 Hapus data saya"), data="priv:ask:delete")],
        [Button(tr._("✋ Tarik persetujuan"), data="priv:ask:withdraw")],
    ]
    return keyboard(*rows)


async def cmd_privacy(ctx: Context) -> None:
    ctx.reply(
        ctx.tr._(
            "<b>Data pribadi Bapak/Ibu</b>\nBapak/Ibu berhak melihat, menghapus data, dan menarik "
            "persetujuan. Permintaan dijawab paling lambat 3×24 jam; di layanan ini langsung."
        ),
        _choices(ctx),
    )


async def on_callback(ctx: Context, parts: list[str]) -> None:
    """`priv:show`, `priv:export`, `priv:ask:{delete|withdraw}`, `priv:do:{...}`, `priv:keep`."""
    action = parts[1] if len(parts) > 1 else ""
    what = parts[2] if len(parts) > 2 else ""
    if action == "show":
        await _show(ctx)
    elif action == "export" and ctx.person is not None:
        data = await privacy.my_data(ctx.session, ctx.person)
        export = FileRef(
            "", "document", EXPORT_NAME, "application/json", content=privacy.export_json(data)
        )
        # The choices ride along: the pressed message loses its buttons.
        caption = ctx.tr._("Data Bapak/Ibu yang kami simpan, dalam satu berkas.")
        ctx.reply(caption, _choices(ctx), attachment=export)
    elif action == "ask" and what in ("delete", "withdraw"):
        ctx.reply(
            ctx.tr._(
                "Yakin? Nama, ID Telegram, nomor telepon, dan peran Bapak/Ibu akan dihapus. Usulan "
                "dan keputusan tetap tersimpan atas nama peran dan organisasi, tanpa nama Bapak/Ibu. "
                "Bapak/Ibu tidak akan menerima pesan lagi."
            ),
            keyboard(
                [Button(ctx.tr._("Ya, hapus"), data=f"priv:do:{what}")],
                [Button(ctx.tr._("Tidak, batalkan"), data="priv:keep")],
            ),
            edit=True,
        )
    elif action == "do" and what in ("delete", "withdraw") and ctx.person and ctx.actor:
        await privacy.forget(
            ctx.session, ctx.clock, ctx.actor, ctx.person, withdraw=what == "withdraw"
        )
        ctx.reply(
            ctx.tr._(
                "Data Bapak/Ibu sudah dihapus. Terima kasih telah ikut dalam PAKET. Untuk kembali, "
                "Bapak/Ibu memerlukan tautan undangan baru."
            ),
            edit=True,
        )
    elif action == "keep":
        ctx.reply(ctx.tr._("Baik, data Bapak/Ibu tidak diubah."), edit=True)
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


async def _show(ctx: Context) -> None:
    assert ctx.person is not None and ctx.actor is not None
    tr = ctx.tr
    data = await privacy.my_data(ctx.session, ctx.person)
    consents = "\n".join(
        tr._(
            "• {decision} ({version}), {when}",
            decision=tr._(DECISIONS.get(d, d)),
            version=v,
            when=tr.short_datetime(at) if at else "-",
        )
        for d, v, at in data.consents
    )
    ctx.reply(
        tr._(
            "<b>Data yang kami simpan</b>\nID Telegram: {telegram_id}\nNama: {name}\nBahasa: {locale}\n"
            "Nomor telepon: {phone}\nPeran: {roles}\nTerdaftar: {registered}\nPersetujuan:\n{consents}",
            telegram_id=str(data.telegram_id),
            name=data.name,
            locale=data.locale or "-",
            phone=data.phone or tr._("tidak disimpan"),
            roles=roles_text(tr, ctx.actor) or "-",
            registered=tr.short_datetime(data.registered_at) if data.registered_at else "-",
            consents=Html(consents) if consents else "-",
        ),
        _choices(ctx, with_show=False),
        edit=True,
    )


COMMANDS = {"privasi": cmd_privacy}
CALLBACKS = {"priv": on_callback}
