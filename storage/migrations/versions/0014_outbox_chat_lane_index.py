"""outbox_chat_lane_index: one chat's open rows by lane, for the sender's claim

The claim orders due rows by the most urgent lane of any open row of the same chat (a
correlated MIN(priority) per candidate row). Without statistics SQLite answered that MIN from
the (status, priority, …) index, reading every open row of every chat for each candidate: 5 s
per claim with 10,000 announcements queued, on the event loop. With `priority` in the chat's
index the MIN is one index seek. The new index serves everything the old one did.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 17:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_chat_id_status")
        batch.create_index(
            "ix_outbox_chat_id_status_priority", ["chat_id", "status", "priority"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_index("ix_outbox_chat_id_status_priority")
        batch.create_index("ix_outbox_chat_id_status", ["chat_id", "status"], unique=False)
