import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { applyFindings, Finding } from './findings';
import { findSecrets, REDACTION_OVERLAP, REDACTION_WINDOW } from './redact';

/** Finds secrets with a maintained rule set; asynchronous because it runs off the main thread. */
export interface SecretScanner {
  scan(text: string): Promise<Finding[]>;
}

/** Rules whose whole-URL ranges our own, finer URL detector already covers. */
const COVERED_BY_OURS = new Set([
  '@secretlint/secretlint-rule-basicauth',
  '@secretlint/secretlint-rule-database-connection-string',
]);
const SCAN_TIMEOUT_MS = 10_000;

function labelOf(rule: string): string {
  return rule.replace(/^@secretlint\/secretlint-rule-/, '').replace(/[^a-z0-9-]/g, '') || 'secret';
}

/**
 * secretlint's recommended preset (`@secretlint/secretlint-rule-preset-recommend`)
 * in a worker thread: the packages are ESM-only, and a worker keeps a slow
 * rule from blocking the event loop. One worker per process, started lazily
 * and not keeping the process alive.
 */
export class SecretlintScanner implements SecretScanner {
  private worker?: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(f: Finding[]): void; reject(e: Error): void }>();

  async scan(text: string): Promise<Finding[]> {
    if (text.length <= REDACTION_WINDOW) return this.scanWindow(text);
    const out: Finding[] = [];
    for (let start = 0; ; start += REDACTION_WINDOW - REDACTION_OVERLAP) {
      const end = Math.min(text.length, start + REDACTION_WINDOW);
      const found = await this.scanWindow(text.slice(start, end));
      out.push(...found.map(f => ({ ...f, start: f.start + start, end: f.end + start })));
      if (end === text.length) return out;
    }
  }

  private scanWindow(text: string): Promise<Finding[]> {
    const worker = this.start();
    const id = this.nextId++;
    return new Promise<Finding[]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('secret scan timed out'));
        this.stop();
      }, SCAN_TIMEOUT_MS);
      timer.unref?.();
      this.pending.set(id, {
        resolve: f => {
          clearTimeout(timer);
          resolve(f);
        },
        reject: e => {
          clearTimeout(timer);
          reject(e);
        },
      });
      worker.postMessage({ id, text });
    });
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const packageDir = dirname(require.resolve('@gort-backstage/plugin-gort-node/package.json'));
    const worker = new Worker(join(packageDir, 'workers', 'secretlintScan.mjs'));
    worker.unref();
    worker.on('message', (message: { id: number; findings?: { start: number; end: number; rule: string }[]; error?: string }) => {
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiting.reject(new Error(`secret scan failed: ${message.error}`));
      else
        waiting.resolve(
          (message.findings ?? []).map(f => ({ start: f.start, end: f.end, label: labelOf(f.rule), rule: f.rule })),
        );
    });
    worker.on('error', (error: unknown) => this.failAll(error instanceof Error ? error : new Error(String(error))));
    worker.on('exit', () => {
      this.worker = undefined;
      this.failAll(new Error('secret scan worker exited'));
    });
    this.worker = worker;
    return worker;
  }

  private failAll(error: Error): void {
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  /** Stops the worker (tests, shutdown). */
  stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}

let shared: SecretlintScanner | undefined;
/** The process-wide scanner. */
export function defaultSecretScanner(): SecretlintScanner {
  shared ??= new SecretlintScanner();
  return shared;
}

/**
 * Our detectors plus the maintained rule set, for text entering GORT from
 * outside (logs, events, cluster objects, repository files, diffs). Fails
 * closed: when the scan cannot run, the text is withheld rather than passed on
 * half-checked.
 */
export async function redactThoroughly(
  text: string,
  scanner: SecretScanner = defaultSecretScanner(),
): Promise<string> {
  const ours = findSecrets(text);
  let theirs: (Finding & { rule?: string })[];
  try {
    theirs = await scanner.scan(text);
  } catch (error) {
    return `[REDACTED:unscanned] (${(error as Error).message})`;
  }
  const extra = theirs.filter(
    f => !(f.rule && COVERED_BY_OURS.has(f.rule) && ours.some(o => o.start < f.end && o.end > f.start)),
  );
  return applyFindings(text, [...ours, ...extra]);
}
