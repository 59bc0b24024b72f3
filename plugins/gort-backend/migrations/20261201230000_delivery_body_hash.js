// @ts-check

/**
 * A hash of each push delivery's body, so the same body replayed under a new
 * delivery id is recognised as a duplicate.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gort_deliveries', table => {
    table.string('body_hash', 64).nullable().comment('sha256 of the push payload (canonical JSON)');
    table.unique(['body_hash'], { indexName: 'gort_deliveries_body_hash_uq' });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gort_deliveries', table => {
    table.dropUnique(['body_hash'], 'gort_deliveries_body_hash_uq');
    table.dropColumn('body_hash');
  });
};
