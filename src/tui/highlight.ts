// A small SQL highlighter for the step view: keywords, strings, numbers and
// comments, carried across lines for /* */ comments and $$ bodies. It only
// colors; it never changes the text the operator reads.
import { seg, type Line, type Seg } from './line.js';

const KEYWORDS = new Set(
  `select from where and or not in is null as on join left right inner outer full cross using group by order having limit offset
insert into values update set delete returning create drop alter table index unique concurrently if exists cascade restrict
view materialized refresh with recursive begin commit rollback transaction analyze vacuum verbose explain copy to truncate
grant revoke primary key foreign references constraint check default add column rename type function procedure returns
language plpgsql do declare end loop for case when then else distinct union all except intersect lock share exclusive mode
nowait only schema sequence trigger extension reindex cluster comment like ilike between asc desc nulls first last true false
row rows partition over window current_timestamp now interval cast`
    .split(/\s+/)
    .filter(Boolean),
);

export interface SqlHighlightState {
  /** Inside a block comment. */
  comment: boolean;
  /** Inside a dollar-quoted body: its tag ("$$", "$fn$"). */
  dollar: string | null;
}

/** Highlights SQL text, one Line per source line. */
export function highlightSql(text: string): Line[] {
  const state: SqlHighlightState = { comment: false, dollar: null };
  return text.split('\n').map((l) => highlightSqlLine(l, state));
}

export function highlightSqlLine(line: string, state: SqlHighlightState): Line {
  const out: Seg[] = [];
  let i = 0;
  const push = (text: string, tone?: Seg['tone'], bold?: boolean) => {
    if (text) out.push(seg(text, { ...(tone ? { tone } : {}), ...(bold ? { bold } : {}) }));
  };
  let plainStart = 0;
  const flush = (end: number) => {
    if (end > plainStart) push(line.slice(plainStart, end));
  };
  while (i < line.length) {
    if (state.comment) {
      const close = line.indexOf('*/', i);
      const end = close < 0 ? line.length : close + 2;
      push(line.slice(i, end), 'comment');
      state.comment = close >= 0 ? false : true;
      i = end;
      plainStart = i;
      continue;
    }
    if (state.dollar) {
      const close = line.indexOf(state.dollar, i);
      const end = close < 0 ? line.length : close + state.dollar.length;
      push(line.slice(i, end), 'string');
      if (close >= 0) state.dollar = null;
      i = end;
      plainStart = i;
      continue;
    }
    const rest = line.slice(i);
    let m: RegExpExecArray | null;
    if (rest.startsWith('--')) {
      flush(i);
      push(rest, 'comment');
      i = line.length;
      plainStart = i;
    } else if (rest.startsWith('/*')) {
      flush(i);
      state.comment = true;
      push('/*', 'comment');
      i += 2;
      plainStart = i;
    } else if ((m = /^\$[A-Za-z_]*\$/.exec(rest))) {
      flush(i);
      state.dollar = m[0];
      push(m[0], 'string');
      i += m[0].length;
      plainStart = i;
    } else if (rest[0] === "'") {
      flush(i);
      let j = 1;
      while (j < rest.length) {
        if (rest[j] === "'" && rest[j + 1] === "'") j += 2;
        else if (rest[j] === "'") break;
        else j++;
      }
      push(rest.slice(0, j + 1), 'string');
      i += j + 1;
      plainStart = i;
    } else if ((m = /^\{\{[^}]*\}\}/.exec(rest))) {
      flush(i);
      push(m[0], 'accent', true);
      i += m[0].length;
      plainStart = i;
    } else if ((m = /^[A-Za-z_][A-Za-z0-9_$]*/.exec(rest))) {
      if (KEYWORDS.has(m[0].toLowerCase())) {
        flush(i);
        push(m[0], 'keyword', true);
        i += m[0].length;
        plainStart = i;
      } else i += m[0].length;
    } else if ((m = /^\d+(\.\d+)?/.exec(rest)) && !/[A-Za-z0-9_]/.test(line[i - 1] ?? '')) {
      flush(i);
      push(m[0], 'number');
      i += m[0].length;
      plainStart = i;
    } else i++;
  }
  flush(line.length);
  return out;
}
