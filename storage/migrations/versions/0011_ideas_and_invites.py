"""ideas_and_invites: idea (a warga's suggestion to their BKM) and invite_redemption.inviter_told_at

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types


revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('idea',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bkm_id', sa.Integer(), nullable=False),
    sa.Column('kota_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('photo_file_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('decided_by_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('decided_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('told_submitted_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['bkm_id'], ['bkm.id'], ),
    sa.ForeignKeyConstraint(['kota_id'], ['kota.id'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.create_index('ix_idea_bkm_id_status', ['bkm_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_idea_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('invite_redemption', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('inviter_told_at', storage.types.UtcDateTime(timezone=True), nullable=True)
        )
    # Invites redeemed before this release are not announced now, months late: they count as told.
    op.execute('UPDATE invite_redemption SET inviter_told_at = at')


def downgrade() -> None:
    with op.batch_alter_table('invite_redemption', schema=None) as batch_op:
        batch_op.drop_column('inviter_told_at')
    with op.batch_alter_table('idea', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_idea_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_idea_author_id'))
        batch_op.drop_index('ix_idea_bkm_id_status')
    op.drop_table('idea')
