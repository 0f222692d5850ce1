"""/privasi: see my data, delete my data, withdraw consent — each a button.

Deleting and withdrawing are different, and each has its own confirmation saying exactly what
happens (bot/domain/privacy.py): deletion erases now ("Ya, hapus sekarang"); withdrawal stops
everything but keeps name and Telegram id with the consent record for a stated time, and says
why ("Ya, tarik persetujuan").
"""

from __future__ import annotations

from bot.domain import privacy
from bot.i18n import N_, Html
from bot.ui import Button, FileRef, keyboard
from conversations.context import Context
from conversations.language import language_name
from conversations.menu import roles_text

DECISIONS = {"given": N_("diberikan"), "withdrawn": N_("ditarik")}
EXPORT_NAME = "data-saya-paket.json"


def _choices(ctx: Context, *, with_show: bool = True) -> tuple[tuple[Button, ...], ...]:
    tr = ctx.tr
    rows = [[Button(tr._("👁 Lihat data saya"), data="priv:show")]] if with_show else []
    rows += [
        [Button(tr._("📄 Unduh data saya (JSON)"), data="priv:export")],
        [Button(tr._("🗑 Hapus data saya"), data="priv:ask:delete")],
    ]
    if not _withdrawn(ctx):  # once withdrawn, only seeing and deleting what is kept remain
        rows.append([Button(tr._("✋ Tarik persetujuan"), data="priv:ask:withdraw")])
    return keyboard(*rows)


def _withdrawn(ctx: Context) -> bool:
    return ctx.person is not None and ctx.person.withdrawn_at is not None


async def cmd_privacy(ctx: Context) -> None:
    if ctx.person is None:  # someone the bot has never stored: nothing to show or delete
        ctx.reply(ctx.tr._("Kami tidak menyimpan data apa pun tentang Bapak/Ibu."))
        return
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
    if ctx.person is None or ctx.actor is None:  # an old button of a person since deleted
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))
    elif action == "show":
        await _show(ctx)
    elif action == "export":
        data = await privacy.my_data(ctx.session, ctx.person)
        export = FileRef(
            "", "document", EXPORT_NAME, "application/json", content=privacy.export_json(data)
        )
        # The choices ride along: the pressed message loses its buttons.
        caption = ctx.tr._("Data Bapak/Ibu yang kami simpan, dalam satu berkas.")
        ctx.reply(caption, _choices(ctx), attachment=export)
    elif action == "ask" and what == "delete":
        _ask_delete(ctx)
    elif action == "ask" and what == "withdraw" and not _withdrawn(ctx):
        _ask_withdraw(ctx)
    elif action == "do" and what == "delete":
        await privacy.delete_now(ctx.session, ctx.clock, ctx.actor, ctx.person)
        ctx.reply(
            ctx.tr._(
                "Data Bapak/Ibu sudah dihapus. Terima kasih telah ikut dalam PAKET. Untuk kembali, "
                "Bapak/Ibu memerlukan tautan undangan baru."
            ),
            edit=True,
        )
    elif action == "do" and what == "withdraw" and not _withdrawn(ctx):
        until = await privacy.withdraw(ctx.session, ctx.clock, ctx.actor, ctx.person)
        ctx.reply(
            ctx.tr._(
                "Persetujuan Bapak/Ibu sudah ditarik. Peran Bapak/Ibu sudah dicabut dan PAKET Bot "
                "tidak akan mengirim pesan lagi.\n\nNama dan ID Telegram Bapak/Ibu disimpan "
                "bersama catatan persetujuan sampai {until}, lalu dihapus. Untuk kembali, "
                "Bapak/Ibu memerlukan tautan undangan baru.",
                until=until.date(),
            ),
            edit=True,
        )
    elif action == "keep":
        ctx.reply(ctx.tr._("Baik, data Bapak/Ibu tidak diubah."), edit=True)
    else:
        ctx.toast(ctx.tr._("Tombol ini sudah tidak berlaku."))


def _ask_delete(ctx: Context) -> None:
    """Deletion: everything goes now; programme records keep only role and organisation."""
    ctx.reply(
        ctx.tr._(
            "<b>Hapus data sekarang?</b>\nNama, ID Telegram, nomor telepon, bahasa, dan peran "
            "Bapak/Ibu akan dihapus sekarang juga, termasuk dari pesan dan catatan lain yang "
            "menyebut Bapak/Ibu. Usulan, keputusan, dan daftar hadir rapat tetap tersimpan atas "
            "nama peran dan organisasi, tanpa nama Bapak/Ibu. Bapak/Ibu tidak akan menerima pesan "
            "lagi. Ini tidak dapat dibatalkan."
        ),
        keyboard(
            [Button(ctx.tr._("Ya, hapus sekarang"), data="priv:do:delete")],
            [Button(ctx.tr._("Tidak, batalkan"), data="priv:keep")],
        ),
        edit=True,
    )


def _ask_withdraw(ctx: Context) -> None:
    """Withdrawal: processing stops; what is kept, for how long and why, said before."""
    ctx.reply(
        ctx.tr._(
            "<b>Tarik persetujuan?</b>\nPAKET Bot akan berhenti memproses data Bapak/Ibu: semua "
            "peran dicabut, pesan yang masih menunggu dikirim dibatalkan, dan Bapak/Ibu tidak "
            "akan menerima pesan lagi.\n\nYang tetap kami simpan hanya nama dan ID Telegram "
            "Bapak/Ibu bersama catatan persetujuan, selama {years} tahun: selama itu catatan "
            "program yang Bapak/Ibu ikuti (usulan, rapat, laporan) disimpan dalam arsip, dan "
            "program harus dapat membuktikan bahwa data di dalamnya diproses dengan persetujuan "
            "Bapak/Ibu. Setelah itu semuanya dihapus otomatis.\n\nJika ingin semua data "
            'dihapus sekarang juga, pilih "Hapus data saya".',
            years=privacy.RETENTION_YEARS,
        ),
        keyboard(
            [Button(ctx.tr._("Ya, tarik persetujuan"), data="priv:do:withdraw")],
            [Button(ctx.tr._("🗑 Hapus data saya"), data="priv:ask:delete")],
            [Button(ctx.tr._("Tidak, batalkan"), data="priv:keep")],
        ),
        edit=True,
    )


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
            locale=language_name(data.locale),
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
