"""Data transformations: normalize prices, back-fill returns, remove duplicate allocations, fix is_latest

Revision ID: 003
Revises: 002
Create Date: 2025-01-15 11:00:00

Four data fixes, each done in batches of assets with a progress line per batch:

1. Normalize existing price data: currency codes upper case, no spaces ('usd' -> 'USD').
2. Back-fill missing calculations: prices.daily_return = close / previous close - 1
   where it is NULL (the nightly job that computed it stopped at some point).
3. Clean duplicate entries: allocations imported twice (same user, asset and
   date): the lowest id is kept.
4. Update denormalized fields: prices.is_latest is true exactly on the most
   recent price of each asset.

Safe migration patterns used here:
- Batch processing: one statement per batch of `batch_size` assets
  (alembic ... -x batch_size=50), so no single statement works on the whole
  table. The batches share the revision's transaction: a failure undoes all
  of them (for tables too large for one transaction, commit per batch
  instead and make each batch idempotent).
- Progress logging: one INFO line per batch, on Alembic's log.
- Rollback on error: any error, or a failed verification at the end, raises,
  and the revision's transaction rolls back: the data is as before and
  alembic_version still says 002.
- Verification queries: after the four fixes, checks that each one holds,
  inside the same transaction.
- Reversible: every row changed or deleted is saved first, whole, as JSON,
  in data_migration_003_undo; downgrade() puts the original values back.
  Drop that table (in a later revision) once the change is accepted: after
  that, 003 can no longer be downgraded.
"""
import logging

from alembic import context, op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "003"
down_revision = "002"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.data_migration")

UNDO = "data_migration_003_undo"


def _batch_size() -> int:
    value = context.get_x_argument(as_dictionary=True).get("batch_size", "50")
    size = int(value)
    if size < 1:
        raise ValueError(f"-x batch_size={value}: must be at least 1")
    return size


def _asset_batches(bind, size):
    lo, hi = bind.execute(sa.text("SELECT coalesce(min(id), 0), coalesce(max(id), -1) FROM assets")).one()
    start = lo
    while start <= hi:
        yield start, min(start + size - 1, hi)
        start += size


def _run_batched(bind, title, sql, size):
    total = 0
    batches = list(_asset_batches(bind, size))
    for number, (lo, hi) in enumerate(batches, start=1):
        count = bind.execute(sa.text(sql), {"lo": lo, "hi": hi}).scalar() or 0
        total += count
        log.info("%s: batch %d/%d (assets %d-%d): %d rows", title, number, len(batches), lo, hi, count)
    log.info("%s: %d rows in total", title, total)
    return total


NORMALIZE_CURRENCY = f"""
WITH changed AS (
    SELECT * FROM prices
    WHERE asset_id BETWEEN :lo AND :hi AND currency <> upper(btrim(currency))
), saved AS (
    INSERT INTO {UNDO} (action, table_name, row_id, old_row)
    SELECT 'update', 'prices', id, to_jsonb(changed) FROM changed
), done AS (
    UPDATE prices p SET currency = upper(btrim(p.currency))
    FROM changed c WHERE p.id = c.id
    RETURNING 1
)
SELECT count(*) FROM done
"""

BACKFILL_RETURNS = f"""
WITH calc AS (
    SELECT id,
           round(close / NULLIF(lag(close) OVER (PARTITION BY asset_id ORDER BY date), 0) - 1, 8) AS computed
    FROM prices
    WHERE asset_id BETWEEN :lo AND :hi
), changed AS (
    SELECT p.*, c.computed FROM prices p JOIN calc c ON c.id = p.id
    WHERE p.daily_return IS NULL AND c.computed IS NOT NULL
), saved AS (
    INSERT INTO {UNDO} (action, table_name, row_id, old_row)
    SELECT 'update', 'prices', id, to_jsonb(changed) - 'computed' FROM changed
), done AS (
    UPDATE prices p SET daily_return = c.computed
    FROM changed c WHERE p.id = c.id
    RETURNING 1
)
SELECT count(*) FROM done
"""

REMOVE_DUPLICATE_ALLOCATIONS = f"""
WITH ranked AS (
    SELECT id, row_number() OVER (PARTITION BY user_id, asset_id, date ORDER BY id) AS copy
    FROM allocations
    WHERE asset_id BETWEEN :lo AND :hi
), removed AS (
    DELETE FROM allocations a USING ranked r
    WHERE a.id = r.id AND r.copy > 1
    RETURNING a.*
), saved AS (
    INSERT INTO {UNDO} (action, table_name, row_id, old_row)
    SELECT 'delete', 'allocations', id, to_jsonb(removed) FROM removed
    RETURNING 1
)
SELECT count(*) FROM saved
"""

