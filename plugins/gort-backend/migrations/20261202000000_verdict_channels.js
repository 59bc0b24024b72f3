// @ts-check

/**
 * Where each run's verdict was posted on GitHub: one row per run and cluster
 * (a check run or a commit status context), and one per commit for the
 * aggregate check of a large push (`run_id` then names the commit). The
 * unique key makes a redelivered webhook or a second replica find the check
 * instead of creating another. Plus one row per notification scope sent.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gort_verdict_checks', table => {
    table.comment('Check runs and commit statuses GORT posted for runs');
    table.string('run_id', 100).notNullable().comment('run id, or commit:<repo>@<sha> for an aggregate check');
    table.string('cluster', 100).notNullable().defaultTo('').comment('empty for the check of the whole run');
    table.string('repo', 255).notNullable();
    table.string('sha', 40).notNullable();
    table.string('name', 255).notNullable().comment('check name or status context');
    table.string('channel', 16).notNullable().comment('check-run or status');
    table.bigInteger('check_run_id').nullable().comment('GitHub check run id, once created');
    table.string('last_posted', 255).nullable().comment('status/conclusion/title last posted, to skip repeats');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.unique(['run_id', 'cluster'], { indexName: 'gort_verdict_checks_run_cluster_uq' });
    table.index(['repo', 'sha'], 'gort_verdict_checks_commit_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gort_verdict_checks');
};
