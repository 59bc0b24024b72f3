// Runs secretlint's recommended preset off the main thread. Both packages are
// ESM-only, so they are loaded here natively; the main thread sends text and
// gets back the ranges secretlint flags (the values are never sent back).
import { parentPort } from 'node:worker_threads';
import { lintSource } from '@secretlint/core';
import { creator } from '@secretlint/secretlint-rule-preset-recommend';

const config = {
  rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: creator }],
};

parentPort.on('message', async ({ id, text }) => {
  try {
    const result = await lintSource({
      source: { filePath: 'evidence.txt', content: text, contentType: 'text' },
      options: { config, maskSecrets: false },
    });
    const findings = result.messages
      .filter(m => Array.isArray(m.range))
      .map(m => ({ start: m.range[0], end: m.range[1], rule: String(m.ruleId) }));
    parentPort.postMessage({ id, findings });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error?.message ?? error) });
  }
});
