// @ts-check

/**
 * Runs looked up by commit (`GET /commits/:sha/runs`, `gort follow`): an
 * index on the commit, newest run first.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gort_runs', table => {
    table.index(['sha', 'seq'], 'gort_runs_sha_seq_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gort_runs', table => {
    table.dropIndex(['sha', 'seq'], 'gort_runs_sha_seq_idx');
  });
};
