/*
 * Runs the bench's senders in a worker thread: the sandbox (GitHub,
 * Kubernetes, Flux) answers the backend in the bench's main thread, and its
 * work there must not delay the senders' timers or the reading of answers,
 * or the figures would count the sandbox's time as the backend's.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { deliver, followedPush, openLoop, saturation } from './deliveries';

export type LoadSpec = {
  baseUrl: string;
  event: 'ping' | 'push';
  /** For pushes: the branch's repository and its head, which the pushes continue. */
  repo?: string;
  head?: string;
} & (
  | { mode: 'saturation'; total: number; concurrency: number }
  | { mode: 'openLoop'; rate: number; seconds: number }
);

export interface LoadResult {
  perSecond?: number;
  latencies?: number[];
  /** The branch's head after the pushes sent. */
  head?: string;
}

async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  if (spec.event === 'push' && !spec.repo) throw new Error('pushes need the repository they go to');
  const branch = spec.event === 'push' ? followedPush(spec.repo!, spec.head) : undefined;
  const send = () => deliver(spec.baseUrl, spec.event, branch?.next());
  const result: LoadResult =
    spec.mode === 'saturation'
      ? { perSecond: await saturation(send, spec.total, spec.concurrency) }
      : { latencies: await openLoop(send, spec.rate, spec.seconds) };
  return { ...result, ...(branch ? { head: branch.head() } : {}) };
}

/** Sends the load from a worker thread and resolves with what it measured. */
export function loadInWorker(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(__filename, { workerData: { gortLoad: spec } });
    let answered = false;
    worker.once('message', message => {
      answered = true;
      if (message.error) reject(new Error(message.error));
      else resolve(message as LoadResult);
      worker.terminate();
    });
    worker.once('error', reject);
    // a worker that dies without answering (out of memory, a crash in a native module)
    worker.once('exit', code => {
      if (!answered) reject(new Error(`the load worker exited with ${code} before it answered`));
    });
  });
}

if (!isMainThread && workerData?.gortLoad) {
  runLoad(workerData.gortLoad as LoadSpec).then(
    result => parentPort!.postMessage(result),
    error => parentPort!.postMessage({ error: String(error?.stack ?? error) }),
  );
}
