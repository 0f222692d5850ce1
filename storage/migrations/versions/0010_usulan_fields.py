"""usulan_fields: what a real usulan holds, and whether an area is a kota or a kabupaten

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 12:00:00.000000

Data carried forward:
- `proposal.perempuan` keeps its column and its meaning: the form always asked "Berapa orang
  perempuan yang menerima manfaat?", a count of people, so it is the new "jiwa perempuan". The
  new `jiwa` (all people) stays empty for old proposals: nothing older says it.
- `sumber_dana` (the funding sources chosen) is set, for every proposal with funding lines, to
  the sources whose line is more than zero, in the form's order. The rupiah amounts are
  untouched, so every sum stays what it was.
- RW/RT were stored as three digits ("005"); the form now stores two ("05", or "03, 04").
- Every existing area is a kota (the only kind there was).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# steps.FUNDING order, frozen here: a migration must not change when the code does.
_SOURCES = ("blm", "apbd_kota", "apbd_provinsi", "kelompok_peduli", "swadaya_tunai", "lainnya")
_STR = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("kota") as batch:
        batch.add_column(sa.Column("kind", _STR(length=20), server_default="kota", nullable=False))
    with op.batch_alter_table("proposal") as batch:
        batch.alter_column(
            "rw", existing_type=_STR(length=5), type_=_STR(length=40), existing_nullable=True
        )
        batch.alter_column(
            "rt", existing_type=_STR(length=5), type_=_STR(length=40), existing_nullable=True
        )
        for name, length in (
            ("komponen_lain", 100),
            ("volume", 100),
            ("status_lahan", 20),
            ("rencana", 20),
            ("rencana_program", 150),
            ("pemeliharaan", 20),
            ("sumber_dana", 200),
            ("lurah_file_id", 200),
            ("lurah_file_kind", 20),
            ("berita_acara_file_id", 200),
            ("berita_acara_kind", 20),
        ):
            batch.add_column(sa.Column(name, _STR(length=length), nullable=True))
        batch.add_column(sa.Column("jiwa", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dana_swadaya_natura", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("lurah_tanggal", sa.Date(), nullable=True))
    _carry_forward()


def _carry_forward() -> None:
    """Chosen sources from the non-zero lines; RW/RT in the two-digit form."""
    bind = op.get_bind()
    proposal = sa.table(
        'proposal', sa.column('id', sa.Integer()), sa.column('rw', sa.String()),
        sa.column('rt', sa.String()), sa.column('sumber_dana', sa.String()),
        *(sa.column(f'dana_{s}', sa.BigInteger()) for s in _SOURCES),
    )  # fmt: skip
    rows = bind.execute(sa.select(proposal)).mappings().all()
    for row in rows:
        lines = {s: row[f"dana_{s}"] for s in _SOURCES}
        values: dict[str, object] = {}
        if any(v is not None for v in lines.values()):
            values["sumber_dana"] = ",".join(s for s, v in lines.items() if v)
        for field in ("rw", "rt"):
            if row[field] and row[field].isdigit():
                values[field] = f"{int(row[field]):02d}"
        if values:
            bind.execute(sa.update(proposal).where(proposal.c.id == row["id"]).values(**values))


def downgrade() -> None:
    bind = op.get_bind()
    proposal = sa.table(
        'proposal', sa.column('rw', sa.String()), sa.column('rt', sa.String()),
        *(sa.column(f'dana_{s}', sa.BigInteger()) for s in _SOURCES),
    )  # fmt: skip
    # Several RW/RT do not fit five characters: keep the first one.
    for field in ("rw", "rt"):
        column = proposal.c[field]
        bind.execute(
            sa.update(proposal)
            .where(sa.func.length(column) > 5)
            .values({field: sa.func.substr(column, 1, 2)})
        )
    with op.batch_alter_table("proposal") as batch:
        for name in (
            "komponen_lain",
            "volume",
            "status_lahan",
            "rencana",
            "rencana_program",
            "pemeliharaan",
            "sumber_dana",
            "lurah_file_id",
            "lurah_file_kind",
            "berita_acara_file_id",
            "berita_acara_kind",
            "jiwa",
            "dana_swadaya_natura",
            "lurah_tanggal",
        ):
            batch.drop_column(name)
        batch.alter_column(
            "rw", existing_type=_STR(length=40), type_=_STR(length=5), existing_nullable=True
        )
        batch.alter_column(
            "rt", existing_type=_STR(length=40), type_=_STR(length=5), existing_nullable=True
        )
    with op.batch_alter_table("kota") as batch:
        batch.drop_column("kind")
