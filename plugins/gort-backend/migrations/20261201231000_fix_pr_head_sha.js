// @ts-check

/**
 * The head commit GORT last pushed to each fix PR's branch: a branch whose
 * head is anything else has commits GORT did not make, and is not rebuilt.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('gort_fix_prs', table => {
    table.string('head_sha', 64).nullable().comment('the commit GORT last pushed to the branch');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('gort_fix_prs', table => {
    table.dropColumn('head_sha');
  });
};
