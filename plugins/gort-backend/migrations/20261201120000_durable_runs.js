// @ts-check

const WAITING = ['queued', 'waiting_for_source', 'reconciling'];

/**
 * Runs are durable: the database, not the code, keeps one run per entity
 * waiting for Flux (a partial unique index, on PostgreSQL and SQLite alike),
 * pushes remember whether they were forced (their `before` is then no
 * parent), and the indexes the run lists and the retention cleaner read.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // Older duplicates (possible before this index) are superseded by the newest.
  /** @type {Array<{ entity_ref: string; newest: number }>} */
  const duplicated = await knex('gort_runs')
    .whereIn('state', WAITING)
    .groupBy('entity_ref')
    .havingRaw('count(*) > 1')
    .select('entity_ref')
    .max({ newest: 'seq' })
    .then(rows => /** @type {any} */ (rows));
  for (const { entity_ref: entityRef, newest } of duplicated) {
    const keep = await knex('gort_runs').where({ seq: newest }).first('id');
    await knex('gort_runs')
      .where({ entity_ref: entityRef })
      .whereIn('state', WAITING)
      .whereNot({ seq: newest })
      .update({ state: 'superseded', outcome: 'superseded', superseded_by: keep.id, lease_owner: null, lease_expires_at: null, finished_at: new Date() });
  }
  await knex.schema.alterTable('gort_runs', table => {
    table.boolean('forced').notNullable().defaultTo(false).comment('The push was forced: its before_sha is not a parent');
    table.dropIndex(['state'], 'gort_runs_state_idx');
    table.index(['state', 'seq'], 'gort_runs_state_seq_idx');
    table.index(['outcome', 'seq'], 'gort_runs_outcome_seq_idx');
    table.index(['finished_at'], 'gort_runs_finished_idx');
  });
  await knex.schema.alterTable('gort_ai_cache', table => {
    table.index(['created_at'], 'gort_ai_cache_created_idx');
  });
  // DDL takes no bind parameters; the states are constants.
  await knex.raw(
    `CREATE UNIQUE INDEX gort_runs_one_waiting_per_entity_idx ON gort_runs (entity_ref) WHERE state IN (${WAITING.map(s => `'${s}'`).join(', ')})`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw('DROP INDEX IF EXISTS gort_runs_one_waiting_per_entity_idx');
  await knex.schema.alterTable('gort_ai_cache', table => {
    table.dropIndex(['created_at'], 'gort_ai_cache_created_idx');
  });
  await knex.schema.alterTable('gort_runs', table => {
    table.dropIndex(['finished_at'], 'gort_runs_finished_idx');
    table.dropIndex(['outcome', 'seq'], 'gort_runs_outcome_seq_idx');
    table.dropIndex(['state', 'seq'], 'gort_runs_state_seq_idx');
    table.index(['state'], 'gort_runs_state_idx');
    table.dropColumn('forced');
  });
};
