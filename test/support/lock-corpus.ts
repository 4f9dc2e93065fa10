// The lock corpus (test/corpus/locks.yaml): statements written from PostgreSQL's
// documentation, each with the locks, rewrite and findings it is expected to have.
// Read by the model's unit test and by the traced comparison on a real server.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { LockMode } from '../../src/sql/index.js';

export interface CorpusEntry {
  id: string;
  setup?: string;
  sql: string;
  min_version?: number;
  max_version?: number;
  locks: Record<string, LockMode>;
  rewrite: boolean;
  findings: string[];
}

const corpusFile = fileURLToPath(new URL('../../../test/corpus/locks.yaml', import.meta.url));

export const lockCorpus: readonly CorpusEntry[] = (yaml.load(readFileSync(corpusFile, 'utf8')) as { statements: CorpusEntry[] }).statements;
