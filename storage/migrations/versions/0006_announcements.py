"""announcements: announcement and announcement_ack

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 10:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('announcement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('kota_id', sa.Integer(), nullable=False),
    sa.Column('author_role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('file_kind', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
    sa.Column('send_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('started_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['kota_id'], ['kota.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_kota_id'), ['kota_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_send_at'), ['send_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_announcement_status'), ['status'], unique=False)

    op.create_table('announcement_ack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('announcement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['announcement_id'], ['announcement.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('announcement_id', 'person_id')
    )
    with op.batch_alter_table('announcement_ack', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_announcement_ack_announcement_id'), ['announcement_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('announcement_ack', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_ack_announcement_id'))
    op.drop_table('announcement_ack')
    with op.batch_alter_table('announcement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_announcement_status'))
        batch_op.drop_index(batch_op.f('ix_announcement_send_at'))
        batch_op.drop_index(batch_op.f('ix_announcement_kota_id'))
        batch_op.drop_index(batch_op.f('ix_announcement_author_id'))
    op.drop_table('announcement')
