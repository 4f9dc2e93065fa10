"""Alembic environment for the portfolio API database.

- The database URL comes from the DATABASE_URL environment variable (never
  from alembic.ini, so no credentials are committed).
- compare_type / compare_server_default are on, so `alembic revision
  --autogenerate` (once the application's models are wired in as
  target_metadata) also notices column type and default changes.
- Custom naming conventions: new constraints and indexes get predictable
  names (ix_/uq_/ck_/fk_/pk_), so later migrations can drop them by name.
  Revision 001 wraps the names of the pre-Alembic objects in op.f() so they
  keep the names PostgreSQL gave them.
- Each revision runs in its own transaction (transaction_per_migration), so
  alembic_version always names exactly what is committed: if revision 003
  fails, 002 stays applied and 003 is rolled back completely.
- `-x schema=NAME` runs the migrations inside another schema (created if
  missing) with its own alembic_version table: the runbook uses it to test
  the whole upgrade / downgrade path on an empty schema without touching
  the real tables.

This environment is synchronous (psycopg2). The application may use an async
driver; migrations do not need one.
"""
import os
import re
from logging.config import fileConfig

from alembic import context
from sqlalchemy import MetaData, engine_from_config, pool

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# No application models are imported here: every revision is written by hand
# with op.* calls. Wire in the models' MetaData (with the same naming
# convention) before using --autogenerate; with an empty MetaData,
# autogenerate would propose dropping every table.
target_metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set: export DATABASE_URL=postgresql://user:password@host/database")
    # SQLAlchemy 1.4+ only knows the "postgresql" scheme, not Heroku-style "postgres".
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    return url


# Get database URL from environment ('%' doubled: alembic.ini interpolation).
config.set_main_option("sqlalchemy.url", database_url().replace("%", "%%"))

x_args = context.get_x_argument(as_dictionary=True)
schema = x_args.get("schema")
if schema is not None and not re.fullmatch(r"[a-z_][a-z0-9_]*", schema):
    raise SystemExit(f"-x schema={schema!r}: use lowercase letters, digits and underscores")


def run_migrations_offline() -> None:
    """Run migrations in 'offline' mode: print the SQL instead of running it (alembic upgrade --sql)."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        compare_type=True,
        compare_server_default=True,
        transaction_per_migration=True,
        version_table_schema=schema,
    )
    with context.begin_transaction():
        if schema:
            context.execute(f'SET search_path TO "{schema}"')
        context.run_migrations()


def run_migrations_online() -> None:
    """Run migrations in 'online' mode, against the database."""
    connectable = engine_from_config(
        config.get_section(config.config_ini_section),
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )

    with connectable.connect() as connection:
        if schema:
            connection.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
            connection.exec_driver_sql(f'SET search_path TO "{schema}"')
            current = connection.exec_driver_sql("SELECT current_schema()").scalar()
            if current != schema:
                raise SystemExit(f"-x schema={schema}: search_path did not take effect (current schema {current!r})")

        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            compare_type=True,
            compare_server_default=True,
            transaction_per_migration=True,
            version_table_schema=schema,
        )

        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