FIX_IS_LATEST = f"""
WITH latest AS (
    SELECT DISTINCT ON (asset_id) id FROM prices
    WHERE asset_id BETWEEN :lo AND :hi
    ORDER BY asset_id, date DESC
), changed AS (
    SELECT p.* FROM prices p LEFT JOIN latest l ON l.id = p.id
    WHERE p.asset_id BETWEEN :lo AND :hi
      AND p.is_latest IS DISTINCT FROM (l.id IS NOT NULL)
), saved AS (
    INSERT INTO {UNDO} (action, table_name, row_id, old_row)
    SELECT 'update', 'prices', id, to_jsonb(changed) FROM changed
), done AS (
    UPDATE prices p SET is_latest = NOT p.is_latest
    FROM changed c WHERE p.id = c.id
    RETURNING 1
)
SELECT count(*) FROM done
"""

VERIFICATIONS = [
    ("currency codes are upper case", "SELECT count(*) FROM prices WHERE currency <> upper(btrim(currency))"),
    (
        "daily_return is missing only on the first price of each asset",
        """SELECT count(*) FROM (
               SELECT daily_return, lag(close) OVER (PARTITION BY asset_id ORDER BY date) AS previous
               FROM prices) p
           WHERE p.daily_return IS NULL AND p.previous IS NOT NULL AND p.previous <> 0""",
    ),
    (
        "no duplicate allocations",
        """SELECT count(*) FROM (SELECT 1 FROM allocations GROUP BY user_id, asset_id, date HAVING count(*) > 1) d""",
    ),
    (
        "exactly one is_latest price per asset, on its most recent date",
        """SELECT count(*) FROM (
               SELECT asset_id FROM prices GROUP BY asset_id
               HAVING count(*) FILTER (WHERE is_latest) <> 1
                   OR max(date) <> max(date) FILTER (WHERE is_latest)) bad""",
    ),
]


def _require_online() -> None:
    if context.is_offline_mode():
        raise RuntimeError("revision 003 reads and changes data: it cannot run in offline (--sql) mode")


def upgrade() -> None:
    _require_online()
    bind = op.get_bind()
    size = _batch_size()
    op.execute(
        f"""
        CREATE TABLE {UNDO} (
            seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            action     text NOT NULL CHECK (action IN ('update', 'delete')),
            table_name text NOT NULL,
            row_id     bigint NOT NULL,
            old_row    jsonb NOT NULL,
            saved_at   timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(f"COMMENT ON TABLE {UNDO} IS 'Before-images of the rows changed by Alembic revision 003; used by its downgrade. Drop it (in a later revision) once 003 is accepted.'")

    _run_batched(bind, "normalize price currency codes", NORMALIZE_CURRENCY, size)
    _run_batched(bind, "back-fill prices.daily_return", BACKFILL_RETURNS, size)
    # allocations are batched by the same asset id ranges
    _run_batched(bind, "remove duplicate allocations", REMOVE_DUPLICATE_ALLOCATIONS, size)
    _run_batched(bind, "update prices.is_latest", FIX_IS_LATEST, size)

    failed = []
    for title, sql in VERIFICATIONS:
        bad = bind.execute(sa.text(sql)).scalar()
        log.info("verify: %s: %s", title, "ok" if bad == 0 else f"FAILED ({bad} rows)")
        if bad:
            failed.append(f"{title}: {bad} rows")
    if failed:
        # Raising rolls back this revision's transaction: nothing above is kept.
        raise RuntimeError("data migration 003 verification failed, rolled back: " + "; ".join(failed))

    saved = bind.execute(sa.text(f"SELECT count(*) FROM {UNDO}")).scalar()
    log.info("data migration 003 complete: %d before-images saved in %s", saved, UNDO)


def downgrade() -> None:
    _require_online()
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT to_regclass(:t)"), {"t": UNDO}).scalar() is None:
        raise RuntimeError(
            f"{UNDO} is gone, so revision 003 can no longer be undone. "
            "Restore the data from the backup taken before the upgrade if you must."
        )

    restored = bind.execute(
        sa.text(
            f"""
            WITH originals AS (
                SELECT DISTINCT ON (row_id) row_id, old_row
                FROM {UNDO}
                WHERE action = 'update' AND table_name = 'prices'
                ORDER BY row_id, seq          -- the earliest before-image is the original row
            ), done AS (
                UPDATE prices p
                   SET currency = o.currency, daily_return = o.daily_return, is_latest = o.is_latest
                  FROM originals u, jsonb_populate_record(NULL::prices, u.old_row) AS o
                 WHERE p.id = u.row_id
                RETURNING 1
            )
            SELECT count(*) FROM done
            """
        )
    ).scalar()
    log.info("restored %d prices rows to their values before 003", restored)

    reinserted = bind.execute(
        sa.text(
            f"""
            WITH done AS (
                INSERT INTO allocations OVERRIDING SYSTEM VALUE
                SELECT (jsonb_populate_record(NULL::allocations, old_row)).*
                FROM {UNDO}
                WHERE action = 'delete' AND table_name = 'allocations'
                ORDER BY seq
                RETURNING 1
            )
            SELECT count(*) FROM done
            """
        )
    ).scalar()
    log.info("re-inserted %d duplicate allocations removed by 003", reinserted)

    op.execute(f"DROP TABLE {UNDO}")
