import type { Knex } from 'knex';

const VARYING = new Set(['seq', 'id', 'entity_ref']);

/**
 * Copies one real finished run `count` times in bulk, spread over `entities`
 * entities (`<prefix><n>`, by default `component:default/seed-<n>`), with one INSERT … SELECT per
 * batch on the database side. Copying a row GORT wrote keeps every column's
 * encoding (timestamps, JSON) exactly as the store writes it.
 */
export async function seedRuns(db: Knex, templateRunId: string, count: number, entities: number, prefix = 'component:default/seed-'): Promise<void> {
  const client = db.client.config.client as string;
  const postgres = client === 'pg';
  const columns = Object.keys(await db('gort_runs').columnInfo()).filter(c => !VARYING.has(c));
  const copied = columns.map(c => db.raw('??', [c]).toQuery()).join(', ');
  const batch = postgres ? 200_000 : 50_000;
  for (let offset = 0; offset < count; offset += batch) {
    const size = Math.min(batch, count - offset);
    if (postgres) {
      await db.raw(
        `INSERT INTO gort_runs (id, entity_ref, ${copied})
         SELECT gen_random_uuid()::text, CAST(? AS TEXT) || CAST((n + ?) % ? AS INTEGER), ${copied}
         FROM gort_runs, generate_series(1, ?) AS n WHERE id = ?`,
        [prefix, offset, entities, size, templateRunId],
      );
    } else {
      await db.raw(
        `WITH RECURSIVE series(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM series WHERE n < ?)
         INSERT INTO gort_runs (id, entity_ref, ${copied})
         SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
                ? || CAST((n + ?) % ? AS INTEGER), ${copied}
         FROM gort_runs, series WHERE id = ?`,
        [size, prefix, offset, entities, templateRunId],
      );
    }
  }
  if (postgres) await db.raw('ANALYZE gort_runs');
  else await db.raw('ANALYZE');
}
