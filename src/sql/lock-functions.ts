// What the lock model knows about functions: which change state outside the
// table they are called on (so a SELECT calling them writes), which are
// volatile (so a column default with them rewrites the table), and which are
// PostgreSQL's own (so a statement calling them can still be analysed).

import type { Node } from 'libpg-query';
import { dottedName, unwrap } from './tree.js';

/**
 * Functions that change state: sessions, replication slots, large objects,
 * sequences, settings, files, statistics. A SELECT that calls one writes.
 */
const STATE_CHANGING = new Set([
  'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'pg_rotate_logfile', 'pg_switch_wal',
  'pg_switch_xlog', 'pg_promote', 'pg_drop_replication_slot', 'pg_create_physical_replication_slot',
  'pg_create_logical_replication_slot', 'pg_copy_physical_replication_slot', 'pg_copy_logical_replication_slot',
  'pg_replication_slot_advance', 'pg_logical_slot_get_changes', 'pg_logical_slot_get_binary_changes',
  'pg_logical_emit_message', 'pg_replication_origin_create', 'pg_replication_origin_drop',
  'pg_replication_origin_advance', 'pg_replication_origin_session_setup', 'pg_replication_origin_session_reset',
  'pg_replication_origin_xact_setup', 'pg_wal_replay_pause', 'pg_wal_replay_resume', 'pg_backup_start',
  'pg_backup_stop', 'pg_start_backup', 'pg_stop_backup', 'pg_create_restore_point', 'pg_stat_reset',
  'pg_stat_reset_shared', 'pg_stat_reset_single_table_counters', 'pg_stat_reset_single_function_counters',
  'pg_stat_reset_slru', 'pg_stat_reset_replication_slot', 'pg_stat_reset_subscription_stats',
  'pg_stat_statements_reset', 'pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync',
  'pg_import_system_collations', 'pg_log_backend_memory_contexts', 'pg_sync_replication_slots',
  'lo_unlink', 'lo_create', 'lo_creat', 'lo_import', 'lo_export', 'lo_put', 'lo_from_bytea', 'lo_truncate',
  'lo_truncate64', 'lowrite', 'lo_open', 'setval', 'nextval', 'set_config', 'pg_advisory_lock',
  'pg_advisory_xact_lock', 'pg_try_advisory_lock', 'pg_advisory_unlock', 'pg_advisory_unlock_all',
  'dblink_exec', 'pg_notify', 'txid_current', 'pg_current_xact_id',
]);

/** Volatile built-ins: a default with one of these is evaluated per row, so ADD COLUMN rewrites. */
const VOLATILE = new Set([
  'random', 'random_normal', 'setseed', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuidv4', 'uuidv7',
  'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4', 'nextval', 'txid_current', 'pg_current_xact_id',
  'gen_random_bytes', 'gen_salt', 'crypt',
]);

/** Non-volatile built-ins commonly found in defaults and queries. */
const KNOWN = new Set([
  'now', 'statement_timestamp', 'transaction_timestamp', 'current_date', 'current_timestamp', 'localtimestamp',
  'count', 'sum', 'min', 'max', 'avg', 'bool_and', 'bool_or', 'every', 'string_agg', 'array_agg', 'coalesce',
  'nullif', 'greatest', 'least', 'lower', 'upper', 'length', 'char_length', 'octet_length', 'substr', 'substring',
  'replace', 'trim', 'btrim', 'ltrim', 'rtrim', 'concat', 'concat_ws', 'format', 'left', 'right', 'md5', 'sha256',
  'abs', 'ceil', 'floor', 'round', 'trunc', 'mod', 'power', 'sqrt', 'generate_series', 'unnest', 'row_number',
  'rank', 'dense_rank', 'lag', 'lead', 'first_value', 'last_value', 'extract', 'date_part', 'date_trunc', 'age',
  'timezone', 'split_part', 'position', 'strpos', 'starts_with', 'encode', 'decode', 'exists', 'quote_ident',
  'quote_literal', 'quote_nullable', 'version', 'obj_description', 'col_description', 'format_type', 'percentile_cont',
  'percentile_disc', 'mode', 'stddev', 'variance', 'cardinality', 'row_to_json', 'initcap', 'reverse', 'repeat', 'lpad',
  'rpad', 'translate', 'ascii', 'chr', 'isfinite', 'justify_interval', 'num_nonnulls', 'num_nulls', 'inet_client_addr',
  'inet_server_addr', 'host', 'masklen', 'set_masklen', 'text', 'int4', 'int8', 'numeric', 'float8', 'bool',
]);

