#!/usr/bin/env node
// Copies the seven core tables from the SQLite database (data/spock_local.db)
// into PostgreSQL + TimescaleDB — the guide's scripts/migrate_from_sqlite.py.
//
//   node migrate_from_sqlite.mjs --source PATH [--dry-run] [--tables a,b] [--batch N]
//   node migrate_from_sqlite.mjs --check        (are the modules and the database reachable?)
//
// The target is DATABASE_URL (the runbook gives it to shell steps). The schema
// must exist (the fresh-installation steps). Per table, one transaction:
// rows are read from SQLite in order and inserted in batches with
// INSERT ... ON CONFLICT DO NOTHING, so a re-run after a failure copies only
// what is missing, and rows SQLite holds twice (it has no primary key on
// etf_details) are counted as skipped instead of failing the copy.
// Each finished table gets a line in migration_log; at the end the copied tables
// are analysed.
//
// Progress, one line per table:  Migrating tickers... 18661 rows ✅
// and at the end:                 Migration complete: 963620 total rows
// --dry-run reads everything, checks every column has a place in PostgreSQL,
// prints what would be copied, and writes nothing.
import Database from 'better-sqlite3';
import pg from 'pg';
import { existsSync } from 'node:fs';

// SQLite source → PostgreSQL target, in copy order (tickers first: the
// other tables reference it).
const TABLES = [
  {
    name: 'tickers',
    columns: ['ticker', 'region', 'name', 'exchange', 'currency', 'asset_type', 'is_active', 'created_at', 'updated_at'],
    select: `SELECT ticker, region, name, exchange, currency, asset_type, is_active,
                    COALESCE(created_at, CURRENT_TIMESTAMP) AS created_at, COALESCE(updated_at, created_at, CURRENT_TIMESTAMP) AS updated_at
             FROM tickers ORDER BY ticker, region`,
    convert: (r) => ({ ...r, is_active: r.is_active === null ? true : Boolean(r.is_active) }),
  },
  {
    name: 'ohlcv_data',
    columns: ['ticker', 'region', 'date', 'timeframe', 'open', 'high', 'low', 'close', 'volume'],
    select: `SELECT ticker, region, date, COALESCE(timeframe, '1d') AS timeframe, open, high, low, close, volume
             FROM ohlcv_data ORDER BY date, ticker, region`,
  },
  {
    name: 'stock_details',
    columns: ['ticker', 'region', 'sector', 'industry', 'market_cap', 'shares_outstanding', 'listing_date'],
    select: 'SELECT ticker, region, sector, industry, market_cap, shares_outstanding, listing_date FROM stock_details ORDER BY ticker, region',
  },
  {
    name: 'etf_details',
    columns: ['ticker', 'region', 'issuer', 'tracking_index', 'expense_ratio', 'aum', 'inception_date'],
    select: 'SELECT ticker, region, issuer, tracking_index, expense_ratio, aum, inception_date FROM etf_details ORDER BY ticker, region, rowid',
  },
  {
    name: 'etf_holdings',
    columns: ['etf_ticker', 'region', 'holding_ticker', 'weight', 'shares', 'as_of_date'],
    select: 'SELECT etf_ticker, region, holding_ticker, weight, shares, as_of_date FROM etf_holdings ORDER BY etf_ticker, holding_ticker',
  },
  {
    // Region enhancement: SQLite has no region column here; it comes from tickers.
    name: 'ticker_fundamentals',
    columns: ['ticker', 'region', 'date', 'period_type', 'pe_ratio', 'pb_ratio', 'roe', 'eps', 'dividend_yield', 'market_cap'],
    select: `SELECT f.ticker, COALESCE((SELECT t.region FROM tickers t WHERE t.ticker = f.ticker ORDER BY t.region LIMIT 1), 'KR') AS region,
                    f.date, f.period_type, f.pe_ratio, f.pb_ratio, f.roe, f.eps, f.dividend_yield, f.market_cap
             FROM ticker_fundamentals f ORDER BY f.ticker, f.date`,
  },
  {
    name: 'technical_analysis',
    columns: ['ticker', 'region', 'date', 'rsi_14', 'macd', 'macd_signal', 'bb_upper', 'bb_lower', 'ma_20', 'ma_60'],
    select: 'SELECT ticker, region, date, rsi_14, macd, macd_signal, bb_upper, bb_lower, ma_20, ma_60 FROM technical_analysis ORDER BY date, ticker',
  },
];

function parseArgs(argv) {
  const opts = { dryRun: false, check: false, batch: 1000, tables: null, source: null };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dry-run') opts.dryRun = true;
    else if (a === '--check') opts.check = true;
    else if (a === '--source') opts.source = argv[++i];
    else if (a === '--batch') opts.batch = Number(argv[++i]);
    else if (a === '--tables') opts.tables = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
    else if (a === '--help' || a === '-h') {
      console.log('usage: migrate_from_sqlite.mjs --source PATH [--dry-run] [--tables a,b] [--batch N] | --check');
      process.exit(0);
    } else {
      console.error(`unknown argument: ${a}`);
      process.exit(2);
    }
  }
  if (!Number.isInteger(opts.batch) || opts.batch < 1 || opts.batch > 5000) {
    console.error('--batch must be between 1 and 5000');
    process.exit(2);
  }
  return opts;
}

