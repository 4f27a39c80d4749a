"""one pipeline: what the adapter read is kept on the inbox row, what was sent on the outbox row

Revision ID: 0002_pipeline
Revises: 0003_claims_and_secrets
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_pipeline"
down_revision: str | None = "0003_claims_and_secrets"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("inbox") as batch:
        # The conversation a row belongs to (one chat, one sender): its rows go in order.
        batch.add_column(sa.Column("conversation", sa.String(), nullable=True))
        # The order inside the conversation where it is not the row id (Telegram update_id).
        batch.add_column(sa.Column("sequence", sa.BigInteger(), nullable=True))
        # What the channel's adapter read: text, classification; shown for held mail.
        batch.add_column(sa.Column("reading", sa.JSON(), nullable=True))
        # The connecting address of an SMTP client: with the envelope, the flood guard's key.
        batch.add_column(sa.Column("peer", sa.String(), nullable=True))
        batch.create_index("ix_inbox_pending_conversation", ["status", "conversation"])
    with op.batch_alter_table("outbox") as batch:
        # Rendered once when enqueued: what was sent is what is stored.
        batch.add_column(sa.Column("subject", sa.Text(), nullable=True))
        batch.add_column(sa.Column("body_text", sa.Text(), nullable=True))
        batch.add_column(sa.Column("body_html", sa.Text(), nullable=True))
        batch.add_column(sa.Column("buttons", sa.JSON(), nullable=True))
    # Telegram rows still waiting keep their chat's order after the upgrade.
    op.execute("UPDATE inbox SET conversation = 'tg:' || sender, "
               "sequence = CAST(external_id AS BIGINT) "
               "WHERE channel = 'telegram' AND status = 'pending' AND sender IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        for column in ("buttons", "body_html", "body_text", "subject"):
            batch.drop_column(column)
    with op.batch_alter_table("inbox") as batch:
        batch.drop_index("ix_inbox_pending_conversation")
        for column in ("peer", "reading", "sequence", "conversation"):
            batch.drop_column(column)
