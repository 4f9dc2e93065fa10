"""Baseline schema (phases 1 and 2): users, messages, daily_stats, saved_words

Revision ID: 001
Revises:
Create Date: 2025-11-20 09:00:00

The schema Phase 3 starts from. Existing databases are already at this
revision; a new database gets it with `alembic upgrade 001`.
"""
from alembic import context, op
import sqlalchemy as sa

revision = "001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("telegram_id", sa.BigInteger(), nullable=False, unique=True),
        sa.Column("username", sa.String(64)),
        sa.Column("first_name", sa.String(128)),
        sa.Column("level", sa.String(2), nullable=False, server_default="A1"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
        sa.Column("last_active_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(16), nullable=False, server_default="user"),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("correctness_score", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )
    op.create_table(
        "daily_stats",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("messages_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("words_learned", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("stars_earned", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("streak_days", sa.Integer(), nullable=False, server_default="0"),
    )
    op.create_table(
        "saved_words",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("word", sa.String(100), nullable=False),
        sa.Column("translation", sa.String(200)),
        sa.Column("context", sa.Text()),
        sa.Column("times_reviewed", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_review_at", sa.DateTime(timezone=True)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.text("now()")),
    )


def downgrade() -> None:
    # Below the baseline there is no schema at all: this drops every table.
    if context.get_x_argument(as_dictionary=True).get("drop_all_tables") != "yes":
        raise RuntimeError(
            "Refusing to downgrade below 001: that drops every table and all data "
            "(pass -x drop_all_tables=yes on a throwaway database if that is really meant)."
        )
    op.drop_table("saved_words")
    op.drop_table("daily_stats")
    op.drop_table("messages")
    op.drop_table("users")
