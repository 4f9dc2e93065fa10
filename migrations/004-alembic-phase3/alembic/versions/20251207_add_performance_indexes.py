"""Add performance indexes (Phase 3): composite, GIN full text, partial, NULLS FIRST

Revision ID: 002
Revises: 001
Create Date: 2025-12-07 10:00:00

  idx_messages_user_created       (user_id, created_at DESC)            a user's latest messages
  idx_daily_stats_user_date       (user_id, date)                       a user's stats by day
  idx_saved_words_user_word       (user_id, word)                       has the user saved this word?
  idx_messages_text_search        GIN (to_tsvector(<config>, text))     full-text search in messages
  idx_messages_correctness_score  (correctness_score) WHERE correctness_score IS NOT NULL
                                                                        analytics over graded messages (partial)
  idx_saved_words_review          (user_id, next_review_at NULLS FIRST) spaced repetition: never-reviewed words first

Options (alembic -x name=value):

  fulltext_config   The text search configuration of the GIN index. PostgreSQL
                    ships NO Czech configuration (there is no Czech Snowball
                    stemmer). Use `czech` only after installing one (a Czech
                    hunspell/ispell dictionary and CREATE TEXT SEARCH
                    CONFIGURATION czech ...); otherwise `simple` (lower-casing
                    only: no stemming, no stop words). Without the option:
                    `czech` if the database has it, else `simple` with a
                    WARNING. The chosen configuration is written into the
                    index's COMMENT, and queries must use the same one:
                    to_tsvector('<config>', text) @@ plainto_tsquery('<config>', ...).

  index_mode        transactional (default): plain CREATE INDEX inside the
                    migration's transaction — blocks writes to each table
                    while its index builds; fine for small tables and in a
                    maintenance window.
                    concurrently: CREATE INDEX CONCURRENTLY in an autocommit
                    block — no write blocking, slower, and a failure can leave
                    an INVALID index behind (drop it and re-run: IF NOT EXISTS
                    skips the ones that were finished).
"""
import logging
import re

from alembic import context, op
import sqlalchemy as sa

revision = "002"
down_revision = "001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.phase3")

INDEXES = [
    ("idx_messages_user_created", "messages (user_id, created_at DESC)"),
    ("idx_daily_stats_user_date", "daily_stats (user_id, date)"),
    ("idx_saved_words_user_word", "saved_words (user_id, word)"),
    ("idx_messages_text_search", "messages USING GIN (to_tsvector('{config}'::regconfig, text))"),
    ("idx_messages_correctness_score", "messages (correctness_score) WHERE correctness_score IS NOT NULL"),
    ("idx_saved_words_review", "saved_words (user_id, next_review_at NULLS FIRST)"),
]


def _options():
    x = context.get_x_argument(as_dictionary=True)
    mode = x.get("index_mode", "transactional")
    if mode not in ("transactional", "concurrently"):
        raise ValueError(f"-x index_mode={mode}: use transactional or concurrently")
    config = x.get("fulltext_config")
    if config is not None and not re.fullmatch(r"[a-z_][a-z0-9_]*", config):
        raise ValueError(f"-x fulltext_config={config!r}: not a text search configuration name")
    return mode, config


def _choose_config(requested):
    if context.is_offline_mode():
        if requested is None:
            raise RuntimeError("offline (--sql) mode: pass -x fulltext_config=czech or -x fulltext_config=simple")
        return requested
    bind = op.get_bind()
    available = set(bind.execute(sa.text("SELECT cfgname FROM pg_ts_config")).scalars())
    if requested is not None:
        if requested not in available:
            raise RuntimeError(
                f"text search configuration {requested!r} does not exist in this database. "
                "PostgreSQL has no built-in Czech configuration: install a Czech dictionary and create "
                "one (see the runbook's troubleshooting), or run with -x fulltext_config=simple."
            )
        return requested
    if "czech" in available:
        return "czech"
    log.warning(
        "no 'czech' text search configuration in this database (PostgreSQL has none built in): "
        "building idx_messages_text_search with 'simple' - no Czech stemming, no stop words"
    )
    return "simple"


def upgrade() -> None:
    mode, requested = _options()
    config = _choose_config(requested)
    log.info("full-text configuration: %s; index mode: %s", config, mode)
    if config != "czech":
        log.warning(
            "idx_messages_text_search is built with the '%s' text search configuration, not Czech: "
            "words match only in the exact form typed (slovíčka does not find slovíčko)",
            config,
        )

    statements = [f"CREATE INDEX {'CONCURRENTLY IF NOT EXISTS ' if mode == 'concurrently' else ''}{name} ON {target.format(config=config)}"
                  for name, target in INDEXES]
    comment = (
        f"Full-text search over messages.text with the '{config}' text search configuration. "
        f"Queries must use to_tsvector('{config}', text) to use this index."
        + ("" if config == "czech" else
           " Not Czech-aware: PostgreSQL has no built-in Czech configuration (no stemming, no stop words).")
    )

    if mode == "concurrently":
        # CONCURRENTLY cannot run inside a transaction: commit what is open and run each in autocommit.
        with op.get_context().autocommit_block():
            for sql in statements:
                log.info("%s", sql)
                op.execute(sql)
    else:
        for sql in statements:
            log.info("%s", sql)
            op.execute(sql)
    op.execute(f"COMMENT ON INDEX idx_messages_text_search IS '{comment.replace(chr(39), chr(39) * 2)}'")


def downgrade() -> None:
    mode, _ = _options()
    drops = [f"DROP INDEX {'CONCURRENTLY ' if mode == 'concurrently' else ''}IF EXISTS {name}" for name, _ in reversed(INDEXES)]
    if mode == "concurrently":
        with op.get_context().autocommit_block():
            for sql in drops:
                op.execute(sql)
    else:
        for sql in drops:
            op.execute(sql)
