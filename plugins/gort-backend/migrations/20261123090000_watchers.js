// @ts-check

/**
 * Watchers: one row per catalog entity that GORT follows.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gort_watchers', table => {
    table.comment('Catalog entities followed by GORT, refreshed from the catalog');
    table.string('entity_ref', 255).primary().notNullable();
    table
      .string('target_repo', 255)
      .nullable()
      .comment('Lower-cased owner/repo whose pushes start runs');
    table
      .string('branch', 255)
      .nullable()
      .comment('Branch whose pushes count; null means the default branch');
    table.text('settings').notNullable().comment('Parsed annotations (JSON)');
    table.text('problems').notNullable().comment('Annotation problems (JSON)');
    table.string('fingerprint', 64).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.index(['target_repo', 'branch'], 'gort_watchers_repo_branch_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gort_watchers');
};
