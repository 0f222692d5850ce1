"""tranches_and_partner_plans: disbursement ledger, progress files, partner support plans

An existing `proposal.disbursed_amount` becomes one tranche-1 entry of the ledger, recorded by
whoever recorded the first disbursement (from the audit log) at that time; existing pledges
become cash plans. `disbursed_amount` stays, as the ledger's running total.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('disbursement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('tranche', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_by_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.ForeignKeyConstraint(['corrects_id'], ['disbursement.id'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disbursement_proposal_id'), ['proposal_id'], unique=False)

    op.create_table('proposal_progress_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('stage', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('file_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('file_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_by_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['added_by'], ['person.id'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposal_progress_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_progress_file_proposal_id'), ['proposal_id'], unique=False)

    with op.batch_alter_table('proposal_partner', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('plan_description', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column('plan_year', sa.Integer(), nullable=True))

    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))

    _carry_forward()


def _carry_forward() -> None:
    """Old totals become tranche-1 entries; old pledges become cash plans."""
    # The first "proposal.disburse" audit row says who recorded money first, and when.
    op.execute(sa.text("""
        INSERT INTO disbursement (proposal_id, tranche, amount, recorded_by, recorded_by_label,
                                  at, corrects_id, reason)
        SELECT p.id, 1, p.disbursed_amount,
               (SELECT a.actor_person_id FROM audit_log a
                 WHERE a.entity = 'proposal' AND a.entity_id = p.id
                   AND a.action = 'proposal.disburse' ORDER BY a.id LIMIT 1),
               COALESCE((SELECT a.actor_label FROM audit_log a
                 WHERE a.entity = 'proposal' AND a.entity_id = p.id
                   AND a.action = 'proposal.disburse' ORDER BY a.id LIMIT 1), ''),
               COALESCE((SELECT a.at FROM audit_log a
                 WHERE a.entity = 'proposal' AND a.entity_id = p.id
                   AND a.action = 'proposal.disburse' ORDER BY a.id LIMIT 1), p.updated_at),
               NULL, NULL
          FROM proposal p
         WHERE p.disbursed_amount > 0
    """))
    op.execute(sa.text(
        "UPDATE proposal_partner SET plan_kind = 'cash' WHERE answer = 'pledged'"
    ))


def downgrade() -> None:
    with op.batch_alter_table('proposal_event', schema=None) as batch_op:
        batch_op.drop_column('kind')

    with op.batch_alter_table('proposal_partner', schema=None) as batch_op:
        batch_op.drop_column('plan_year')
        batch_op.drop_column('plan_description')
        batch_op.drop_column('plan_kind')

    with op.batch_alter_table('proposal_progress_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_progress_file_proposal_id'))
    op.drop_table('proposal_progress_file')

    with op.batch_alter_table('disbursement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disbursement_proposal_id'))
    op.drop_table('disbursement')
