// Findings as SARIF 2.1.0 (OASIS), the format code-scanning tools read
// (GitHub code scanning, GitLab, Azure DevOps). Accepted findings are kept,
// as suppressed results with their justification.

import { relative } from 'node:path';
import { RULES, type Severity } from '../sql/finding-rules.js';
import type { Finding } from '../sql/findings.js';

export interface SarifFinding extends Finding {
  file: string;
}

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function sarifLog(findings: readonly SarifFinding[], version: string, cwd = process.cwd()): object {
  const ruleIds = Object.keys(RULES) as (keyof typeof RULES)[];
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'runbook',
            version,
            informationUri: 'https://www.postgresql.org/docs/current/explicit-locking.html',
            rules: ruleIds.map((id) => ({
              id,
              name: id,
              shortDescription: { text: RULES[id].title },
              help: { text: RULES[id].advice },
              defaultConfiguration: { level: LEVEL[RULES[id].severity] },
            })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIds.indexOf(f.rule),
          level: LEVEL[f.severity],
          message: { text: `${f.message}. ${f.advice}` },
          locations: [
            {
              physicalLocation: {
                // Relative to where lint ran (the repository root in CI), with / separators.
                artifactLocation: { uri: relative(cwd, f.file).split('\\').join('/') },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          properties: { lock: f.lock, relation: f.relation, rewrite: f.rewrite },
          ...(f.accepted ? { suppressions: [{ kind: f.accepted.by === 'comment' ? 'inSource' : 'external', justification: f.accepted.reason }] } : {}),
        })),
      },
    ],
  };
}
