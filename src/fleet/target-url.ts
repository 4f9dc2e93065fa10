// A target's connection, made into the URL a worker connects with. The
// password is never in the targets file: pg reads ~/.pgpass (or PGPASSFILE)
// and PGPASSWORD itself when the URL has none; a service comes from the
// libpq service file, an env target from the worker's environment.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Connection } from './targets.js';

export function targetUrl(connection: Connection, env: NodeJS.ProcessEnv = process.env): string {
  if ('url' in connection) return connection.url;
  if ('env' in connection) {
    const value = env[connection.env]?.trim();
    if (!value) throw new Error(`the environment variable ${connection.env} is not set on this worker: set it to the target's URL`);
    return value;
  }
  return serviceUrl(connection.service, env);
}

/** Where libpq looks for service definitions: PGSERVICEFILE, ~/.pg_service.conf, then PGSYSCONFDIR/pg_service.conf. */
function serviceFiles(env: NodeJS.ProcessEnv): string[] {
  const files = [env.PGSERVICEFILE ?? join(homedir(), '.pg_service.conf')];
  if (env.PGSYSCONFDIR) files.push(join(env.PGSYSCONFDIR, 'pg_service.conf'));
  return files;
}

const KEYS = new Set(['host', 'hostaddr', 'port', 'dbname', 'user', 'password', 'sslmode', 'application_name', 'connect_timeout', 'options', 'sslrootcert', 'sslcert', 'sslkey']);

export function serviceUrl(service: string, env: NodeJS.ProcessEnv = process.env): string {
  for (const file of serviceFiles(env)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const settings = parseServiceFile(text)[service];
    if (!settings) continue;
    const url = new URL('postgresql://');
    const host = settings.host ?? settings.hostaddr ?? 'localhost';
    if (host.startsWith('/')) url.searchParams.set('host', host);
    else url.hostname = host;
    if (settings.port) url.port = settings.port;
    if (settings.user) url.username = encodeURIComponent(settings.user);
    if (settings.password) url.password = encodeURIComponent(settings.password);
    url.pathname = `/${encodeURIComponent(settings.dbname ?? settings.user ?? '')}`;
    for (const [k, v] of Object.entries(settings)) if (!['host', 'hostaddr', 'port', 'user', 'password', 'dbname'].includes(k) && KEYS.has(k)) url.searchParams.set(k, v);
    return url.toString();
  }
  throw new Error(`service "${service}" is not defined in ${serviceFiles(env).join(' or ')} on this worker`);
}

/** The libpq service file: [name] sections of key=value lines, # comments. */
export function parseServiceFile(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = out[head[1].trim()] = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (section && eq > 0) section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}
