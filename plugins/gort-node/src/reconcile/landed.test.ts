import { KubeObject } from '../kube/objects';
import { judgeLanded } from './landed';
import { chartVersionMatches, revisionMatches, revisionSha } from './revision';

const S = '0123456789abcdef0123456789abcdef01234567';
const OLD = 'fedcba9876543210fedcba9876543210fedcba98';

function gitRepository(revision: string, conditions: object[] = []): KubeObject {
  return {
    apiVersion: 'source.toolkit.fluxcd.io/v1',
    kind: 'GitRepository',
    metadata: { name: 'flux-system', namespace: 'flux-system', generation: 1 },
    status: { observedGeneration: 1, artifact: { revision }, conditions },
  };
}

function kustomization(status: Record<string, unknown>, extra: Partial<KubeObject> = {}): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name: 'podinfo', namespace: 'flux-system', generation: 3 },
    spec: { sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
    status: { observedGeneration: 3, ...status },
    ...extra,
  };
}

const ready = (status: string, reason: string, message = '') => ({ type: 'Ready', status, reason, message });

describe('revision helpers', () => {
  it('reads every revision format Flux has used', () => {
    expect(revisionSha(`main@sha1:${S}`)).toBe(S);
    expect(revisionSha(`main/${S}`)).toBe(S);
    expect(revisionSha(`sha1:${S}`)).toBe(S);
    expect(revisionSha(S.toUpperCase())).toBe(S);
    expect(revisionSha(`refs/heads/release/1.x@sha1:${S}`)).toBe(S);
    expect(revisionSha('latest@sha256:abc')).toBeUndefined();
    expect(revisionSha(undefined)).toBeUndefined();
  });

  it('matches only the exact commit', () => {
    expect(revisionMatches(`main@sha1:${S}`, S)).toBe(true);
    expect(revisionMatches(`main@sha1:${OLD}`, S)).toBe(false);
    expect(revisionMatches(`main@sha1:${S}`, S.slice(0, 12))).toBe(false);
  });

  it('ties chart versions built from Git to the commit', () => {
    expect(chartVersionMatches(`6.5.0+${S.slice(0, 12)}`, S)).toBe(true);
    expect(chartVersionMatches(`6.5.0+${OLD.slice(0, 12)}`, S)).toBe(false);
    expect(chartVersionMatches('6.5.0', S)).toBe(false);
    // valuesFiles: `+<12 hex>.<HelmChart generation>`
    expect(chartVersionMatches(`6.5.0+${S.slice(0, 12)}.3`, S)).toBe(true);
    expect(chartVersionMatches(`6.5.0+${OLD.slice(0, 12)}.3`, S)).toBe(false);
  });
});

