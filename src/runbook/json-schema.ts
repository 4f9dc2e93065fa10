// The JSON Schema editors use (yaml-language-server), generated from the zod
// schema so the two can never disagree. schema/runbook.schema.json is this
// output, committed; a test fails when it is stale.
import { z } from 'zod';
import { runbook } from './schema.js';

export function runbookJsonSchema(): string {
  // 'input': what an author writes — fields with defaults are optional.
  const schema = z.toJSONSchema(runbook, { io: 'input', target: 'draft-7' });
  return `${JSON.stringify({ ...schema, title: 'runbook file', $id: 'https://runbook.dev/schema/runbook.schema.json' }, null, 2)}\n`;
}
