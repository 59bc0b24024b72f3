// @ts-check

/**
 * Rate limit of manual runs (`POST /runs`): one counter per entity, user and
 * fixed time window, shared by every backend replica.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gort_manual_run_limits', table => {
    table.comment('Manual run requests per entity, user and time window');
    table.string('entity_ref', 255).notNullable();
    table.string('user_ref', 255).notNullable().comment('user or service principal that asked');
    table.bigInteger('window_start').notNullable().comment('start of the window, ms since the epoch');
    table.integer('count').notNullable();
    table.primary(['entity_ref', 'user_ref', 'window_start']);
    table.index(['window_start'], 'gort_manual_run_limits_window_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gort_manual_run_limits');
};
