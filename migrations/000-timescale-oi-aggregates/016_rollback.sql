-- Undo migration 016: drop the _v2 aggregates (and with them their refresh
-- policies and materialized data). The production aggregates are untouched.
-- Only valid BEFORE the cutover (017): after it, undo 017 first, which
-- renames the new aggregates back to _v2.
DROP MATERIALIZED VIEW IF EXISTS fo_option_strike_bars_5min_v2;
DROP MATERIALIZED VIEW IF EXISTS fo_option_strike_bars_15min_v2;