describe('judgeLanded for a Kustomization', () => {
  it('waits for the source while it still serves the previous commit', () => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${OLD}`),
      object: kustomization({ lastAppliedRevision: `main@sha1:${OLD}`, conditions: [ready('True', 'ReconciliationSucceeded')] }),
    });
    expect(verdict).toEqual({ state: 'waiting_for_source', detail: expect.stringContaining('is at fedcba9, not 0123456') });
  });

  it('never judges the previous commit as the pushed one (the original GORT bug)', () => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${S}`),
      object: kustomization({
        lastAppliedRevision: `main@sha1:${OLD}`,
        lastAttemptedRevision: `main@sha1:${OLD}`,
        conditions: [ready('True', 'ReconciliationSucceeded')],
      }),
    });
    expect(verdict.state).toBe('reconciling');
  });

  it('waits while the controller has not observed the new generation', () => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${S}`),
      object: kustomization(
        { observedGeneration: 2, lastAppliedRevision: `main@sha1:${S}`, conditions: [ready('True', 'ReconciliationSucceeded')] },
      ),
    });
    expect(verdict).toMatchObject({ state: 'reconciling', waitingOn: 'generation' });
  });

  it('succeeds when Ready=True at exactly the pushed revision', () => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${S}`),
      object: kustomization({
        lastAppliedRevision: `main@sha1:${S}`,
        lastAttemptedRevision: `main@sha1:${S}`,
        conditions: [ready('True', 'ReconciliationSucceeded', `Applied revision: main@sha1:${S}`)],
      }),
    });
    // No wait and no health checks: applied, not health-checked.
    expect(verdict).toMatchObject({ state: 'succeeded', revision: `main@sha1:${S}`, health: 'applied' });
  });

  it('still succeeds after the source moved on to a later commit', () => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${OLD}`),
      object: kustomization({ lastAppliedRevision: `main@sha1:${S}`, lastAttemptedRevision: `main@sha1:${S}`, conditions: [ready('True', 'ReconciliationSucceeded')] }),
    });
    expect(verdict.state).toBe('succeeded');
  });

  it.each(['BuildFailed', 'ReconciliationFailed', 'HealthCheckFailed', 'ArtifactFailed', 'PruneFailed'])(
    'fails on %s for the pushed revision',
    reason => {
      const verdict = judgeLanded({
        sha: S,
        source: gitRepository(`main@sha1:${S}`),
        object: kustomization({
          lastAppliedRevision: `main@sha1:${OLD}`,
          lastAttemptedRevision: `main@sha1:${S}`,
          conditions: [ready('False', reason, 'boom')],
        }),
      });
      expect(verdict).toMatchObject({ state: 'failed', reason, message: 'boom' });
    },
  );

  it('fails when Stalled=True whatever the Ready reason', () => {
    const verdict = judgeLanded({
      sha: S,
      object: kustomization({
        lastAttemptedRevision: `main@sha1:${S}`,
        conditions: [ready('False', 'InvalidPath', 'x'), { type: 'Stalled', status: 'True', reason: 'InvalidPath', message: 'path not found' }],
      }),
    });
    expect(verdict).toMatchObject({ state: 'failed', reason: 'InvalidPath', message: 'path not found' });
  });

  it.each([
    ['DependencyNotReady', 'dependency'],
    ['Progressing', 'progress'],
    ['ProgressingWithRetry', 'progress'],
  ])('keeps waiting on %s', (reason, waitingOn) => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${S}`),
      object: kustomization({ lastAttemptedRevision: `main@sha1:${S}`, conditions: [ready('False', reason, 'wait')] }),
    });
    expect(verdict).toMatchObject({ state: 'reconciling', waitingOn });
  });

  it('reports a suspended Kustomization as suspended (its own outcome, not a time-out)', () => {
    const verdict = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${S}`),
      object: kustomization({ lastAttemptedRevision: `main@sha1:${OLD}` }, { spec: { suspend: true } }),
    });
    expect(verdict).toMatchObject({ state: 'suspended' });
  });

  it('fails fast when the source is stalled, and explains a failing source while waiting', () => {
    const stalled = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${OLD}`, [{ type: 'Stalled', status: 'True', reason: 'URLInvalid', message: 'bad url' }]),
      object: kustomization({}),
    });
    expect(stalled).toMatchObject({ state: 'failed', reason: 'URLInvalid' });
    const failing = judgeLanded({
      sha: S,
      source: gitRepository(`main@sha1:${OLD}`, [ready('False', 'GitOperationFailed', 'authentication required')]),
      object: kustomization({}),
    });
    expect(failing).toMatchObject({ state: 'waiting_for_source', detail: expect.stringContaining('authentication required') });
  });
});