/** Name prefixes of PostgreSQL's own function families. */
const KNOWN_PREFIX = /^(pg_|json_|jsonb_|array_|string_|regexp_|to_|make_|ts_|txid_|current_|has_|lo_|time_bucket|date_|range_|bit_|width_|to_)/;

/** The function's name without its schema: pg_catalog.now → now. */
export function functionName(call: Record<string, unknown>): string {
  return dottedName(call.funcname as Node[] | undefined).split('.').pop() ?? '';
}

export function changesState(name: string): boolean {
  return STATE_CHANGING.has(name);
}

/** The state-changing functions a statement calls (pg_terminate_backend, lo_unlink, …). */
export function stateChangingCalls(node: unknown): string[] {
  return functionCalls(node).map(functionName).filter(changesState);
}

/** Whether the function is PostgreSQL's own and does nothing the lock model cannot see. */
export function isKnownFunction(call: Record<string, unknown>): boolean {
  const names = dottedName(call.funcname as Node[] | undefined).split('.');
  const name = names[names.length - 1];
  if (names.length > 1 && names[0] !== 'pg_catalog') return false;
  return KNOWN.has(name) || VOLATILE.has(name) || STATE_CHANGING.has(name) || KNOWN_PREFIX.test(name);
}

/**
 * Every FuncCall in a subtree (the call's own body). Remembered per tree: the
 * lock model reads each statement's calls when the runbook is linted, when
 * its step starts and when the step runs (a tree is never changed once parsed).
 */
export function functionCalls(tree: unknown): readonly Record<string, unknown>[] {
  const known = tree !== null && typeof tree === 'object' ? callsOf.get(tree) : undefined;
  if (known) return known;
  const found: Record<string, unknown>[] = [];
  walk(tree, (type, body) => {
    if (type === 'FuncCall') found.push(body);
  });
  if (tree !== null && typeof tree === 'object') callsOf.set(tree, found);
  return found;
}

const callsOf = new WeakMap<object, readonly Record<string, unknown>[]>();

/**
 * Whether an expression is volatile: 'volatile', 'stable' (fine for a
 * default), or 'unknown' when it calls a function the model does not know
 * (a user function may be volatile).
 */
export function expressionVolatility(expr: unknown): { volatility: 'volatile' | 'unknown' | 'fixed'; name?: string } {
  for (const call of functionCalls(expr)) {
    const name = functionName(call);
    if (VOLATILE.has(name)) return { volatility: 'volatile', name };
    if (!isKnownFunction(call)) return { volatility: 'unknown', name };
  }
  // A subquery in a default is not allowed; a sequence default written as nextval() is caught above.
  return { volatility: 'fixed' };
}

/** Visits every node of a parse tree (depth first) with its type and body. */
export function walk(tree: unknown, visit: (type: string, body: Record<string, unknown>) => void): void {
  if (tree === null || typeof tree !== 'object') return;
  if (Array.isArray(tree)) {
    for (const item of tree) walk(item, visit);
    return;
  }
  const record = tree as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    if (value === null || typeof value !== 'object') continue;
    // A list's items are walked here, without a call for the list itself (the lock model walks every tree of a file).
    if (Array.isArray(value)) {
      for (const item of value) walk(item, visit);
      continue;
    }
    // A node is { Type: body } with a capitalised type (A–Z); plain struct fields are lowercase.
    const first = key.charCodeAt(0);
    if (first >= 65 && first <= 90) visit(key, value as Record<string, unknown>);
    walk(value, visit);
  }
}

export { unwrap };
