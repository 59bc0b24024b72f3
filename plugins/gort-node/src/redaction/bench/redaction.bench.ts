/* eslint-disable no-console */
/**
 * Redaction throughput, median of 5 runs per input:
 * `npm run bench:redaction -w @gort-backstage/plugin-gort-node`.
 */
import { redact } from '../redact';
import { redactThoroughly, SecretlintScanner } from '../secretlintScanner';
// eslint-disable-next-line no-restricted-imports -- a benchmark, run like a test, never built
import { CONTEXT_TEMPLATES, seededRandom } from '../__testUtils__/secretTemplates';

const MIB = 1024 * 1024;
const random = seededRandom(5);

function fill(unit: string, size = MIB): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

const inputs: [string, string][] = [
  ['controller log', fill('I1201 10:00:00.000000 1 controller.go:42] reconciled shop/cart revision main@sha1:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b\n')],
  ['manifests with secrets', fill(`${CONTEXT_TEMPLATES.map(t => t.make(random).text).join('\n---\n')}\n---\n`)],
  ['hostile: BEGIN lines', fill('-----BEGIN PRIVATE KEY-----')],
  ['hostile: URL user infos', fill('https://u:')],
  ['hostile: key separators', fill('a:')],
  ['hostile: JWT-like runs', fill(`eyJ${'a'.repeat(5000)}.`)],
];

async function median(run: () => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[2];
}

async function main() {
  const scanner = new SecretlintScanner();
  console.log('input                       size    redact (sync)        redactThoroughly (with secretlint)');
  for (const [name, text] of inputs) {
    const sync = await median(() => redact(text));
    const thorough = await median(() => redactThoroughly(text, scanner));
    const mb = text.length / MIB;
    console.log(
      `${name.padEnd(26)} ${mb.toFixed(2)} MiB  ${sync.toFixed(0).padStart(5)} ms ${(mb / (sync / 1000)).toFixed(1).padStart(6)} MiB/s   ${thorough
        .toFixed(0)
        .padStart(5)} ms ${(mb / (thorough / 1000)).toFixed(1).padStart(6)} MiB/s`,
    );
  }
  scanner.stop();
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
