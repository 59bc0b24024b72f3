import { mockServices } from '@backstage/backend-test-utils';
import { FluxObserver, WATCH_SILENCE_INTERVALS } from './FluxObserver';
import { fluxKindSpec } from './fluxKinds';
import { eventually, ScriptedApiServer, startScriptedApiServer, WatchConnection } from './__testUtils__/scriptedApiServer';

const ks = (name: string, rv: number) => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'flux-system', resourceVersion: String(rv) },
});


/**
 * How the watch of one kind lives through connections that end badly. Each
 * test scripts every watch connection of a local API server, so the moment
 * and manner of each close is chosen, not left to timing. The observer must
 * end with exactly one open watch, report itself synced, and see a change
 * made after the trouble.
 */
describe('FluxObserver watch reconnection', () => {
  let api: ScriptedApiServer;
  let observer: FluxObserver;
  const restarts: string[] = [];

  beforeEach(async () => {
    restarts.length = 0;
    api = await startScriptedApiServer({ 'kustomize.toolkit.fluxcd.io': { v1: ['kustomizations'] } });
    api.objects.set('kustomizations', [ks('apps', 100)]);
  });

  afterEach(async () => {
    await observer?.stop();
    await api.close();
  });

  const start = async (options: { expectedIntervalMs?: number } = {}) => {
    observer = new FluxObserver({
      clusters: [{ name: 'c', origin: 'test', connection: { type: 'url', url: api.url, token: 't', skipTLSVerify: true } }],
      logger: mockServices.logger.mock(),
      kinds: [fluxKindSpec('Kustomization')!],
      minBackoffMs: 20,
      maxBackoffMs: 400,
      watchExpectedIntervalMs: options.expectedIntervalMs,
      onWatchRestart: (_c, _k, reason) => restarts.push(reason),
    });
    await observer.start();
  };

  /** Scripts the first connections by number (1-based); later ones stay open and quiet. */
  const script = (plan: Record<number, (conn: WatchConnection) => ReturnType<ScriptedApiServer['script']>>) => {
    api.script = conn => plan[api.watches.length]?.(conn);
  };
  const later = (fn: () => void, ms = 5) => {
    setTimeout(fn, ms);
    return undefined;
  };
  const open = () => api.watches.filter(w => !w.closed);

  /** The watch is live again: synced, no failure shown, one open connection, and a later change arrives. */
  async function expectRecovered(connections: number) {
    await eventually(() => api.watches.length >= connections && open().length === 1, `watch connection ${connections}`);
    await eventually(() => observer.isSynced('c', 'Kustomization'), 'synced again');
    expect(observer.clusterProblem('c', 'Kustomization')).toBeUndefined();
    open()[0].send('MODIFIED', { ...ks('apps', 200), spec: { suspend: true } });
    const rv = () => (observer.get('c', 'Kustomization', 'flux-system', 'apps')?.metadata as { resourceVersion?: string } | undefined)?.resourceVersion;
    await eventually(() => rv() === '200', 'the change after recovery');
    // No second connection sneaks in later (a double restart).
    await new Promise(resolve => setTimeout(resolve, 450));
    expect(open()).toHaveLength(1);
  }

  it('resumes after a reset and counts as synced again without a relist (the stale-flag hang)', async () => {
    script({ 1: conn => later(() => conn.destroy()) });
    await start();
    await expectRecovered(2);
    // Resumed at the listed resourceVersion: one list only.
    expect(api.lists).toHaveLength(1);
    expect(api.watches[1].query.get('resourceVersion')).toBe('100');
    expect(restarts).toEqual(['error']);
    expect(observer.status()[0]).toMatchObject({ synced: true, errors: 1, restarts: { error: 1 } });
  });

  it('resumes after a reset mid-event (a torn line)', async () => {
    script({ 1: conn => later(() => conn.destroyMidEvent('MODIFIED', ks('apps', 150))) });
    await start();
    await expectRecovered(2);
    // The torn event is never applied half-read; the resumed watch restarts once, as an error.
    expect(restarts).toEqual(['error']);
  });

  it('resumes after a reset at once after the headers, repeatedly, with backoff', async () => {
    script({ 1: conn => later(() => conn.destroy(), 0), 2: conn => later(() => conn.destroy(), 0), 3: conn => later(() => conn.destroy(), 0) });
    await start();
    await expectRecovered(4);
    expect(restarts).toEqual(['error', 'error', 'error']);
  });

  it('re-watches after a clean close, and one that delivered nothing waits before the next', async () => {
    script({ 1: conn => later(() => conn.end()), 2: conn => later(() => conn.end(), 0), 3: conn => later(() => conn.end(), 0) });
    await start();
    await expectRecovered(4);
    expect(restarts).toEqual(['closed', 'closed', 'closed']);
  });

  it('resumes after an error answer, then a close (error followed by close)', async () => {
    script({ 1: conn => later(() => conn.end()), 2: () => 'http-500', 3: conn => later(() => conn.destroy()) });
    await start();
    await expectRecovered(4);
    expect(restarts).toEqual(['closed', 'error', 'error']);
  });

  it('relists on 410 Gone, as an answer or as an ERROR event, and keeps its objects', async () => {
    script({
      1: conn => later(() => conn.destroy()),
      2: () => 'http-410',
      3: conn => later(() => {
        conn.send('ERROR', { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired' });
        // The server ends the watch after an ERROR; that close must not add a second restart.
        conn.end();
      }),
    });
    await start();
    await expectRecovered(4);
    expect(api.lists).toHaveLength(3);
    expect(restarts).toEqual(['error', 'expired', 'expired']);
    expect(observer.list('c', 'Kustomization').map(o => o.metadata?.name)).toEqual(['apps']);
  });

  it('asks for bookmarks and a server-side timeout', async () => {
    await start();
    await eventually(() => api.watches.length === 1, 'the watch');
    expect(api.watches[0].query.get('allowWatchBookmarks')).toBe('true');
    expect(api.watches[0].query.get('timeoutSeconds')).toBe('300');
  });

  it(`re-establishes a watch that delivers nothing for ${WATCH_SILENCE_INTERVALS}x the expected interval (watchdog)`, async () => {
    // A connection that never answers, then one that answers and goes quiet:
    // neither ends by itself. The third gets a bookmark every 50 ms and is kept.
    script({
      1: () => 'hang',
      2: () => undefined,
      3: conn => {
        const timer = setInterval(() => conn.send('BOOKMARK', { kind: 'Kustomization', metadata: { resourceVersion: '100' } }), 50);
        conn.res.on('close', () => clearInterval(timer));
        return undefined;
      },
    });
    await start({ expectedIntervalMs: 100 });
    await eventually(() => api.watches.length === 3, 'the watchdog to re-establish the watch twice', 5000);
    expect(restarts).toEqual(['silent', 'silent']);
    await new Promise(resolve => setTimeout(resolve, 600));
    expect(api.watches).toHaveLength(3);
    expect(open()).toHaveLength(1);
    expect(observer.isSynced('c', 'Kustomization')).toBe(true);
  });

  it('stops for good when removed, whatever its connection is doing', async () => {
    script({ 1: conn => later(() => conn.destroy(), 30) });
    await start();
    await eventually(() => api.watches.length === 1, 'the watch');
    await observer.removeCluster('c');
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(api.watches).toHaveLength(1);
    expect(open()).toHaveLength(0);
  });
});