describe('judgeLanded for a HelmRelease', () => {
  /** A release whose chart is built from Git at every commit (reconcileStrategy: Revision). */
  function helmRelease(status: Record<string, unknown>, fromGit = true): KubeObject {
    return {
      apiVersion: 'helm.toolkit.fluxcd.io/v2',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'apps', generation: 2 },
      spec: {
        chart: {
          spec: fromGit
            ? { chart: './charts/podinfo', reconcileStrategy: 'Revision', sourceRef: { kind: 'GitRepository', name: 'flux-system' } }
            : { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } },
        },
      },
      status: { observedGeneration: 2, lastAttemptedGeneration: 2, ...status },
    };
  }
  const chart = `6.5.0+${S.slice(0, 12)}`;

  it('succeeds when the chart built from the pushed commit is deployed', () => {
    const verdict = judgeLanded({
      sha: S,
      object: helmRelease({
        lastAttemptedRevision: chart,
        history: [{ name: 'podinfo', version: 3, chartVersion: chart, status: 'deployed' }],
        conditions: [ready('True', 'UpgradeSucceeded')],
      }),
    });
    expect(verdict).toMatchObject({ state: 'succeeded', revision: chart });
  });

  // Default remediation (retries: 0): the first stored failure spends the budget.
  it.each([
    ['InstallFailed', { lastAttemptedReleaseAction: 'install', installFailures: 1, failures: 1 }],
    ['UpgradeFailed', { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1, failures: 1 }],
    ['TestFailed', { lastAttemptedReleaseAction: 'upgrade', upgradeFailures: 1, failures: 1 }],
    ['ValuesError', {}],
  ])('fails on %s', (reason, counters) => {
    const verdict = judgeLanded({
      sha: S,
      object: helmRelease({
        lastAttemptedRevision: chart,
        ...counters,
        history: [{ chartVersion: chart, status: 'failed' }],
        conditions: [ready('False', reason, 'Helm upgrade failed')],
      }),
    });
    expect(verdict).toMatchObject({ state: 'failed', reason });
  });

  it('fails on RetriesExceeded (Stalled)', () => {
    const verdict = judgeLanded({
      sha: S,
      object: helmRelease({
        lastAttemptedRevision: chart,
        lastAttemptedReleaseAction: 'upgrade',
        upgradeFailures: 4,
        history: [{ chartVersion: chart, status: 'failed' }],
        conditions: [ready('False', 'UpgradeFailed', 'Helm upgrade failed'), { type: 'Stalled', status: 'True', reason: 'RetriesExceeded', message: 'Failed to upgrade after 4 attempt(s)' }],
      }),
    });
    expect(verdict).toMatchObject({ state: 'failed', reason: 'RetriesExceeded' });
  });

  it('waits while remediation retries remain (Flux is about to fix it), then fails when they are spent', () => {
    const withRetries = (upgradeFailures: number) => {
      const release = helmRelease({
        lastAttemptedRevision: chart,
        lastAttemptedReleaseAction: 'upgrade',
        upgradeFailures,
        failures: upgradeFailures,
        history: [{ chartVersion: chart, status: 'failed' }],
        conditions: [ready('False', 'RollbackSucceeded', 'Helm rollback succeeded'), { type: 'Released', status: 'False', reason: 'UpgradeFailed', message: 'context deadline exceeded' }],
      });
      release.spec.upgrade = { remediation: { retries: 2 } };
      return judgeLanded({ sha: S, object: release });
    };
    expect(withRetries(1)).toMatchObject({ state: 'reconciling', waitingOn: 'retry' });
    expect(withRetries(2)).toMatchObject({ state: 'reconciling', waitingOn: 'retry' });
    expect(withRetries(3)).toMatchObject({ state: 'failed', reason: 'UpgradeFailed', message: 'context deadline exceeded' });
  });

  // Flux 2.7.0-2.7.1 with RetryOnFailure as the controller default (feature gate,
  // invisible in the spec): Ready=False RetryAfterInterval, no Reconciling, the
  // error in Released (helm-controller 0325b55 atomic_release.go#L283-L286).
  it('recognises the RetryAfterInterval retry of helm-controller v1.4.0-v1.4.1', () => {
    const afterFailures = (failures: number) =>
      judgeLanded({
        sha: S,
        object: helmRelease({
          lastAttemptedRevision: chart,
          lastAttemptedReleaseAction: 'upgrade',
          upgradeFailures: failures,
          failures,
          history: [{ chartVersion: chart, status: 'failed' }],
          conditions: [
            ready('False', 'RetryAfterInterval', 'Will retry after 5m0s'),
            { type: 'Released', status: 'False', reason: 'UpgradeFailed', message: 'context deadline exceeded' },
          ],
        }),
      });
    expect(afterFailures(1)).toMatchObject({ state: 'reconciling', waitingOn: 'retry' });
    expect(afterFailures(2)).toMatchObject({ state: 'failed', reason: 'UpgradeFailed', message: 'context deadline exceeded' });
  });

  // helm-controller checks spec.dependsOn before it sets lastAttemptedGeneration
  // (helmrelease_controller.go#L245-L259): Ready=False DependencyNotReady at the
  // current generation, Reconciling still "Fulfilling prerequisites".
  it('waits on a dependency that is not ready', () => {
    const release = helmRelease({
      lastAttemptedGeneration: 1,
      conditions: [
        { type: 'Reconciling', status: 'True', reason: 'Progressing', message: 'Fulfilling prerequisites', observedGeneration: 2 },
        { type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: "dependency 'monitoring/db' is not ready", observedGeneration: 2 },
      ],
    }, false);
    release.spec.dependsOn = [{ name: 'db', namespace: 'monitoring' }];
    expect(judgeLanded({ sha: S, object: release, manifestAppliedAtSha: true })).toMatchObject({ state: 'reconciling', waitingOn: 'dependency' });
  });

  // helm-controller <= v0.37.3 copied a stale Ready message into Reconciling
  // ProgressingWithRetry while it retried the current generation (helm-controller#855).
  it('reads a retry of the current generation behind a stale Ready as a retry, not as a missing report', () => {
    const release = helmRelease({
      conditions: [
        { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: "dependency 'monitoring/db' is not ready", observedGeneration: 2 },
        { type: 'Ready', status: 'False', reason: 'DependencyNotReady', message: "dependency 'monitoring/db' is not ready", observedGeneration: 1 },
      ],
    }, false);
    expect(judgeLanded({ sha: S, object: release, manifestAppliedAtSha: true })).toMatchObject({ state: 'reconciling', waitingOn: 'retry' });
  });

  // helm-controller < v0.37 (Flux <= 2.1): v2beta1, no lastAttemptedGeneration and no history;
  // observedGeneration is set when a generation is started, lastAppliedRevision on success.
  it('judges a v2beta1 release of helm-controller before v0.37 from observedGeneration and lastAppliedRevision', () => {
    const legacy = (status: Record<string, unknown>): KubeObject => ({
      apiVersion: 'helm.toolkit.fluxcd.io/v2beta1',
      kind: 'HelmRelease',
      metadata: { name: 'podinfo', namespace: 'apps', generation: 2 },
      spec: { chart: { spec: { chart: 'podinfo', sourceRef: { kind: 'HelmRepository', name: 'podinfo' } } } },
      status,
    });
    const done = legacy({
      observedGeneration: 2,
      lastAttemptedRevision: '6.5.0',
      lastAppliedRevision: '6.5.0',
      conditions: [ready('True', 'ReconciliationSucceeded', 'Release reconciliation succeeded')],
    });
    expect(judgeLanded({ sha: S, object: done, manifestAppliedAtSha: true })).toMatchObject({ state: 'succeeded', revision: '6.5.0', health: 'healthy' });
    const notStarted = legacy({ ...done.status, observedGeneration: 1 });
    expect(judgeLanded({ sha: S, object: notStarted, manifestAppliedAtSha: true })).toMatchObject({ state: 'reconciling', waitingOn: 'generation' });
    const inProgress = legacy({ observedGeneration: 2, lastAttemptedRevision: '6.5.1', lastAppliedRevision: '6.5.0', conditions: [ready('Unknown', 'Progressing', 'Reconciliation in progress')] });
    expect(judgeLanded({ sha: S, object: inProgress, manifestAppliedAtSha: true })).toMatchObject({ state: 'reconciling', waitingOn: 'progress' });
  });

  it('ties a release from a Helm repository to the push through its parent Kustomization', () => {
    const release = helmRelease({
      lastAttemptedRevision: '6.5.0',
      history: [{ chartVersion: '6.5.0', status: 'deployed' }],
      conditions: [ready('True', 'UpgradeSucceeded')],
    }, false);
    expect(judgeLanded({ sha: S, object: release }).state).toBe('waiting_for_source');
    expect(judgeLanded({ sha: S, object: release, manifestAppliedAtSha: true }).state).toBe('succeeded');
  });
});
