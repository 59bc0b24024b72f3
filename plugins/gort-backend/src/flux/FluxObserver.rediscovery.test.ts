import { mockServices } from '@backstage/backend-test-utils';
import { FluxChange, FluxObserver } from './FluxObserver';
import { fluxKindSpec } from './fluxKinds';
import { eventually, ScriptedApiServer, startScriptedApiServer } from './__testUtils__/scriptedApiServer';

const SOURCE = 'source.toolkit.fluxcd.io';
const oci = (name: string) => ({ kind: 'OCIRepository', metadata: { name, namespace: 'flux-system', resourceVersion: '100' } });


/**
 * A Flux upgrade in the cluster: source-controller first serves OCIRepository
 * at v1beta2 only (before Flux 2.6), then at v1 only (v1beta2 no longer
 * served). The discovery answers come from the scripted API server, whose
 * `served` map the test changes.
 */
describe('FluxObserver re-discovery of served versions', () => {
  let api: ScriptedApiServer;
  let observer: FluxObserver;
  const changes: FluxChange[] = [];

  beforeEach(async () => {
    changes.length = 0;
    api = await startScriptedApiServer({ [SOURCE]: { v1beta2: ['ocirepositories'] } });
    api.objects.set('ocirepositories', [oci('podinfo'), oci('apps')]);
  });

  afterEach(async () => {
    await observer?.stop();
    await api.close();
  });

  const start = async (rediscoverEveryMs: number) => {
    observer = new FluxObserver({
      clusters: [{ name: 'c', origin: 'test', connection: { type: 'url', url: api.url, token: 't', skipTLSVerify: true } }],
      logger: mockServices.logger.mock(),
      kinds: [fluxKindSpec('OCIRepository')!],
      minBackoffMs: 20,
      maxBackoffMs: 200,
      rediscoverEveryMs,
    });
    observer.subscribe(change => changes.push(change));
    await observer.start();
    await eventually(() => observer.isSynced('c', 'OCIRepository'), 'the first list');
    expect(observer.servedSpec('c', 'OCIRepository')?.version).toBe('v1beta2');
    expect(changes.map(c => c.type)).toEqual(['add', 'add']);
  };

  /** Upgrades Flux and watches the cache while the observer moves; the cache must never lose an object. */
  async function upgradeAndExpectMove(after: () => void) {
    api.served = { [SOURCE]: { v1: ['ocirepositories'] } };
    after();
    let gaps = 0;
    await eventually(() => {
      if (!observer.get('c', 'OCIRepository', 'flux-system', 'podinfo') || observer.list('c', 'OCIRepository').length !== 2) gaps += 1;
      return observer.servedSpec('c', 'OCIRepository')?.version === 'v1' && api.lists.includes(`/apis/${SOURCE}/v1/ocirepositories`) && observer.isSynced('c', 'OCIRepository');
    }, 'the move to v1', 3000);
    await eventually(() => api.watches.some(w => w.path === `/apis/${SOURCE}/v1/ocirepositories` && !w.closed), 'a watch at v1');
    expect(gaps).toBe(0);
    // Same objects, read at the new version, with no delete/add churn.
    expect(changes.map(c => c.type)).toEqual(['add', 'add']);
    expect(observer.get('c', 'OCIRepository', 'flux-system', 'podinfo')?.apiVersion).toBe(`${SOURCE}/v1`);
    expect(observer.notServed('c', 'OCIRepository')).toBeUndefined();
    // And changes at the new version arrive.
    const live = api.watches.find(w => w.path === `/apis/${SOURCE}/v1/ocirepositories` && !w.closed)!;
    live.send('MODIFIED', { ...oci('podinfo'), apiVersion: `${SOURCE}/v1`, metadata: { ...oci('podinfo').metadata, resourceVersion: '300' } });
    await eventually(() => changes.some(c => c.type === 'update'), 'an update at v1');
    expect(api.watches.filter(w => !w.closed)).toHaveLength(1);
  }

  it('moves to the new version at the next scheduled discovery, keeping the cache', async () => {
    await start(300);
    await upgradeAndExpectMove(() => {});
    expect(observer.servedSpec('c', 'OCIRepository')?.version).toBe('v1');
  });

  it('rediscovers at once when its watch gets 404 at the old version', async () => {
    await start(60 * 60_000);
    const lists = api.lists.length;
    await upgradeAndExpectMove(() => {
      // The API server drops watches when a CRD stops serving a version; the
      // reconnect at v1beta2 answers 404, which must not wait an hour.
      api.watches.filter(w => !w.closed).forEach(w => w.destroy());
    });
    expect(api.lists.length).toBe(lists + 1);
  });

  it('a kind that answers 404 where discovery still places it is not watched (no retry loop) and keeps its cache', async () => {
    await start(60 * 60_000);
    // The group version still lists the resource, but its list and watch 404 (a CRD half removed).
    api.script = () => 'http-404';
    api.watches.filter(w => !w.closed).forEach(w => w.destroy());
    await eventually(() => observer.notServed('c', 'OCIRepository') !== undefined, 'not served');
    expect(observer.notServed('c', 'OCIRepository')).toMatch(/answered 404 to the list of ocirepositories at source\.toolkit\.fluxcd\.io\/v1beta2/);
    const watches = api.watches.length;
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(api.watches.length).toBe(watches); // no retry loop against a 404
    expect(observer.list('c', 'OCIRepository')).toHaveLength(2); // the cache is kept
  });

  it('stops watching a kind no longer served at any version, and watches it again when it comes back', async () => {
    await start(200);
    api.served = { [SOURCE]: { v1: ['gitrepositories'] } };
    // Discovery says why (a 404 of the watch may say so first, then discovery runs at once).
    await eventually(() => /but not OCIRepository at v1 or v1beta2/.test(observer.notServed('c', 'OCIRepository') ?? ''), 'not served');
    await eventually(() => api.watches.every(w => w.closed), 'its watch to stop');
    api.served = { [SOURCE]: { v1: ['gitrepositories', 'ocirepositories'] } };
    await eventually(() => observer.notServed('c', 'OCIRepository') === undefined && observer.isSynced('c', 'OCIRepository'), 'served again');
    expect(observer.servedSpec('c', 'OCIRepository')?.version).toBe('v1');
    await eventually(() => api.watches.filter(w => !w.closed).length === 1, 'one watch');
  });
});
