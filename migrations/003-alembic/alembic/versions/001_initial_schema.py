"""Initial schema: the six tables as they existed before Alembic

Revision ID: 001
Revises:
Create Date: 2025-01-15 09:00:00

This revision describes the schema that the old SQL scripts
(run_migrations.py) built, exactly: tables, primary keys, foreign keys,
unique and check constraints, defaults, and the one extra index.

- On the existing database it is NOT run: the runbook stamps the database
  at 001 (`alembic stamp 001`) after checking that this revision, built in
  an empty schema, matches the live schema object for object.
- On an empty database (a new developer, CI, the runbook's self-test)
  `alembic upgrade head` runs it and gets the same schema.

Names are wrapped in op.f(): they are the names PostgreSQL gave these
objects, and must not be rewritten by env.py's naming convention, or later
migrations that drop a constraint by name would work on a new database and
fail on production.
"""
from alembic import context, op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("email", sa.String(255), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=True),
        sa.Column("base_currency", sa.CHAR(3), server_default="USD", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("users_pkey")),
        sa.CheckConstraint("base_currency ~ '^[A-Z]{3}$'", name=op.f("users_base_currency_check")),
    )

    op.create_table(
        "assets",
        sa.Column("id", sa.Integer(), sa.Identity(always=False), nullable=False),
        sa.Column("symbol", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("asset_class", sa.String(20), server_default="equity", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("assets_pkey")),
        sa.UniqueConstraint("symbol", name=op.f("assets_symbol_key")),
        sa.CheckConstraint(
            "asset_class IN ('equity', 'bond', 'commodity', 'crypto', 'cash')",
            name=op.f("assets_asset_class_check"),
        ),
    )

    op.create_table(
        "prices",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("close", sa.Numeric(18, 6), nullable=False),
        sa.Column("currency", sa.String(3), server_default="USD", nullable=False),
        sa.Column("daily_return", sa.Numeric(12, 8), nullable=True),
        sa.Column("is_latest", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("prices_pkey")),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("prices_asset_id_fkey")),
        sa.CheckConstraint("close >= 0", name=op.f("prices_close_check")),
    )

    op.create_table(
        "allocations",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("weight", sa.Numeric(7, 6), nullable=False),
        sa.Column("is_active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("allocations_pkey")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("allocations_user_id_fkey")),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("allocations_asset_id_fkey")),
        sa.CheckConstraint("weight >= 0 AND weight <= 1", name=op.f("allocations_weight_check")),
    )

    op.create_table(
        "index_values",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("index_type", sa.String(30), nullable=False),
        sa.Column("value", sa.Numeric(18, 6), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("index_values_pkey")),
    )

    op.create_table(
        "transactions",
        sa.Column("id", sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("transaction_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("quantity", sa.Numeric(18, 8), nullable=False),
        sa.Column("amount", sa.Numeric(18, 2), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("transactions_pkey")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("transactions_user_id_fkey")),
        sa.ForeignKeyConstraint(["asset_id"], ["assets.id"], name=op.f("transactions_asset_id_fkey")),
        sa.CheckConstraint("kind IN ('buy', 'sell', 'dividend', 'fee')", name=op.f("transactions_kind_check")),
    )
    op.create_index(op.f("transactions_user_id_idx"), "transactions", ["user_id"])


def downgrade() -> None:
    # Below 001 there is nothing: this drops every table and all their data.
    # On the real database that is never what you want (to leave Alembic,
    # use `alembic stamp base` instead), so it refuses unless it runs in a
    # scratch schema (-x schema=...) or is told explicitly.
    x_args = context.get_x_argument(as_dictionary=True)
    scratch = x_args.get("schema")
    if scratch:
        current = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar()
        if current != scratch:
            raise RuntimeError(f"Refusing to drop tables: -x schema={scratch} but the current schema is {current!r}.")
    elif x_args.get("drop_all_tables") != "yes":
        raise RuntimeError(
            "Refusing to downgrade below 001: that drops every table and all data. "
            "To take the database out of Alembic's control use `alembic stamp base`; "
            "to really drop everything pass -x drop_all_tables=yes."
        )
    op.drop_index(op.f("transactions_user_id_idx"), table_name="transactions")
    op.drop_table("transactions")
    op.drop_table("index_values")
    op.drop_table("allocations")
    op.drop_table("prices")
    op.drop_table("assets")
    op.drop_table("users")
