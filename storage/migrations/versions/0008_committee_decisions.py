"""committee_decisions: the Panitia Kemitraan's decisions, with existing ones carried forward

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00.000000

Until now a fasilitator approved, waitlisted or rejected a proposal directly. Those decisions
become committee decisions recorded by the fasilitator who made them (their timeline line
names them), dated the day they were made in the kota's time zone, without a meeting.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

def upgrade() -> None:
    op.create_table('committee_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=True),
    sa.Column('committee', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('meeting_date', sa.Date(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by', sa.Integer(), nullable=True),
    sa.Column('recorded_by_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('recorded_at', storage.types.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['proposal_event.id'], ),
    sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], ),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], ),
    sa.ForeignKeyConstraint(['recorded_by'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('committee_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_committee_decision_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_committee_decision_proposal_id'), ['proposal_id'], unique=False)
    _carry_decisions_forward()


def _carry_decisions_forward() -> None:
    """Every past decision (a status change into a decision) becomes a committee decision."""
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT e.id, e.proposal_id, e.to_status, e.amount, e.note, e.at, e.actor_id, "
        "e.actor_label, k.timezone, k.committee_label "
        "FROM proposal_event e JOIN proposal p ON p.id = e.proposal_id "
        "JOIN kota k ON k.id = p.kota_id "
        "WHERE e.to_status IN ('disetujui', 'daftar_tunggu', 'ditolak') "
        "AND e.from_status IS NOT NULL AND e.from_status <> e.to_status ORDER BY e.id"
    )).all()
    table = sa.table(
        'committee_decision',
        sa.column('proposal_id', sa.Integer), sa.column('outcome', sa.String),
        sa.column('amount', sa.BigInteger), sa.column('note', sa.String),
        sa.column('committee', sa.String), sa.column('meeting_date', sa.Date),
        sa.column('event_id', sa.Integer), sa.column('recorded_by', sa.Integer),
        sa.column('recorded_by_label', sa.String),
        sa.column('recorded_at', storage.types.UtcDateTime(timezone=True)),
    )
    values = []
    for (event_id, proposal_id, outcome, amount, note, at, actor_id, actor_label, zone,
         label) in rows:
        at = _utc(at)
        values.append({
            'proposal_id': proposal_id, 'outcome': outcome, 'amount': amount, 'note': note,
            'committee': label or 'Panitia Kemitraan',
            'meeting_date': at.astimezone(ZoneInfo(zone or 'Asia/Jakarta')).date(),
            'event_id': event_id, 'recorded_by': actor_id,
            'recorded_by_label': actor_label or '', 'recorded_at': at,
        })
    if values:
        op.bulk_insert(table, values)


def _utc(value: object) -> datetime:
    """A timestamp read raw: SQLite gives text, PostgreSQL an aware datetime."""
    if value is None:  # never written so by the bot; keep the row rather than fail
        return datetime.now(UTC)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def downgrade() -> None:
    with op.batch_alter_table('committee_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_committee_decision_proposal_id'))
        batch_op.drop_index(batch_op.f('ix_committee_decision_meeting_id'))
    op.drop_table('committee_decision')
