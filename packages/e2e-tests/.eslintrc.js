module.exports = require('@backstage/cli/config/eslint-factory')(__dirname, {
  rules: {
    // End-to-end scenarios assert through harness helpers (walk-throughs, waits for a run state).
    'jest/expect-expect': 'off',
  },
});
