import { mockServices } from '@backstage/backend-test-utils';
import type { ClusterDetails, KubernetesClustersSupplier } from '@backstage/plugin-kubernetes-node';
import { ClusterDefinition } from './clusters';
import { ClusterWatches, WatchedClusters } from './WatchedClusters';

const serviceAccount = (name: string, url = `https://${name}.example.com`): ClusterDetails => ({
  name,
  url,
  authMetadata: { 'kubernetes.io/auth-provider': 'serviceAccount', serviceAccountToken: `${name}-token` },
});

class RecordingWatches implements ClusterWatches {
  readonly watched = new Map<string, ClusterDefinition>();
  readonly log: string[] = [];
  addCluster(cluster: ClusterDefinition) {
    this.watched.set(cluster.name, cluster);
    this.log.push(`+${cluster.name}`);
  }
  async removeCluster(name: string) {
    this.watched.delete(name);
    this.log.push(`-${name}`);
  }
}

/** A supplier whose answer the test changes between refreshes. */
function supplier(initial: ClusterDetails[]) {
  let answer: ClusterDetails[] | Error = initial;
  const value: KubernetesClustersSupplier & { answer(next: ClusterDetails[] | Error): void } = {
    getClusters: async () => {
      if (answer instanceof Error) throw answer;
      return answer;
    },
    answer: next => {
      answer = next;
    },
  };
  return value;
}

function setup(sources: KubernetesClustersSupplier[]) {
  const watches = new RecordingWatches();
  const logger = mockServices.logger.mock();
  const configured: ClusterDefinition = { name: 'demo', origin: 'gort.clusters', connection: { type: 'url', url: 'http://127.0.0.1:1', skipTLSVerify: false } };
  const clusters = new WatchedClusters({
    configured: [configured],
    sources: sources.map((s, i) => ({ supplier: s, origin: `source ${i}` })),
    watches,
    auth: mockServices.auth(),
    logger,
  });
  return { watches, logger, clusters };
}

describe('WatchedClusters', () => {
  it('has readers for the configured clusters before any refresh', () => {
    const { clusters } = setup([]);
    expect(clusters.readerFor('demo')).toBeDefined();
    expect(clusters.readerFor('other')).toBeUndefined();
  });

  it('watches supplied clusters, follows changed details, and stops those that went', async () => {
    const source = supplier([serviceAccount('east'), serviceAccount('west')]);
    const { watches, clusters } = setup([source]);
    await clusters.refresh();
    expect([...watches.watched.keys()]).toEqual(['east', 'west']);
    expect(watches.watched.get('east')?.connection).toMatchObject({ url: 'https://east.example.com', token: 'east-token' });
    expect(clusters.readerFor('east')).toBeDefined();

    await clusters.refresh();
    expect(watches.log).toEqual(['+east', '+west']);

    source.answer([serviceAccount('east', 'https://east-2.example.com')]);
    await clusters.refresh();
    expect(watches.log).toEqual(['+east', '+west', '-east', '+east', '-west']);
    expect(watches.watched.get('east')?.connection).toMatchObject({ url: 'https://east-2.example.com' });
    expect(clusters.readerFor('west')).toBeUndefined();
  });

  it('keeps the clusters of a supplier that fails to answer', async () => {
    const source = supplier([serviceAccount('east')]);
    const { watches, logger, clusters } = setup([source]);
    await clusters.refresh();
    source.answer(new Error('catalog unavailable'));
    await clusters.refresh();
    expect([...watches.watched.keys()]).toEqual(['east']);
    expect(logger.warn).toHaveBeenCalledWith('Could not read the clusters of source 0: Error: catalog unavailable');
  });

  it('skips clusters it cannot watch or whose name is taken, saying so once', async () => {
    const first = supplier([serviceAccount('east'), { name: 'oidc', url: 'https://o', authMetadata: { 'kubernetes.io/auth-provider': 'oidc' } }]);
    const second = supplier([serviceAccount('east', 'https://elsewhere'), serviceAccount('demo')]);
    const { watches, logger, clusters } = setup([first, second]);
    await clusters.refresh();
    await clusters.refresh();
    expect([...watches.watched.keys()]).toEqual(['east']);
    expect(watches.watched.get('east')?.connection).toMatchObject({ url: 'https://east.example.com' });
    expect(logger.warn.mock.calls.map(([message]) => message)).toEqual([
      'Not watching cluster "oidc" (source 0): its auth provider is oidc; GORT watches in the background and needs serviceAccount',
      'Not watching cluster "east" of source 1: another source already defines a cluster of that name',
      'Not watching cluster "demo" of source 1: another source already defines a cluster of that name',
    ]);
  });
});
