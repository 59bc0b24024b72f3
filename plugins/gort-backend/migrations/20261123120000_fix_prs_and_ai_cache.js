// @ts-check

/**
 * Fix pull requests by failure fingerprint (dedupe, loop guard, state
 * refresh) and the AI answer cache.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gort_fix_prs', table => {
    table.increments('id');
    table.string('fingerprint', 64).notNullable().index();
    table.string('entity_ref', 512).notNullable().index();
    table.string('repo', 256).notNullable();
    table.integer('number').notNullable();
    table.text('url').notNullable();
    table.string('branch', 256).notNullable();
    table.string('state', 16).notNullable().comment('open, merged, closed');
    table.boolean('after_merge').notNullable().defaultTo(false).comment('opened for a failure that followed a merged GORT PR');
    table.text('run_ids').notNullable().comment('JSON list of the runs this PR answers');
    table.string('sha', 64).notNullable().comment('latest failed commit the PR fixes');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('gort_ai_cache', table => {
    table.string('cache_key', 64).primary();
    table.string('provider', 32).notNullable();
    table.string('model', 128).notNullable();
    table.text('answer').notNullable();
    table.integer('input_tokens').notNullable();
    table.integer('output_tokens').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gort_ai_cache');
  await knex.schema.dropTable('gort_fix_prs');
};