const fmt = (n) => String(n);

async function main() {
  const opts = parseArgs(process.argv);
  const url = process.env.DATABASE_URL;
  if (!url) {
    console.error('DATABASE_URL is not set: the target PostgreSQL database is unknown');
    return 2;
  }
  const client = new pg.Client({ connectionString: url, application_name: 'migrate_from_sqlite' });
  client.on('error', () => {});
  await client.connect();
  try {
    if (opts.check) {
      const v = await client.query("SELECT current_setting('server_version') AS v");
      console.log(`node ${process.version}, better-sqlite3 and pg loaded; PostgreSQL ${v.rows[0].v} reachable`);
      return 0;
    }
    if (!opts.source) {
      console.error('--source PATH is required (the SQLite database, e.g. data/spock_local.db)');
      return 2;
    }
    if (!existsSync(opts.source)) {
      console.error(`SQLite database not found: ${opts.source}`);
      return 2;
    }
    const sqlite = new Database(opts.source, { readonly: true, fileMustExist: true });
    const tables = opts.tables ? TABLES.filter((t) => opts.tables.includes(t.name)) : TABLES;
    if (opts.tables) {
      const unknown = opts.tables.filter((n) => !TABLES.some((t) => t.name === n));
      if (unknown.length) {
        console.error(`unknown table(s): ${unknown.join(', ')}; known: ${TABLES.map((t) => t.name).join(', ')}`);
        return 2;
      }
    }
    // Both sides must have what the copy needs before anything is written.
    const problems = [];
    for (const t of tables) {
      const inSqlite = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(t.name).n;
      if (!inSqlite) problems.push(`SQLite has no table ${t.name}`);
      const cols = await client.query('SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1', [t.name]);
      const have = new Set(cols.rows.map((r) => r.column_name));
      if (have.size === 0) problems.push(`PostgreSQL has no table ${t.name} (run the schema steps first)`);
      else for (const c of t.columns) if (!have.has(c)) problems.push(`PostgreSQL table ${t.name} has no column ${c}`);
    }
    if (problems.length) {
      for (const p of problems) console.error(`✗ ${p}`);
      return 1;
    }

    let total = 0;
    if (opts.dryRun) {
      console.log(`DRY RUN: nothing will be written. Source ${opts.source}, target ${client.database}`);
      for (const t of tables) {
        const n = sqlite.prepare(`SELECT count(*) AS n FROM (${t.select})`).get().n;
        const existing = (await client.query(`SELECT count(*)::bigint AS n FROM ${pg.escapeIdentifier(t.name)}`)).rows[0].n;
        console.log(`Would migrate ${t.name}... ${fmt(n)} rows (${t.columns.length} columns; ${existing} already in PostgreSQL)`);
        total += n;
      }
      console.log(`DRY RUN complete: ${fmt(total)} total rows would be migrated`);
      return 0;
    }

    const started = Date.now();
    for (const t of tables) {
      const tableStart = new Date();
      process.stdout.write(`Migrating ${t.name}... `);
      let read = 0;
      let inserted = 0;
      await client.query('BEGIN');
      try {
        const cols = t.columns.map((c) => pg.escapeIdentifier(c)).join(', ');
        let batch = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const values = [];
          const rowsSql = batch.map((row, i) => `(${t.columns.map((_, j) => `$${i * t.columns.length + j + 1}`).join(', ')})`);
          for (const row of batch) for (const c of t.columns) values.push(row[c] ?? null);
          const r = await client.query(`INSERT INTO ${pg.escapeIdentifier(t.name)} (${cols}) VALUES ${rowsSql.join(', ')} ON CONFLICT DO NOTHING`, values);
          inserted += r.rowCount;
          batch = [];
        };
        for (const raw of sqlite.prepare(t.select).iterate()) {
          batch.push(t.convert ? t.convert(raw) : raw);
          read++;
          if (batch.length >= opts.batch) await flush();
        }
        await flush();
        await client.query(
          'INSERT INTO migration_log (table_name, source_rows, inserted_rows, skipped_rows, started_at) VALUES ($1, $2, $3, $4, $5)',
          [t.name, read, inserted, read - inserted, tableStart],
        );
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {});
        process.stdout.write('❌\n');
        console.error(`✗ ${t.name}: ${err.message}${err.detail ? ` (${err.detail})` : ''} — nothing of this table was written; earlier tables stay copied`);
        return 1;
      }
      const skipped = read - inserted;
      process.stdout.write(`${fmt(inserted)} rows ✅${skipped ? ` (${skipped} already present or duplicate in SQLite, skipped)` : ''}\n`);
      total += inserted;
    }
    // Statistics for what was just copied, as a bulk load needs: until autovacuum gets to them, the
    // planner takes the tables for empty (and the hypertable's chunks ANALYZE reaches through their parent).
    const analyze = `ANALYZE ${tables.map((t) => pg.escapeIdentifier(t.name)).join(', ')}`;
    await client.query(analyze);
    console.log(`Statistics updated (${analyze})`);
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    console.log(`Migration complete: ${fmt(total)} total rows (${secs} s)`);
    return 0;
  } finally {
    await client.end().catch(() => {});
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`✗ ${err.message}`);
    process.exit(1);
  },
);
