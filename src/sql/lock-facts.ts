// The shapes of the lock model's answer, and the accumulator the per-statement
// rules write into. No PostgreSQL rules here.

import { blocksOfMode, lockRank, stronger, type LockMode } from './lock-modes.js';

export type { LockMode } from './lock-modes.js';

export interface RelationLock {
  /** As written (schema-qualified when written so), quoted only where regclass::text would quote it. */
  relation: string;
  mode: LockMode;
  /**
   * Taken only in the statement's last phase, once PostgreSQL has waited out
   * every transaction that could still use the relation (DROP INDEX
   * CONCURRENTLY's ACCESS EXCLUSIVE on the index): held briefly, it blocks no
   * ordinary query, so `blocks` leaves it out.
   */
  final?: true;
}

/** What a DBA would want to know about a statement, before advice: the raw material of a finding. */
export interface Hazard {
  rule: string;
  /** The relation it concerns, or null. */
  relation: string | null;
  /** The lock held on that relation while it happens, or null. */
  mode: LockMode | null;
  /** What happens, in a sentence: 'ALTER COLUMN email TYPE text rewrites users'. */
  detail: string;
}

export interface LockFacts {
  /** false: the model cannot see what the statement does (a DO block, a function call, …); never read that as safe. */
  analysable: boolean;
  /** The strongest lock on each relation the statement locks (existing relations; objects it creates are not listed). */
  relations: RelationLock[];
  /** The table (or materialized view) gets a new file: every row is copied under the lock. */
  rewrite: boolean;
  /** The whole table is read (scanned or validated) while the lock is held. */
  fullScan: boolean;
  /** An index is built. */
  indexBuild: boolean;
  /** What the locks block of ordinary traffic: SELECT (reads) and INSERT/UPDATE/DELETE (writes). */
  blocks: 'nothing' | 'writes' | 'reads and writes';
  /** Why the statement cannot be analysed, when analysable is false. */
  reason?: string;
  /** What it does that deserves a finding. */
  hazards: Hazard[];
  /**
   * What PostgreSQL may lock beyond `relations`, which cannot be predicted
   * before it runs: a trigger's function (any relation: `relations` null), a
   * foreign key's check or action (these relations, depending on the rows).
   */
  unpredictable?: { reason: string; relations: string[] | null };
}

/** Collects a statement's facts as the rules discover them. */
export class FactsBuilder {
  private readonly locks = new Map<string, LockMode>();
  /**
   * Relations whose strongest lock is a last-phase one (see RelationLock.final). This and the two below are
   * made when first needed: a lint builds the facts of every statement, and few statements need them.
   */
  private finals: Set<string> | undefined;
  rewrite = false;
  fullScan = false;
  indexBuild = false;
  analysable = true;
  reason: string | undefined;
  readonly hazards: Hazard[] = [];
  private maybe: Set<string> | undefined;
  private maybeWhy: string[] | undefined;
  private maybeAny = false;

  /** PostgreSQL may also lock these relations (null: any), for a reason no prediction can settle before running. */
  mayLock(relations: string[] | null, reason: string): void {
    this.maybe ??= new Set<string>();
    this.maybeWhy ??= [];
    if (relations === null) this.maybeAny = true;
    else for (const r of relations) this.maybe.add(r);
    if (!this.maybeWhy.includes(reason)) this.maybeWhy.push(reason);
  }

  lock(relation: string, mode: LockMode, final = false): void {
    if (!relation) return;
    const held = this.locks.get(relation);
    if (held === undefined || lockRank(mode) > lockRank(held)) {
      if (final) (this.finals ??= new Set<string>()).add(relation);
      else this.finals?.delete(relation);
    } else if (lockRank(mode) === lockRank(held) && !final) {
      this.finals?.delete(relation);
    }
    this.locks.set(relation, held ? stronger(held, mode) : mode);
  }

  modeOn(relation: string): LockMode | null {
    return this.locks.get(relation) ?? null;
  }

  hazard(rule: string, relation: string | null, detail: string, mode?: LockMode | null): void {
    this.hazards.push({ rule, relation, mode: mode === undefined ? (relation ? this.modeOn(relation) : null) : mode, detail });
  }

  cannotAnalyse(reason: string): void {
    this.analysable = false;
    this.reason ??= reason;
  }

  build(): LockFacts {
    // One pass over the locks (a statement's facts are built for every statement a lint reads): the relations,
    // and the strongest lock that is not a last-phase one.
    const relations: RelationLock[] = [];
    let strongest: LockMode | null = null;
    for (const [relation, mode] of this.locks) {
      if (this.finals?.has(relation)) {
        relations.push({ relation, mode, final: true });
        continue;
      }
      relations.push({ relation, mode });
      if (strongest === null || lockRank(mode) > lockRank(strongest)) strongest = mode;
    }
    // A hazard noted before its relation's lock was raised by a later subcommand reports the final lock.
    for (const h of this.hazards) if (h.relation && this.locks.has(h.relation)) h.mode = this.locks.get(h.relation) ?? h.mode;
    const blocks = blocksOfMode(strongest);
    // The fields in the order they always had (the facts are journalled and compared as JSON).
    const facts: LockFacts = this.reason
      ? { analysable: this.analysable, relations, rewrite: this.rewrite, fullScan: this.fullScan, indexBuild: this.indexBuild, blocks, reason: this.reason, hazards: this.hazards }
      : { analysable: this.analysable, relations, rewrite: this.rewrite, fullScan: this.fullScan, indexBuild: this.indexBuild, blocks, hazards: this.hazards };
    if (this.maybeWhy?.length) facts.unpredictable = { reason: this.maybeWhy.join('; '), relations: this.maybeAny ? null : [...this.maybe!] };
    return facts;
  }
}
