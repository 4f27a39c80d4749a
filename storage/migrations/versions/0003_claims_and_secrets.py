"""outbox claims with leases; tokens kept only as hashes; a heartbeat row for /healthz

Revision ID: 0003_claims_and_secrets
Revises: 0005_question_kinds

Tokens: the text of every token becomes its SHA-256 (token.token_hash); the text goes. Outbox
rows already sent lose the tokens in their data (a placeholder stays); each row remembers
which reply token it carried by its hash. Rows not yet sent keep theirs until they are sent.
"""
import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003_claims_and_secrets'
down_revision: str | None = '0005_question_kinds'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As intake.messaging.tokens has them; copied so the migration never changes with the code.
PLACEHOLDERS = {"reply_token": "[token]", "telegram_start_token": "[link]"}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def upgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('outage', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('sealed', sa.String(), nullable=True))
        batch_op.add_column(sa.Column('reply_token_hash', sa.String(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_reply_token_hash'), ['reply_token_hash'],
                              unique=False)
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token_hash', sa.String(), nullable=True))
    op.create_table(
        'heartbeat',
        sa.Column('name', sa.String(), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    _hash_tokens()
    _blank_sent_outbox()
    _rekey_empty_answers()
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.alter_column('token_hash', existing_type=sa.String(), nullable=False)
        batch_op.create_unique_constraint('uq_token_token_hash', ['token_hash'])
        batch_op.drop_column('token')


def _hash_tokens() -> None:
    bind = op.get_bind()
    token = sa.table('token', sa.column('id', sa.Integer), sa.column('token', sa.String),
                     sa.column('token_hash', sa.String))
    for row_id, text in bind.execute(sa.select(token.c.id, token.c.token)).all():
        bind.execute(token.update().where(token.c.id == row_id)
                     .values(token_hash=_hash(text)))


def _blank_sent_outbox() -> None:
    bind = op.get_bind()
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('status', sa.String),
                      sa.column('data', sa.JSON), sa.column('reply_token_hash', sa.String))
    for row_id, status, data in bind.execute(
            sa.select(outbox.c.id, outbox.c.status, outbox.c.data)).all():
        if not isinstance(data, dict) or not any(
                isinstance(data.get(key), str) for key in PLACEHOLDERS):
            continue
        values: dict = {}
        if isinstance(data.get("reply_token"), str):
            values["reply_token_hash"] = _hash(data["reply_token"])
        if status != "pending" and status != "sending":
            data = dict(data) | {key: mark for key, mark in PLACEHOLDERS.items() if key in data}
            values["data"] = data
        bind.execute(outbox.update().where(outbox.c.id == row_id).values(**values))


def _rekey_empty_answers() -> None:
    # "empty_answer:<token text>" named the token in clear; the token's id names it as well.
    bind = op.get_bind()
    outbox = sa.table('outbox', sa.column('id', sa.Integer), sa.column('dedupe_key', sa.String))
    token = sa.table('token', sa.column('id', sa.Integer), sa.column('token', sa.String))
    ids = dict(bind.execute(sa.select(token.c.token, token.c.id)).all())
    for row_id, key in bind.execute(sa.select(outbox.c.id, outbox.c.dedupe_key).where(
            outbox.c.dedupe_key.like('empty_answer:%'))).all():
        text = key.split(':', 1)[1]
        bind.execute(outbox.update().where(outbox.c.id == row_id).values(
            dedupe_key=f"empty_answer:{ids.get(text, 'gone-' + _hash(text)[:16])}"))


def downgrade() -> None:
    # The token texts are gone for good: a downgrade keeps the hashes where the text was.
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('token', sa.String(), nullable=True))
    op.execute("UPDATE token SET token = token_hash")
    with op.batch_alter_table('token', schema=None) as batch_op:
        batch_op.drop_constraint('uq_token_token_hash', type_='unique')
        batch_op.drop_column('token_hash')
        batch_op.alter_column('token', existing_type=sa.String(), nullable=False)
        batch_op.create_unique_constraint('token_token_key', ['token'])
    op.drop_table('heartbeat')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_reply_token_hash'))
        batch_op.drop_column('reply_token_hash')
        batch_op.drop_column('sealed')
        batch_op.drop_column('outage')
        batch_op.drop_column('lease_until')
