// Ids for imported steps, entries and procedures: readable, stable, unique.

/** "Step 1: Run Migration 016 (Create V2)" → "run-migration-016-create-v2". */
export function slugify(text: string, fallback = 'item'): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // strip accents: "Čeština" → "cestina"
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  // Long titles make unwieldy ids on the command line; cut at a word boundary.
  const short = slug.length <= 60 ? slug : slug.slice(0, 60).replace(/-[^-]*$/, '');
  return short || fallback;
}

/** Hands out ids, appending -2, -3 ... when a title repeats (e.g. two "Verify" steps). */
export class IdAllocator {
  private readonly used = new Set<string>();

  take(wanted: string): string {
    let id = wanted;
    for (let n = 2; this.used.has(id); n++) id = `${wanted}-${n}`;
    this.used.add(id);
    return id;
  }
}
