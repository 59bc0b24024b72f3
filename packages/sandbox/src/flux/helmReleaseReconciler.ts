/**
 * A minimal helm-controller: HelmRepository indexing, the HelmChart a release needs, values
 * schema validation, install/upgrade of the rendered podinfo chart, and the wait for readiness,
 * with helm-controller's conditions, history and messages.
 */
import { createHash } from 'node:crypto';
import { KubeStore, canonicalJson } from '../kube/store';
import { KubeObject } from '../kube/types';
import { applyAllStaged, refOf } from './apply';
import { getCondition, removeCondition, setCondition } from './conditions';
import { formatGoDuration, parseGoDuration } from './duration';
import { recordEvent } from './events';
import { REQUESTED_AT } from './gitRepositoryReconciler';
import { objectHealth } from './health';
import {
  chartRepositoryKnown,
  chartVersionExists,
  renderPodinfo,
  validateValues,
} from './helmCharts';

export const HELM_RELEASE = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
};
export const HELM_REPOSITORY = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
};
const HELM_CHART = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmChart',
};

const digest = (value: unknown) =>
  `sha256:${createHash('sha256')
    .update(canonicalJson(value ?? {}))
    .digest('hex')}`;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Wait {
  key: string;
  action: 'install' | 'upgrade';
  chartVersion: string;
  targets: KubeObject[];
  deadline: number;
  startedAt: number;
}

export class HelmReleaseReconciler {
  private readonly lastKey = new Map<string, string>();
  private readonly waits = new Map<string, Wait>();

  constructor(
    private readonly store: KubeStore,
    private readonly options: { healthCheckCapMs?: number } = {},
  ) {}

  async reconcileAll(now: Date): Promise<void> {
    for (const repo of this.store.list(HELM_REPOSITORY).items)
      this.indexRepository(repo, now);
    for (const hr of this.store.list(HELM_RELEASE).items) {
      if (hr.spec?.suspend) continue;
      try {
        this.reconcile(hr, now);
      } catch {
        // Deleted or changed meanwhile; retried next tick.
      }
    }
  }

  private indexRepository(repo: KubeObject, now: Date) {
    const url: string = repo.spec?.url ?? '';
    const known = chartRepositoryKnown(url);
    const wanted = known ? 'True' : 'False';
    if (
      getCondition(repo.status?.conditions, 'Ready')?.status === wanted &&
      repo.status?.observedGeneration === repo.metadata.generation
    )
      return;
    const message = known
      ? `stored artifact: revision '${digest(url)}'`
      : `failed to fetch Helm repository index: failed to cache index to temporary file: failed to fetch ${url.replace(
          /\/$/,
          '',
        )}/index.yaml : 404 Not Found`;
    const reason = known ? 'Succeeded' : 'IndexationFailed';
    const status = {
      ...(repo.status ?? {}),
      observedGeneration: repo.metadata.generation,
      conditions: setCondition(
        repo.status?.conditions,
        { type: 'Ready', status: wanted, reason, message },
        now,
      ),
      ...(known
        ? {
            artifact: {
              revision: digest(url),
              digest: digest(url),
              lastUpdateTime: iso(now),
              path: `helmrepository/${repo.metadata.namespace}/${repo.metadata.name}/index.yaml`,
              url: `http://source-controller.flux-system.svc.cluster.local./helmrepository/${repo.metadata.namespace}/${repo.metadata.name}/index.yaml`,
            },
          }
        : {}),
    };
    const updated = this.store.update(
      HELM_REPOSITORY,
      { ...repo, status },
      { subresource: 'status' },
    );
    recordEvent(
      this.store,
      updated,
      {
        type: known ? 'Normal' : 'Warning',
        reason,
        message,
        component: 'source-controller',
      },
      now,
    );
  }

  private writeStatus(
    hr: KubeObject,
    change: (status: any) => any,
  ): KubeObject {
    return this.store.mutate(
      HELM_RELEASE,
      hr.metadata.namespace,
      hr.metadata.name!,
      c => ({ ...c, status: change({ ...(c.status ?? {}) }) }),
      { subresource: 'status' },
    );
  }

