"""question kinds: the typed value of an answer revision (option id, number, yes/no, date)

Revision ID: 0005_question_kinds
Revises: 0004_hardening
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_question_kinds"
down_revision: str | None = "0004_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: every text answer, and every revision from before kinds, has no value.
    with op.batch_alter_table("answer_revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("answer_revision", schema=None) as batch_op:
        batch_op.drop_column("value")
