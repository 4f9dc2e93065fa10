// Where the target database is, and how to show that address without its secret.
// Passwords travel only inside the URL handed to `pg`; anything printed,
// journalled or reported goes through redactUrl first.

const PG_VARIABLES = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGSSLMODE'] as const;

/**
 * The database to connect to: `--db URL`, else DATABASE_URL, else a URL built
 * from the libpq PG* variables (so an operator's usual psql setup just works),
 * else null when none of them is set.
 */
export function resolveDatabaseUrl(options: { db?: string; env: NodeJS.ProcessEnv }): string | null {
  const db = options.db?.trim();
  if (db) return db;
  const fromEnv = options.env.DATABASE_URL?.trim();
  if (fromEnv) return fromEnv;
  return urlFromPgVariables(options.env);
}

function urlFromPgVariables(env: NodeJS.ProcessEnv): string | null {
  const value = (name: (typeof PG_VARIABLES)[number]): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : v;
  };
  if (!PG_VARIABLES.some((name) => value(name) !== undefined)) return null;

  const host = value('PGHOST') ?? 'localhost';
  const user = value('PGUSER');
  const password = value('PGPASSWORD');
  const query = new URLSearchParams();
  // A PGHOST starting with "/" is a Unix socket directory: it cannot be a URL
  // host, so it goes in the `host` query parameter (which pg understands).
  const socket = host.startsWith('/');
  if (socket) query.set('host', host);
  const sslmode = value('PGSSLMODE');
  if (sslmode) query.set('sslmode', sslmode);

  let auth = '';
  if (user !== undefined) auth = encodeURIComponent(user);
  if (password !== undefined) auth += `:${encodeURIComponent(password)}`;
  if (auth) auth += '@';

  const hostPart = socket ? '' : host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
  const port = value('PGPORT');
  const database = value('PGDATABASE');
  const search = query.toString();
  return `postgresql://${auth}${hostPart}${port ? `:${port}` : ''}/${database ? encodeURIComponent(database) : ''}${search ? `?${search}` : ''}`;
}

/**
 * The URL with every password replaced by `***`: the one in the user-info part
 * (`user:secret@host`), and any `password=` / `sslpassword=` setting in a query
 * string or a libpq keyword string. Deliberately textual rather than built on
 * `new URL()`, so a malformed URL (an unencoded `@` or `/` in the password) is
 * still redacted rather than thrown back, secret included, in an error.
 */
export function redactUrl(url: string): string {
  let out = url;
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(out);
  if (scheme) {
    const rest = out.slice(scheme[0].length);
    const queryAt = rest.search(/[?#]/);
    const authority = queryAt === -1 ? rest : rest.slice(0, queryAt);
    const tail = queryAt === -1 ? '' : rest.slice(queryAt);
    // The last "@" ends the user info: it over-redacts rather than leaks.
    const at = authority.lastIndexOf('@');
    if (at !== -1) {
      const userInfo = authority.slice(0, at);
      const colon = userInfo.indexOf(':');
      if (colon !== -1) {
        out = `${scheme[0]}${userInfo.slice(0, colon)}:***${authority.slice(at)}${tail}`;
      }
    }
  }
  // password=... in a query string (up to & or #) or a keyword string ('quoted' or bare).
  return out.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'?|[^&#\s]*)/gi, '$1***');
}
