-- Undo 06: remove the five compression policies and switch compression off.
-- Compressed chunks are decompressed first (compression cannot be switched
-- off while any exist); on a large table that takes a while and needs disk.
SELECT remove_compression_policy('ohlcv_yearly', if_exists => TRUE);
SELECT remove_compression_policy('ohlcv_quarterly', if_exists => TRUE);
SELECT remove_compression_policy('ohlcv_monthly', if_exists => TRUE);
SELECT remove_compression_policy('factor_scores', if_exists => TRUE);
SELECT remove_compression_policy('ohlcv_data', if_exists => TRUE);
DO $$
DECLARE c regclass;
BEGIN
  FOR c IN SELECT format('%I.%I', chunk_schema, chunk_name)::regclass
           FROM timescaledb_information.chunks WHERE is_compressed
  LOOP
    PERFORM decompress_chunk(c, if_compressed => TRUE);
  END LOOP;
END $$;
ALTER MATERIALIZED VIEW ohlcv_yearly SET (timescaledb.compress = false);
ALTER MATERIALIZED VIEW ohlcv_quarterly SET (timescaledb.compress = false);
ALTER MATERIALIZED VIEW ohlcv_monthly SET (timescaledb.compress = false);
ALTER TABLE factor_scores SET (timescaledb.compress = false);
ALTER TABLE ohlcv_data SET (timescaledb.compress = false);
