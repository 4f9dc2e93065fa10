-- Migration 018: drop the *_old aggregates kept since the cutover (017).
-- PERMANENT: after this, going back to the old aggregates means re-creating
-- and re-materializing them from fo_option_strike_bars.
--
-- Refuses to run unless the cutover is in effect (the production aggregates
-- have the OI columns): after a rollback of 017 the production names ARE the
-- old aggregates, and nothing must be dropped.

DO $$
BEGIN
  IF (SELECT count(*) FROM information_schema.columns
       WHERE table_schema = current_schema()
         AND table_name IN ('fo_option_strike_bars_5min', 'fo_option_strike_bars_15min')
         AND column_name IN ('call_oi_sum', 'put_oi_sum')) <> 4 THEN
    RAISE EXCEPTION 'The production aggregates have no OI columns: the cutover (017) is not in effect, refusing to clean up'
      USING HINT = 'Was 017 rolled back? Then the old aggregates are in use: do not run 018.';
  END IF;
  RAISE NOTICE 'Dropping fo_option_strike_bars_5min_old and fo_option_strike_bars_15min_old...';
END $$;

DROP MATERIALIZED VIEW IF EXISTS fo_option_strike_bars_5min_old;
DROP MATERIALIZED VIEW IF EXISTS fo_option_strike_bars_15min_old;

DO $$ BEGIN RAISE NOTICE '✅ MIGRATION 018 COMPLETE: old aggregates dropped, disk space reclaimed'; END $$;
