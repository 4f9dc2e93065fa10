// Turning what the operator gave (--input k=v, a form, sandbox defaults) into
// typed input values, with a clear message for each one that is wrong.
import type { InputValue } from '../engine/state.js';
import type { Input } from '../runbook/schema.js';
import { quoteCut } from '../present/escape.js';

export interface InputProblem {
  name: string;
  message: string;
}

/** Parses `k=v` pairs from the command line. */
export function parseInputArgs(pairs: readonly string[]): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) problems.push(`--input ${pair}: expected NAME=VALUE`);
    else values[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { values, problems };
}

/** Converts one raw value to the input's type, or says why it can't. */
export function coerceInput(name: string, spec: Input, raw: string | number | boolean): { value?: InputValue; problem?: string } {
  const text = String(raw);
  // A secret input's value is never echoed back, not even when it is wrong.
  const got = (shown: string) => (spec.secret ? 'got a value that is not shown (secret input)' : `got ${shown}`);
  let value: InputValue;
  switch (spec.type) {
    case 'integer':
      if (!/^-?\d+$/.test(text.trim())) return { problem: `${name}: expected a whole number, ${got(quoteCut(text))}` };
      value = Number(text);
      break;
    case 'number':
      if (text.trim() === '' || !Number.isFinite(Number(text))) return { problem: `${name}: expected a number, ${got(quoteCut(text))}` };
      value = Number(text);
      break;
    case 'boolean':
      if (!/^(true|false|yes|no|1|0)$/i.test(text)) return { problem: `${name}: expected true or false, ${got(quoteCut(text))}` };
      value = /^(true|yes|1)$/i.test(text);
      break;
    case 'identifier':
      if (!/^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(text)) return { problem: `${name}: expected a SQL name (letters, digits, _; at most 63), ${got(quoteCut(text))}` };
      value = text;
      break;
    default:
      value = text;
  }
  if (typeof value === 'number') {
    if (spec.min !== undefined && value < spec.min) return { problem: `${name}: expected at least ${spec.min}, ${got(String(value))}` };
    if (spec.max !== undefined && value > spec.max) return { problem: `${name}: expected at most ${spec.max}, ${got(String(value))}` };
  }
  if (spec.pattern && !new RegExp(spec.pattern).test(text)) return { problem: `${name}: expected text matching /${spec.pattern}/, ${got(quoteCut(text))}` };
  if (spec.choices && !spec.choices.map(String).includes(text)) return { problem: `${name}: expected one of ${spec.choices.join(', ')}, ${got(quoteCut(text))}` };
  return { value };
}

/**
 * Resolves every declared input from the given values, then defaults.
 * `missing` lists required inputs with neither, for the caller to ask for.
 */
export function resolveInputs(
  specs: Readonly<Record<string, Input>>,
  given: Readonly<Record<string, string | number | boolean>>,
): { values: Record<string, InputValue>; problems: InputProblem[]; missing: string[] } {
  const values: Record<string, InputValue> = {};
  const problems: InputProblem[] = [];
  const missing: string[] = [];
  for (const name of Object.keys(given)) {
    if (!(name in specs)) problems.push({ name, message: `${name}: this runbook has no such input (it has: ${Object.keys(specs).join(', ') || 'none'})` });
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = given[name] ?? spec.default;
    if (raw === undefined) {
      if (spec.required) missing.push(name);
      else values[name] = null;
      continue;
    }
    const { value, problem } = coerceInput(name, spec, raw);
    if (problem) problems.push({ name, message: problem });
    else values[name] = value ?? null;
  }
  return { values, problems, missing };
}

/** Inputs as they may be shown or journalled: secrets replaced. */
export function redactInputs(specs: Readonly<Record<string, Input>>, values: Record<string, InputValue>): Record<string, InputValue> {
  const out: Record<string, InputValue> = {};
  for (const [k, v] of Object.entries(values)) out[k] = specs[k]?.secret ? '***' : v;
  return out;
}

/** Environment variables a shell step receives for the inputs: RUNBOOK_INPUT_<NAME>. */
export function inputEnv(values: Record<string, InputValue>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(values)) env[`RUNBOOK_INPUT_${k.toUpperCase()}`] = v === null ? '' : String(v);
  return env;
}
