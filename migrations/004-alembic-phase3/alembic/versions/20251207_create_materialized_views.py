"""Create materialized views (Phase 3): user_stats_summary

Revision ID: 003
Revises: 002
Create Date: 2025-12-07 11:00:00

user_stats_summary: one row per user with the aggregates the dashboards and
the leaderboard need (total stars, best streak, words learned, messages,
average correctness, last activity), pre-computed instead of aggregating
daily_stats and messages on every page view.

A materialized view is a snapshot: it does not change when the tables do.
It is refreshed hourly (the Celery task refresh_materialized_views) with
REFRESH MATERIALIZED VIEW CONCURRENTLY, which does not block readers but
needs a UNIQUE index covering all rows: idx_user_stats_summary_telegram_id.

Indexes on the view:
  idx_user_stats_summary_telegram_id    UNIQUE (telegram_id)   the bot looks users up by Telegram id
  idx_user_stats_summary_total_stars    (total_stars DESC)     leaderboard
  idx_user_stats_summary_max_streak     (max_streak DESC)      streak leaderboard
  idx_user_stats_summary_total_messages (total_messages DESC)  most active users
  idx_user_stats_summary_last_activity  (last_activity DESC NULLS LAST)  recently active users
"""
from alembic import op

revision = "003"
down_revision = "002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE MATERIALIZED VIEW user_stats_summary AS
        SELECT u.id                                AS user_id,
               u.telegram_id,
               u.username,
               u.level,
               coalesce(s.total_stars, 0)          AS total_stars,
               coalesce(s.max_streak, 0)           AS max_streak,
               coalesce(s.total_words_learned, 0)  AS total_words_learned,
               coalesce(s.active_days, 0)          AS active_days,
               coalesce(m.total_messages, 0)       AS total_messages,
               m.avg_correctness,
               m.last_activity
        FROM users u
        LEFT JOIN (
            SELECT user_id,
                   sum(stars_earned)  AS total_stars,
                   max(streak_days)   AS max_streak,
                   sum(words_learned) AS total_words_learned,
                   count(*)           AS active_days
            FROM daily_stats
            GROUP BY user_id
        ) s ON s.user_id = u.id
        LEFT JOIN (
            SELECT user_id,
                   count(*)                           AS total_messages,
                   round(avg(correctness_score), 1)   AS avg_correctness,
                   max(created_at)                    AS last_activity
            FROM messages
            GROUP BY user_id
        ) m ON m.user_id = u.id
        WITH DATA
        """
    )
    op.execute("CREATE UNIQUE INDEX idx_user_stats_summary_telegram_id ON user_stats_summary (telegram_id)")
    op.execute("CREATE INDEX idx_user_stats_summary_total_stars ON user_stats_summary (total_stars DESC)")
    op.execute("CREATE INDEX idx_user_stats_summary_max_streak ON user_stats_summary (max_streak DESC)")
    op.execute("CREATE INDEX idx_user_stats_summary_total_messages ON user_stats_summary (total_messages DESC)")
    op.execute("CREATE INDEX idx_user_stats_summary_last_activity ON user_stats_summary (last_activity DESC NULLS LAST)")
    # A new materialized view has no planner statistics until it is analyzed.
    op.execute("ANALYZE user_stats_summary")


def downgrade() -> None:
    # Dropping the view drops its indexes with it.
    op.execute("DROP MATERIALIZED VIEW IF EXISTS user_stats_summary")
