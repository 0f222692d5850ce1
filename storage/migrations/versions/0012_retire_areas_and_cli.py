"""retire_areas_and_cli: kota/bkm/mitra.retired_at, invite.revoked_at; BKM names unique per kota

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# 0001 left bkm.name's unique constraint unnamed: PostgreSQL calls it bkm_name_key; on SQLite
# batch mode can only drop it once a naming convention gives it a name.
_SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _unnamed_name_constraint() -> str:
    return "uq_bkm_name" if op.get_bind().dialect.name == "sqlite" else "bkm_name_key"


def upgrade() -> None:
    for table in ('kota', 'mitra'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column('retired_at', storage.types.UtcDateTime(timezone=True), nullable=True)
            )
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('revoked_at', storage.types.UtcDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table('bkm', schema=None, naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.add_column(
            sa.Column('retired_at', storage.types.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint(_unnamed_name_constraint(), type_='unique')
        batch_op.create_unique_constraint('uq_bkm_kota_id_name', ['kota_id', 'name'])


def downgrade() -> None:
    # Fails, as it should, when two kotas now hold a BKM of the same name.
    with op.batch_alter_table('bkm', schema=None, naming_convention=_SQLITE_NAMES) as batch_op:
        batch_op.drop_constraint('uq_bkm_kota_id_name', type_='unique')
        batch_op.create_unique_constraint(_unnamed_name_constraint(), ['name'])
        batch_op.drop_column('retired_at')
    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.drop_column('revoked_at')
    for table in ('mitra', 'kota'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('retired_at')
