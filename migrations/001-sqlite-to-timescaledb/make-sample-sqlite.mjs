#!/usr/bin/env node
// Writes a small SQLite database shaped like data/spock_local.db, the source
// of the SQLite → PostgreSQL + TimescaleDB migration, for the runbook's
// sandbox and tests:
//
//   node make-sample-sqlite.mjs OUT.db [--seed N]
//
// The seven tables the migration copies, with deterministic data:
//   tickers 300 (KR and US), ohlcv_data ~104,000 (40 tickers × 10 years of
//   weekdays, timeframe 1d, whole months), stock_details 250, etf_details 23 (one ETF listed
//   twice, as in the real file: PostgreSQL keeps one, the "etf_details: -1 row"
//   warning of the guide), etf_holdings 3, ticker_fundamentals 47 (no region
//   column: the copy adds it from tickers), technical_analysis 0 (schema only).
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

const out = process.argv[2];
if (!out) {
  console.error('usage: node make-sample-sqlite.mjs OUT.db [--seed N]');
  process.exit(2);
}
const seedArg = process.argv.indexOf('--seed');
let seed = seedArg > 0 ? Number(process.argv[seedArg + 1]) : 42;
const random = () => {
  // mulberry32: the same file every time for the same seed
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const path = resolve(out);
mkdirSync(dirname(path), { recursive: true });
rmSync(path, { force: true });
const db = new Database(path);
db.pragma('journal_mode = DELETE');

db.exec(`
CREATE TABLE tickers (
  ticker TEXT NOT NULL, region TEXT NOT NULL, name TEXT, exchange TEXT, currency TEXT,
  asset_type TEXT, is_active INTEGER DEFAULT 1, created_at TEXT, updated_at TEXT,
  PRIMARY KEY (ticker, region));
CREATE TABLE ohlcv_data (
  id INTEGER PRIMARY KEY AUTOINCREMENT, ticker TEXT NOT NULL, region TEXT NOT NULL,
  timeframe TEXT NOT NULL DEFAULT '1d', date TEXT NOT NULL,
  open REAL, high REAL, low REAL, close REAL, volume INTEGER,
  UNIQUE (ticker, region, timeframe, date));
CREATE TABLE stock_details (
  ticker TEXT NOT NULL, region TEXT NOT NULL, sector TEXT, industry TEXT,
  market_cap REAL, shares_outstanding INTEGER, listing_date TEXT, PRIMARY KEY (ticker, region));
CREATE TABLE etf_details (
  ticker TEXT NOT NULL, region TEXT NOT NULL, issuer TEXT, tracking_index TEXT,
  expense_ratio REAL, aum REAL, inception_date TEXT);
CREATE TABLE etf_holdings (
  etf_ticker TEXT NOT NULL, region TEXT NOT NULL, holding_ticker TEXT NOT NULL,
  weight REAL, shares INTEGER, as_of_date TEXT NOT NULL);
CREATE TABLE ticker_fundamentals (
  ticker TEXT NOT NULL, date TEXT NOT NULL, period_type TEXT NOT NULL,
  pe_ratio REAL, pb_ratio REAL, roe REAL, eps REAL, dividend_yield REAL, market_cap REAL);
CREATE TABLE technical_analysis (
  ticker TEXT NOT NULL, region TEXT NOT NULL, date TEXT NOT NULL,
  rsi_14 REAL, macd REAL, macd_signal REAL, bb_upper REAL, bb_lower REAL, ma_20 REAL, ma_60 REAL);
`);

const iso = (d) => d.toISOString().slice(0, 10);
const now = new Date();
const sectors = ['Technology', 'Financials', 'Industrials', 'Health Care', 'Materials', 'Energy'];

const insTicker = db.prepare('INSERT INTO tickers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
const insStock = db.prepare('INSERT INTO stock_details VALUES (?, ?, ?, ?, ?, ?, ?)');
const insEtf = db.prepare('INSERT INTO etf_details VALUES (?, ?, ?, ?, ?, ?, ?)');
const tickers = [];
db.transaction(() => {
  const us = ['AAPL', 'MSFT', 'NVDA', 'AMZN', 'GOOGL', 'SPY', 'QQQ'];
  for (let i = 0; i < 300; i++) {
    const region = i < 150 ? 'KR' : 'US';
    const ticker = region === 'US' && i - 150 < us.length ? us[i - 150] : region === 'KR' ? String(5930 + i * 7).padStart(6, '0') : `US${String(i).padStart(4, '0')}`;
    const isEtf = i % 15 === 14 || ticker === 'SPY' || ticker === 'QQQ';
    tickers.push({ ticker, region, isEtf });
    insTicker.run(ticker, region, `${ticker} ${isEtf ? 'ETF' : 'Corp'}`, region === 'KR' ? (i % 3 ? 'KOSPI' : 'KOSDAQ') : 'NASDAQ',
      region === 'KR' ? 'KRW' : 'USD', isEtf ? 'ETF' : 'STOCK', i % 50 === 49 ? 0 : 1, '2024-01-02 09:00:00', '2025-10-01 09:00:00');
  }
  let stocks = 0;
  for (const t of tickers) {
    if (!t.isEtf && stocks < 250) {
      stocks++;
      insStock.run(t.ticker, t.region, sectors[stocks % sectors.length], `${sectors[stocks % sectors.length]} #${stocks % 7}`,
        Math.round(1e9 * (1 + random() * 500)), Math.round(1e6 * (1 + random() * 900)), '2001-05-15');
    }
  }
  const etfs = tickers.filter((t) => t.isEtf);
  for (const t of etfs) insEtf.run(t.ticker, t.region, t.region === 'KR' ? 'Samsung Asset' : 'State Street', 'KOSPI 200', 0.05 + random() / 2, Math.round(1e8 * (1 + random() * 100)), '2010-01-04');
  // The same ETF twice (as in the real file): only one survives the primary key in PostgreSQL.
  const dup = etfs[0];
  insEtf.run(dup.ticker, dup.region, 'Samsung Asset', 'KOSPI 200', 0.15, 123456789, '2010-01-04');
})();

const insHolding = db.prepare('INSERT INTO etf_holdings VALUES (?, ?, ?, ?, ?, ?)');
insHolding.run('SPY', 'US', 'AAPL', 7.1, 170000000, '2025-10-01');
insHolding.run('SPY', 'US', 'MSFT', 6.5, 88000000, '2025-10-01');
insHolding.run('QQQ', 'US', 'NVDA', 8.2, 95000000, '2025-10-01');

const insFund = db.prepare('INSERT INTO ticker_fundamentals VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
db.transaction(() => {
  for (let i = 0; i < 47; i++) {
    const t = tickers[i * 3]; // 47 different KR tickers: one row each per (ticker, date, period)
    insFund.run(t.ticker, i < 40 ? '2025-06-30' : '2024-12-31', i < 40 ? 'quarterly' : 'annual',
      5 + random() * 30, 0.5 + random() * 4, random() * 0.3, 100 + random() * 5000, random() * 0.05, Math.round(1e9 * (1 + random() * 500)));
  }
})();

// Daily bars (weekdays) for 40 tickers (the first 20 of each region: AAPL, MSFT, SPY, 005930, …) over
// the ten years and one month of whole months before the current one. The shape the plans depend on:
// each monthly chunk holds ~900 rows, a day of every ticker (production: ~7,700 a month), so a one-ticker
// query reads through the index. Five tickers (≤ 110 rows a chunk) or a chunk of a few days of the
// current month are cheaper to read whole, and the planner rightly does that once they are analysed.
const insBar = db.prepare('INSERT INTO ohlcv_data (ticker, region, timeframe, date, open, high, low, close, volume) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
db.transaction(() => {
  const series = [...tickers.filter((t) => t.region === 'KR').slice(0, 20), ...tickers.filter((t) => t.region === 'US').slice(0, 20)].map((t) => ({
    ...t,
    price: t.region === 'KR' ? 5000 + Math.round(random() * 60000) : 20 + Math.round(random() * 400),
  }));
  const start = new Date(Date.UTC(now.getUTCFullYear() - 10, now.getUTCMonth() - 1, 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  // Day by day, every ticker of the day: the order a daily collection writes them in.
  for (let d = new Date(start); d < end; d.setUTCDate(d.getUTCDate() + 1)) {
    const dow = d.getUTCDay();
    if (dow === 0 || dow === 6) continue;
    for (const t of series) {
      const open = t.price;
      const close = Math.max(0.01, open * (1 + (random() - 0.49) * 0.04));
      const high = Math.max(open, close) * (1 + random() * 0.01);
      const low = Math.min(open, close) * (1 - random() * 0.01);
      insBar.run(t.ticker, t.region, '1d', iso(d), +open.toFixed(4), +high.toFixed(4), +low.toFixed(4), +close.toFixed(4), Math.round(1e5 + random() * 1e7));
      t.price = close;
    }
  }
})();

const count = (t) => db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get().n;
const tables = ['tickers', 'ohlcv_data', 'stock_details', 'etf_details', 'etf_holdings', 'ticker_fundamentals', 'technical_analysis'];
console.log(`wrote ${path}: ${tables.map((t) => `${t} ${count(t)}`).join(', ')}`);
db.close();
