-- After the data copy: materialize the continuous aggregates over the whole
-- copied history (NULL = from the first bar). Their refresh policies only
-- look back 3 months / 9 months / 3 years, so older history would otherwise
-- never be materialized. CALL refresh_continuous_aggregate cannot run in a
-- transaction: the runner runs these one by one.
CALL refresh_continuous_aggregate('ohlcv_monthly', NULL, NULL);
CALL refresh_continuous_aggregate('ohlcv_quarterly', NULL, NULL);
CALL refresh_continuous_aggregate('ohlcv_yearly', NULL, NULL);
