"""Performance indexes: composite, time-series and partial

Revision ID: 002
Revises: 001
Create Date: 2025-01-15 10:00:00

Composite indexes for the common queries, one for time-series scans, and
three partial indexes that only contain the rows the hot queries read:

  ix_prices_asset_date       UNIQUE (asset_id, date)       price history of an asset; one price per asset and day
  ix_prices_latest           (asset_id, date) WHERE is_latest = true   latest price per asset
  ix_prices_date_desc        (date DESC)                   time-series queries over all assets
  ix_allocations_user_date   (user_id, date, asset_id)     a user's portfolio over time
  ix_allocations_active      (user_id, asset_id) WHERE is_active = true   a user's current portfolio
  ix_index_values_date       (date, index_type)            performance tracking
  ix_transactions_user_date  (user_id, transaction_date)   a user's transaction history
  ix_users_active            (email) WHERE deleted_at IS NULL   log-in lookups among active users

Plain CREATE INDEX inside the migration's transaction: it blocks writes to
each table while that index is built (seconds on these tables). For very
large tables build them CONCURRENTLY by hand first; these statements would
then fail with "already exists" (see the runbook's troubleshooting).

ix_prices_asset_date is UNIQUE: it fails if two prices exist for the same
asset and day. The runbook checks for that before running this revision.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "002"
down_revision = "001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Composite indexes for common queries
    op.create_index("ix_prices_asset_date", "prices", ["asset_id", "date"], unique=True)

    # Partial index for latest prices
    op.execute(
        """
        CREATE INDEX ix_prices_latest
        ON prices(asset_id, date)
        WHERE is_latest = true
        """
    )

    # Index for time-series queries
    op.create_index("ix_prices_date_desc", "prices", [sa.text("date DESC")])

    # User portfolio queries
    op.create_index("ix_allocations_user_date", "allocations", ["user_id", "date", "asset_id"])

    # A user's current portfolio: only the active allocations
    op.create_index(
        "ix_allocations_active",
        "allocations",
        ["user_id", "asset_id"],
        postgresql_where=sa.text("is_active = true"),
    )

    # Performance tracking
    op.create_index("ix_index_values_date", "index_values", ["date", "index_type"])

    # Transaction history of a user
    op.create_index("ix_transactions_user_date", "transactions", ["user_id", "transaction_date"])

    # Active (not soft-deleted) users, looked up by e-mail at log-in
    op.create_index(
        "ix_users_active",
        "users",
        ["email"],
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_users_active", table_name="users")
    op.drop_index("ix_transactions_user_date", table_name="transactions")
    op.drop_index("ix_index_values_date", table_name="index_values")
    op.drop_index("ix_allocations_active", table_name="allocations")
    op.drop_index("ix_allocations_user_date", table_name="allocations")
    op.drop_index("ix_prices_date_desc", table_name="prices")
    op.drop_index("ix_prices_latest", table_name="prices")
    op.drop_index("ix_prices_asset_date", table_name="prices")
