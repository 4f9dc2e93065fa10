// What earlier statements of the same file tell the lock model about later
// ones: tables created here (new and empty, so locking them hurts nobody),
// column types (so a type change can be judged binary-coercible), validated
// CHECK (col IS NOT NULL) constraints (so SET NOT NULL skips its scan), and
// which table an index belongs to (so DROP INDEX names the table it locks).

import type { Node } from 'libpg-query';
import { columnType, type ColumnType } from './lock-types.js';
import { unwrap } from './tree.js';

export class LockContext {
  /** Relations created earlier in this file. */
  readonly created = new Set<string>();
  /** 'table.column' → its type. */
  readonly columns = new Map<string, ColumnType>();
  /** 'table.column' with a validated CHECK (column IS NOT NULL). */
  readonly notNullChecks = new Set<string>();
  /** Check constraint name on a table ('table.constraint') → the column it proves NOT NULL. */
  readonly pendingNotNull = new Map<string, string>();
  /** Index name → its table. */
  readonly indexTables = new Map<string, string>();
  /** Enum values added in this file, per type name. */
  readonly enumValuesAdded = new Map<string, Set<string>>();

  isNew(relation: string): boolean {
    return this.created.has(key(relation));
  }

  columnType(relation: string, column: string): ColumnType | undefined {
    return this.columns.get(`${key(relation)}.${column}`);
  }

  setColumn(relation: string, column: string, type: ColumnType): void {
    this.columns.set(`${key(relation)}.${column}`, type);
  }

  hasNotNullCheck(relation: string, column: string): boolean {
    return this.notNullChecks.has(`${key(relation)}.${column}`);
  }

  noteCreated(relation: string, columns: Node[] = []): void {
    this.created.add(key(relation));
    for (const element of columns) {
      const { type, body } = unwrap(element);
      if (type === 'ColumnDef' && body.colname) this.setColumn(relation, String(body.colname), columnType(body.typeName));
    }
  }

  noteCheck(relation: string, name: string | undefined, column: string | undefined, validated: boolean): void {
    if (!column) return;
    if (validated) this.notNullChecks.add(`${key(relation)}.${column}`);
    else if (name) this.pendingNotNull.set(`${key(relation)}.${name}`, column);
  }

  noteValidated(relation: string, name: string): void {
    const column = this.pendingNotNull.get(`${key(relation)}.${name}`);
    if (column) this.notNullChecks.add(`${key(relation)}.${column}`);
  }
}

/** The same table written with or without public. is one table. */
export function key(relation: string): string {
  return relation.startsWith('public.') ? relation.slice('public.'.length) : relation;
}