  private event(
    hr: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    now: Date,
  ) {
    recordEvent(
      this.store,
      hr,
      { type, reason, message, component: 'helm-controller' },
      now,
    );
  }

  /** The HelmChart source-controller creates for the release; returns the resolved version or an error. */
  private ensureChart(
    hr: KubeObject,
    now: Date,
  ): { version?: string; error?: string } {
    const chartSpec = hr.spec?.chart?.spec ?? {};
    const sourceNs = chartSpec.sourceRef?.namespace ?? hr.metadata.namespace;
    const repo = this.store.tryGet(
      HELM_REPOSITORY,
      sourceNs,
      chartSpec.sourceRef?.name ?? '',
    );
    const chartName = `${hr.metadata.namespace}-${hr.metadata.name}`;
    let result: { version?: string; error?: string };
    if (!repo)
      result = {
        error: `HelmRepository.source.toolkit.fluxcd.io "${chartSpec.sourceRef?.name}" not found`,
      };
    else if (getCondition(repo.status?.conditions, 'Ready')?.status !== 'True')
      result = {
        error:
          getCondition(repo.status?.conditions, 'Ready')?.message ??
          'HelmRepository is not ready',
      };
    else {
      const version = chartVersionExists(chartSpec.chart, chartSpec.version);
      result = version
        ? { version }
        : {
            error: `no chart version found for ${chartSpec.chart}-${
              chartSpec.version ?? ''
            }`,
          };
    }
    const chart = {
      apiVersion: 'source.toolkit.fluxcd.io/v1',
      kind: 'HelmChart',
      metadata: { name: chartName, namespace: sourceNs },
      spec: {
        chart: chartSpec.chart,
        version: chartSpec.version ?? '*',
        sourceRef: { kind: 'HelmRepository', name: chartSpec.sourceRef?.name },
        interval: chartSpec.interval ?? '1m',
      },
    };
    try {
      this.store.upsert(HELM_CHART, chart);
      const message = result.version
        ? `pulled '${chartSpec.chart}' chart with version '${result.version}'`
        : result.error!;
      this.store.mutate(
        HELM_CHART,
        sourceNs,
        chartName,
        c => ({
          ...c,
          status: {
            observedGeneration: c.metadata.generation,
            conditions: setCondition(
              c.status?.conditions,
              {
                type: 'Ready',
                status: result.version ? 'True' : 'False',
                reason: result.version
                  ? 'ChartPullSucceeded'
                  : 'ChartPullError',
                message,
              },
              now,
            ),
            ...(result.version
              ? {
                  artifact:
                    c.status?.artifact?.revision === result.version
                      ? c.status.artifact
                      : {
                          revision: result.version,
                          digest: digest(
                            `${chartSpec.chart}-${result.version}`,
                          ),
                          lastUpdateTime: iso(now),
                        },
                }
              : {}),
          },
        }),
        { subresource: 'status' },
      );
    } catch {
      // The source namespace may not exist; the release reports the chart error itself.
    }
    return result;
  }

