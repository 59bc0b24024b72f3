// @ts-check

/**
 * The webhook's inbox: a push delivery is acknowledged once it is stored
 * here, in one insert, and the runs it starts are created out of the
 * request by the drain, which stores the delivery in `gort_deliveries` with
 * its runs and then removes it from here. A row left behind (a crash, a
 * database failure while draining) is drained again later.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('gort_delivery_inbox', table => {
    table.comment('Push deliveries acknowledged but not yet turned into runs');
    table.string('delivery_id', 100).primary();
    table.string('source', 32).notNullable().comment('webhook or events');
    table
      .string('body_hash', 64)
      .nullable()
      .comment('sha256 of the push payload (canonical JSON)');
    table
      .text('push')
      .notNullable()
      .comment('the push as GORT reads it (JSON), not the raw payload');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('drains that failed');
    table.timestamp('next_attempt_at', { useTz: true }).notNullable();
    table.text('last_error').nullable();
    table.unique(['body_hash'], {
      indexName: 'gort_delivery_inbox_body_hash_uq',
    });
    table.index(['next_attempt_at'], 'gort_delivery_inbox_next_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('gort_delivery_inbox');
};
