import { mockServices } from '@backstage/backend-test-utils';
import type { Run } from '@gort-backstage/plugin-gort-common';
import type { KubeObject } from '@gort-backstage/plugin-gort-node';
import { FluxObjectLookup } from '../runs/judgeRunObject';
import { ClusterEvidenceCollector } from './ClusterEvidenceCollector';

const PUSHED = '3f2a9c1d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49';
const FORCED = '99aa88bb77cc66dd55ee44ff33aa22bb11cc00dd';

const kustomization: KubeObject = {
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name: 'apps', namespace: 'flux-system', generation: 1 },
  spec: { path: './apps', sourceRef: { kind: 'GitRepository', name: 'platform' } },
  status: {
    observedGeneration: 1,
    lastAttemptedRevision: `main@sha1:${FORCED}`,
    conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: `Applied revision: main@sha1:${FORCED}` }],
  },
};
const source: KubeObject = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'GitRepository',
  metadata: { name: 'platform', namespace: 'flux-system', generation: 1 },
  spec: { ref: { branch: 'main' } },
  status: {
    observedGeneration: 1,
    artifact: { revision: `main@sha1:${FORCED}` },
    conditions: [{ type: 'Ready', status: 'True', reason: 'Succeeded', message: `stored artifact for revision 'main@sha1:${FORCED}'` }],
  },
};

const lookup: FluxObjectLookup = {
  resolveCluster: name => name ?? 'dev',
  hasCluster: () => true,
  get: (_cluster, kind, _namespace, name) => [kustomization, source].find(o => o.kind === kind && o.metadata?.name === name),
  list: () => [],
  isSynced: () => true,
};

const run = {
  id: 'r1',
  entityRef: 'component:default/shop',
  repo: 'acme/platform',
  branch: 'main',
  sha: PUSHED,
  state: 'diagnosing',
  outcome: 'timed_out',
  objects: [{ cluster: 'dev', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }],
} as unknown as Run;

describe('ClusterEvidenceCollector on a timed-out run', () => {
  it('diagnoses by where the run was stuck and asks whether the commit is still on the branch', async () => {
    const branchHead = jest.fn(async () => FORCED);
    const collector = new ClusterEvidenceCollector({
      lookup,
      readerFor: () => undefined,
      logger: mockServices.logger.mock(),
      branchHead,
    });
    const result = await collector.diagnose({
      run,
      judgements: [{ object: 'dev:Kustomization/flux-system/apps', state: 'reconciling', detail: 'waiting', at: '' }] as any,
      locations: [{ cluster: 'dev', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }],
    });
    expect(branchHead).toHaveBeenCalledWith(run);
    expect(result.category).toBe('source-not-found');
    expect(result.diagnosis?.object).toBe('GitRepository/flux-system/platform');
    expect(result.diagnosis?.summary).toContain('3f2a9c1 is no longer the head of branch main');
    expect(result.diagnosis?.fix).toMatch(/^not fixable in Git: /);
  });

  it('still diagnoses when the branch head cannot be read', async () => {
    const collector = new ClusterEvidenceCollector({
      lookup,
      readerFor: () => undefined,
      logger: mockServices.logger.mock(),
      branchHead: async () => {
        throw new Error('GitHub is down');
      },
    });
    const result = await collector.diagnose({
      run,
      judgements: [],
      locations: [{ cluster: 'dev', kind: 'Kustomization', namespace: 'flux-system', name: 'apps' }],
    });
    expect(result.category).toBe('source-unavailable');
    expect(result.evidence.map(e => e.message).join('\n')).toContain('could not read the head of branch main');
  });
});