  private reconcile(hr: KubeObject, now: Date) {
    const key = canonicalJson({
      g: hr.metadata.generation,
      r: hr.metadata.annotations?.[REQUESTED_AT],
    });
    const uid = hr.metadata.uid!;
    const wait = this.waits.get(uid);
    if (wait && wait.key === key) {
      this.checkWait(hr, wait, now);
      return;
    }
    if (wait) this.waits.delete(uid);
    const chart = this.ensureChart(hr, now);
    const retryKey = `${key}|${chart.version ?? chart.error}`;
    if (this.lastKey.get(uid) === retryKey) return;
    this.lastKey.set(uid, retryKey);

    const chartName: string = hr.spec?.chart?.spec?.chart ?? '';
    if (!chart.version) {
      const sourceNs =
        hr.spec?.chart?.spec?.sourceRef?.namespace ?? hr.metadata.namespace;
      const message = `HelmChart '${sourceNs}/${hr.metadata.namespace}-${hr.metadata.name}' is not ready: ${chart.error}`;
      this.writeStatus(hr, s => ({
        ...s,
        observedGeneration: hr.metadata.generation,
        conditions: setCondition(
          s.conditions,
          { type: 'Ready', status: 'False', reason: 'ArtifactFailed', message },
          now,
        ),
      }));
      this.event(hr, 'Warning', 'ArtifactFailed', message, now);
      return;
    }
    const releaseName: string = hr.spec?.releaseName ?? hr.metadata.name!;
    const targetNs: string = hr.spec?.targetNamespace ?? hr.metadata.namespace!;
    const action: 'install' | 'upgrade' = (hr.status?.history ?? []).some(
      (h: any) => h.status === 'deployed',
    )
      ? 'upgrade'
      : 'install';
    const Action = action === 'install' ? 'Install' : 'Upgrade';
    const releaseRef = `${targetNs}/${releaseName}`;
    const values = hr.spec?.values ?? {};

    this.writeStatus(hr, s => ({
      ...s,
      lastAttemptedRevision: chart.version,
      lastAttemptedConfigDigest: digest(values),
      lastAttemptedGeneration: hr.metadata.generation,
      lastAttemptedReleaseAction: action,
      conditions: setCondition(
        setCondition(
          s.conditions,
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'Progressing',
            message: `Running '${action}' action with timeout of ${formatGoDuration(
              parseGoDuration(hr.spec?.timeout) ?? 300_000,
            )}`,
          },
          now,
        ),
        {
          type: 'Reconciling',
          status: 'True',
          reason: 'Progressing',
          message: `Running '${action}' action with timeout of ${formatGoDuration(
            parseGoDuration(hr.spec?.timeout) ?? 300_000,
          )}`,
        },
        now,
      ),
    }));

