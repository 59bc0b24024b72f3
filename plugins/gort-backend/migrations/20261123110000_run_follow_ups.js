// @ts-check

/**
 * Summary columns for what follows a verdict (fix pull request, intent), so
 * run lists show them without reading each run's details.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gort_runs', table => {
    table.boolean('intent_met').nullable();
    table.text('fix_pr').nullable().comment('status, url, number, prState (JSON)');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gort_runs', table => {
    table.dropColumn('intent_met');
    table.dropColumn('fix_pr');
  });
};
