// Reading a runbook's YAML: fast when the file is well formed, precise when a
// problem has to be located. js-yaml turns the five shipped runbooks into data
// in ~45 ms in a fresh process, the `yaml` library in ~255 ms (import included),
// but only the `yaml` library keeps where each node came from. So js-yaml reads,
// and the `yaml` library parses the text again only when a problem needs a
// line and column, or when js-yaml refuses the file (its own messages are
// then the ones the author sees, as before).
import { createRequire } from 'node:module';
import jsYaml from 'js-yaml';
import type * as YamlLibrary from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { Problem } from './problems.js';

export interface PositionedDocument {
  doc: Document;
  lines: LineCounter;
}

export type YamlRead =
  | { ok: true; data: unknown; positions: () => PositionedDocument }
  | { ok: false; problems: Problem[] };

const require = createRequire(import.meta.url);

/** The `yaml` library, loaded on first use: synchronously, since a problem is found in the middle of a check. */
export function yamlLibrary(): typeof YamlLibrary {
  return require('yaml') as typeof YamlLibrary;
}

export function readYaml(text: string, file: string): YamlRead {
  let positioned: PositionedDocument | undefined;
  const positions = (): PositionedDocument => (positioned ??= parseWithPositions(text));
  try {
    // The core schema is YAML 1.2's, as the `yaml` library reads it: no dates, no `<<` merges, no yes/no booleans.
    // Duplicate keys are an error in both.
    return { ok: true, data: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file }), positions };
  } catch {
    // Fall through: the `yaml` library reports it in its words, with a position.
  }
  const { doc, lines } = positions();
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: `YAML syntax: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  // js-yaml refused what the `yaml` library accepts (YAML has corners where parsers differ): the library's reading stands.
  return { ok: true, data: doc.toJS(), positions };
}

function parseWithPositions(text: string): PositionedDocument {
  const { LineCounter, parseDocument } = yamlLibrary();
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  return { doc, lines };
}