    const failInstall = (message: string) =>
      this.failRelease(
        hr,
        action,
        chart.version!,
        `Helm ${action} failed for release ${releaseRef} with chart ${chartName}@${chart.version}: ${message}`,
        values,
        now,
      );
    const schemaError = validateValues(chartName, values);
    if (schemaError) {
      failInstall(schemaError);
      return;
    }
    let objects: KubeObject[];
    try {
      objects = renderPodinfo(releaseName, targetNs, chart.version, values);
      applyAllStaged(this.store, objects, {
        ownerName: hr.metadata.name!,
        ownerNamespace: hr.metadata.namespace!,
        force: false,
      });
    } catch (error) {
      failInstall((error as Error).message.split('\n')[0]);
      return;
    }
    this.event(
      hr,
      'Normal',
      'Progressing',
      `${Action} in progress for release ${releaseRef}`,
      now,
    );
    const timeout = parseGoDuration(hr.spec?.timeout) ?? 300_000;
    this.waits.set(uid, {
      key,
      action,
      chartVersion: chart.version,
      targets: objects,
      startedAt: now.getTime(),
      deadline:
        now.getTime() +
        Math.min(timeout, this.options.healthCheckCapMs ?? 20_000),
    });
  }

  private checkWait(hr: KubeObject, wait: Wait, now: Date) {
    const statuses = wait.targets.map(o =>
      objectHealth(
        this.store.tryGet(refOf(o), o.metadata.namespace, o.metadata.name!),
      ),
    );
    const releaseName: string = hr.spec?.releaseName ?? hr.metadata.name!;
    const targetNs: string = hr.spec?.targetNamespace ?? hr.metadata.namespace!;
    const chartName: string = hr.spec?.chart?.spec?.chart ?? '';
    const values = hr.spec?.values ?? {};
    if (statuses.every(s => s === 'Current')) {
      this.waits.delete(hr.metadata.uid!);
      const version = ((hr.status?.history ?? [])[0]?.version ?? 0) + 1;
      const Action = wait.action === 'install' ? 'Install' : 'Upgrade';
      const message = `Helm ${wait.action} succeeded for release ${targetNs}/${releaseName}.v${version} with chart ${chartName}@${wait.chartVersion}`;
      const reason = `${Action}Succeeded`;
      this.writeStatus(hr, s => {
        let conditions = removeCondition(s.conditions, 'Reconciling');
        conditions = removeCondition(conditions, 'Stalled');
        conditions = setCondition(
          conditions,
          { type: 'Ready', status: 'True', reason, message },
          now,
        );
        conditions = setCondition(
          conditions,
          { type: 'Released', status: 'True', reason, message },
          now,
        );
        const entry = this.historyEntry(
          hr,
          version,
          'deployed',
          wait.chartVersion,
          values,
          now,
        );
        return {
          ...s,
          observedGeneration: hr.metadata.generation,
          conditions,
          history: [
            entry,
            ...(s.history ?? []).map((h: any) => ({
              ...h,
              status: h.status === 'deployed' ? 'superseded' : h.status,
            })),
          ].slice(0, 5),
          ...(hr.metadata.annotations?.[REQUESTED_AT]
            ? { lastHandledReconcileAt: hr.metadata.annotations[REQUESTED_AT] }
            : {}),
        };
      });
      this.event(hr, 'Normal', reason, message, now);
      return;
    }
    if (now.getTime() >= wait.deadline) {
      this.waits.delete(hr.metadata.uid!);
      this.failRelease(
        hr,
        wait.action,
        wait.chartVersion,
        `Helm ${wait.action} failed for release ${targetNs}/${releaseName} with chart ${chartName}@${wait.chartVersion}: context deadline exceeded`,
        values,
        now,
      );
    }
  }

  private historyEntry(
    hr: KubeObject,
    version: number,
    status: string,
    chartVersion: string,
    values: unknown,
    now: Date,
  ) {
    return {
      name: hr.spec?.releaseName ?? hr.metadata.name,
      namespace: hr.spec?.targetNamespace ?? hr.metadata.namespace,
      version,
      status,
      chartName: hr.spec?.chart?.spec?.chart,
      chartVersion,
      appVersion: chartVersion,
      configDigest: digest(values),
      digest: digest({ chartVersion, values, version }),
      firstDeployed: iso(now),
      lastDeployed: iso(now),
    };
  }

  private failRelease(
    hr: KubeObject,
    action: 'install' | 'upgrade',
    chartVersion: string,
    message: string,
    values: unknown,
    now: Date,
  ) {
    const reason = action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
    const version = ((hr.status?.history ?? [])[0]?.version ?? 0) + 1;
    const verb = action === 'install' ? 'install' : 'upgrade';
    this.writeStatus(hr, s => {
      let conditions = setCondition(
        s.conditions,
        { type: 'Ready', status: 'False', reason, message },
        now,
      );
      conditions = setCondition(
        conditions,
        { type: 'Released', status: 'False', reason, message },
        now,
      );
      // Default remediation retries are 0: helm-controller stalls until the spec changes.
      conditions = setCondition(
        conditions,
        {
          type: 'Stalled',
          status: 'True',
          reason: 'RetriesExceeded',
          message: `Failed to ${verb} after 1 attempt(s)`,
        },
        now,
      );
      conditions = removeCondition(conditions, 'Reconciling');
      const entry = this.historyEntry(
        hr,
        version,
        'failed',
        chartVersion,
        values,
        now,
      );
      return {
        ...s,
        observedGeneration: hr.metadata.generation,
        conditions,
        history: [entry, ...(s.history ?? [])].slice(0, 5),
        failures: (s.failures ?? 0) + 1,
        ...(action === 'install'
          ? { installFailures: (s.installFailures ?? 0) + 1 }
          : { upgradeFailures: (s.upgradeFailures ?? 0) + 1 }),
      };
    });
    this.event(hr, 'Warning', reason, message, now);
  }
}
