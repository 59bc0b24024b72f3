// @ts-check

/**
 * Runs (one per watcher and pushed commit), their timeline, and the webhook
 * deliveries already handled.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gort_runs', table => {
    table.comment('A pushed commit followed through Flux for one watcher');
    table.bigIncrements('seq').primary().comment('Insertion order, used by cursors');
    table.string('id', 36).notNullable().unique();
    table.string('entity_ref', 255).notNullable();
    table.text('objects').notNullable().comment('Watched Flux objects (JSON)');
    table.string('repo', 255).notNullable().comment('owner/repo as pushed');
    table.string('branch', 255).notNullable();
    table.string('sha', 40).notNullable();
    table.string('before_sha', 40).nullable();
    table.string('trigger', 16).notNullable();
    table.string('delivery_id', 100).nullable();
    table.text('commit').nullable().comment('Head commit message, author, url (JSON)');
    table.string('state', 32).notNullable();
    table.string('outcome', 32).nullable();
    table.string('category', 64).nullable();
    table.string('superseded_by', 36).nullable();
    table.text('details').nullable().comment('Verdicts, failure, evidence, diagnosis (JSON)');
    table.text('error').nullable();
    table.string('lease_owner', 100).nullable();
    table.timestamp('lease_expires_at', { useTz: true }).nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('deadline_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true }).nullable();
    table.index(['entity_ref', 'seq'], 'gort_runs_entity_seq_idx');
    table.index(['state'], 'gort_runs_state_idx');
  });

  await knex.schema.createTable('gort_run_events', table => {
    table.comment('Timeline of a run: every state change with its time');
    table.bigIncrements('seq').primary();
    table.string('run_id', 36).notNullable();
    table.string('state', 32).notNullable();
    table.text('message').notNullable();
    table.timestamp('at', { useTz: true }).notNullable();
    table.index(['run_id', 'seq'], 'gort_run_events_run_idx');
  });

  await knex.schema.createTable('gort_deliveries', table => {
    table.comment('Webhook deliveries seen, to ignore redeliveries');
    table.string('delivery_id', 100).primary();
    table.string('source', 32).notNullable();
    table.string('result', 32).notNullable();
    table.text('run_ids').notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['received_at'], 'gort_deliveries_received_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gort_deliveries');
  await knex.schema.dropTable('gort_run_events');
  await knex.schema.dropTable('gort_runs');
};
