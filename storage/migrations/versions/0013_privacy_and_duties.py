"""privacy_and_duties: person.withdrawn_at (consent withdrawn, identity kept for a while)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.types

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable and without a default: everyone registered so far has not withdrawn.
    with op.batch_alter_table("person") as batch:
        batch.add_column(
            sa.Column("withdrawn_at", storage.types.UtcDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_column("withdrawn_at")
