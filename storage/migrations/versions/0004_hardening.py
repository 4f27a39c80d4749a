"""hardening: sessions end by version, login attempts counted per client and account

Revision ID: 0004_hardening
Revises: 0001
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004_hardening'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('coordinator') as batch:
        batch.add_column(sa.Column('session_version', sa.Integer(), nullable=False,
                                   server_default='0'))
    op.create_table(
        'login_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('client_key', sa.String(), nullable=False),
        sa.Column('account_key', sa.String(), nullable=True),
        sa.Column('ok', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_login_attempt_at', 'login_attempt', ['at'])
    op.create_index('ix_login_attempt_client_key', 'login_attempt', ['client_key'])
    op.create_index('ix_login_attempt_account_key', 'login_attempt', ['account_key'])


def downgrade() -> None:
    op.drop_table('login_attempt')
    with op.batch_alter_table('coordinator') as batch:
        batch.drop_column('session_version')
