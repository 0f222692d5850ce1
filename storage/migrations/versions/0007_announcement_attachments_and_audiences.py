"""announcement attachments and audiences: a photo or document on each outbox row, several
BKMs as one audience, and the author's live progress message

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 12:00:00.000000

Existing rows carry forward: the new columns are nullable (or default to false), and the
audience column only grows.
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("media_kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True)
        )
        batch_op.add_column(
            sa.Column("media_file_id", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True)
        )
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.alter_column(
            "audience",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=40),
            type_=sqlmodel.sql.sqltypes.AutoString(length=400),
            existing_nullable=True,
        )
        batch_op.add_column(sa.Column("progress_chat_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("progress_message_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("progress_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("progress_final", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("announcement", schema=None) as batch_op:
        batch_op.drop_column("progress_final")
        batch_op.drop_column("progress_text")
        batch_op.drop_column("progress_message_id")
        batch_op.drop_column("progress_chat_id")
        batch_op.alter_column(
            "audience",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=400),
            type_=sqlmodel.sql.sqltypes.AutoString(length=40),
            existing_nullable=True,
        )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("media_file_id")
        batch_op.drop_column("media_kind")
