// The JSON Schema of the targets file, generated from the zod schema (as for runbooks).
import { z } from 'zod';
import { targetsFile } from './targets-schema.js';

export function targetsJsonSchema(): string {
  const schema = z.toJSONSchema(targetsFile, { io: 'input', target: 'draft-7' });
  return `${JSON.stringify({ ...schema, title: 'runbook fleet targets file', $id: 'https://runbook.dev/schema/targets.schema.json' }, null, 2)}\n`;
}
