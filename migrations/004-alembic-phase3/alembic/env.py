"""Alembic environment for the Czech-learning bot's database.

The database URL comes from DATABASE_URL (never from alembic.ini). Each
revision runs in its own transaction (transaction_per_migration), so after a
failure alembic_version names exactly what was committed; a revision that
needs to run outside a transaction (CREATE INDEX CONCURRENTLY) opens an
autocommit block itself.

Options passed with -x (read by the revisions):
  -x fulltext_config=czech|simple|...   text search configuration for the GIN index
  -x index_mode=transactional|concurrently
"""
import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

# Revisions are written by hand with op.*; no application models are needed.
target_metadata = None


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set: export DATABASE_URL=postgresql://user:password@host/database")
    if url.startswith("postgres://"):  # SQLAlchemy 1.4+ only accepts postgresql://
        url = "postgresql://" + url[len("postgres://"):]
    return url


config.set_main_option("sqlalchemy.url", database_url().replace("%", "%%"))


def run_migrations_offline() -> None:
    """Print the SQL instead of running it (alembic upgrade --sql)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            transaction_per_migration=True,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
