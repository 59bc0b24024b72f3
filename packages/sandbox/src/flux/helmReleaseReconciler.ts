/**
 * A minimal helm-controller and the HelmChart part of source-controller: HelmRepository
 * indexing, the HelmChart a release needs (from a HelmRepository or built from a GitRepository),
 * values schema validation, install/upgrade of the rendered podinfo chart, the wait for
 * readiness, and remediation (retries, rollback/uninstall, RetriesExceeded, RetryOnFailure),
 * with helm-controller's conditions, history and messages.
 *
 * Followed upstream (read at these commits):
 * - helm-controller@0f61a8607a62 internal/controller/helmrelease_controller.go: Reconciling
 *   "Fulfilling prerequisites" (L236), SourceNotReady for a chart that is not ready (L298-L303),
 *   failure counters reset when chart or values change, lastAttempted* written after the
 *   source and values checks (L386-L402), status.observedGeneration advanced only on a terminal
 *   error or a result without requeue (L153-L155);
 * - helm-controller@0f61a8607a62 internal/reconcile/atomic_release.go: the next action for the
 *   release state (L322-L560), RetriesExceeded stalls (L203-L207, L303-L307), remediation then
 *   ProgressingWithRetry and requeue (L292-L301), RetryOnFailure "retrying after" (L233-L238,
 *   L273-L278, L292-L296), Remediated replaced by Released on success (L361-L365);
 * - helm-controller@0f61a8607a62 internal/reconcile/upgrade.go#L95-L111 (install.go alike): an
 *   action that stored no release (a values schema error) counts only status.failures and
 *   returns an error, so nothing is remediated and observedGeneration stays behind;
 * - helm-controller@0f61a8607a62 internal/reconcile/release.go#L213-L260 (summarize): Ready
 *   mirrors Remediated (as False) or Released;
 * - helm-controller@0f61a8607a62 api/v2/helmrelease_types.go#L1025-L1053: retries default 0,
 *   RetriesExhausted is failures > retries, remediateLastFailure defaults to retries > 0;
 * - source-controller@39b711b111fa internal/controller/helmchart_controller.go: a chart built
 *   from Git is versioned `<version>+<12 hex of the commit>` with reconcileStrategy Revision
 *   (L772-L804), a version that does not exist is a persistent InvalidChartReference with
 *   Stalled=True (L495-L499; internal/helm/chart/errors.go#L81).
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { KubeStore, canonicalJson } from '../kube/store';
import { KubeObject } from '../kube/types';
import { applyAllStaged, refOf } from './apply';
import {
  Condition,
  getCondition,
  removeCondition,
  setCondition,
  statusWithGenerations,
} from './conditions';
import { formatGoDuration, parseGoDuration } from './duration';
import { recordEvent } from './events';
import { readFileAtCommit, revisionCommit } from './git';
import {
  GIT_REPOSITORY,
  REQUESTED_AT,
  ResolveRepoDir,
} from './gitRepositoryReconciler';
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
export const HELM_CHART = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmChart',
};

const digest = (value: unknown) =>
  `sha256:${createHash('sha256')
    .update(canonicalJson(value ?? {}))
    .digest('hex')}`;
const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

type Action = 'install' | 'upgrade';

export interface HelmReleaseReconcilerOptions {
  healthCheckCapMs?: number;
  /** Bare git directory of a GitRepository URL, for charts built from Git. */
  resolveRepoDir?: ResolveRepoDir;
  /** Requeue after an error that stored no release (controller-runtime backoff); default 5 s. */
  retryMs?: number;
}

interface ChartInfo {
  ready: boolean;
  /** `<namespace>/<name>` of the HelmChart. */
  ref: string;
  name?: string;
  version?: string;
  message: string;
}

interface Wait {
  action: Action;
  chartName: string;
  chartVersion: string;
  values: unknown;
  objects: KubeObject[];
  deadline: number;
  startedAt: number;
}

interface StoredRelease {
  version: number;
  objects: KubeObject[];
}

interface State {
  wait?: Wait;
  /** No new attempt before this time unless the inputs change. */
  notBefore?: number;
  inputs?: string;
  releases: StoredRelease[];
  chartKey?: string;
}

function remediationOf(hr: KubeObject, action: Action) {
  const spec = hr.spec?.[action]?.remediation ?? {};
  const retries: number = spec.retries ?? 0;
  return {
    retries,
    strategy: (spec.strategy ??
      (action === 'install' ? 'uninstall' : 'rollback')) as
      | 'rollback'
      | 'uninstall',
    remediateLastFailure: (spec.remediateLastFailure ?? retries > 0) as boolean,
    failures: (hr.status?.[`${action}Failures`] ?? 0) as number,
  };
}

/** The RetryOnFailure strategy of Flux 2.7 (`spec.<action>.strategy`), or undefined. */
function activeRetry(hr: KubeObject, action: Action) {
  const strategy = hr.spec?.[action]?.strategy;
  if (strategy?.name !== 'RetryOnFailure') return undefined;
  return parseGoDuration(strategy.retryInterval) ?? 300_000;
}

function summarizeReady(conditions: Condition[], now: Date): Condition[] {
  // release.go#L213-L260: Ready follows Remediated (always as False) or else Released.
  const remediated = getCondition(conditions, 'Remediated');
  const released = getCondition(conditions, 'Released');
  const source = remediated ?? released;
  if (!source) return conditions;
  const status = remediated ? 'False' : source.status;
  let next = setCondition(
    conditions,
    { type: 'Ready', status, reason: source.reason, message: source.message },
    now,
  );
  if (status === 'True') next = removeCondition(next, 'Stalled');
  return next;
}

export class HelmReleaseReconciler {
  private readonly states = new Map<string, State>();

  constructor(
    private readonly store: KubeStore,
    private readonly options: HelmReleaseReconcilerOptions = {},
  ) {}

  async reconcileAll(now: Date): Promise<void> {
    for (const repo of this.store.list(HELM_REPOSITORY).items)
      this.indexRepository(repo, now);
    for (const hr of this.store.list(HELM_RELEASE).items) {
      // helmrelease_controller.go#L196-L199: a suspended release is left as it is.
      if (hr.spec?.suspend) continue;
      try {
        await this.reconcile(hr, now);
      } catch {
        // Deleted or changed meanwhile; retried next tick.
      }
    }
  }

  private state(hr: KubeObject): State {
    let s = this.states.get(hr.metadata.uid!);
    if (!s) {
      s = { releases: [] };
      this.states.set(hr.metadata.uid!, s);
    }
    return s;
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
    const updated = this.store.mutate(
      HELM_REPOSITORY,
      repo.metadata.namespace,
      repo.metadata.name!,
      current => ({
        ...current,
        status: statusWithGenerations(current, {
          ...(current.status ?? {}),
          observedGeneration: current.metadata.generation,
          conditions: setCondition(
            current.status?.conditions,
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
        }),
      }),
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
      c => ({
        ...c,
        status: statusWithGenerations(c, change({ ...(c.status ?? {}) })),
      }),
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

  /** Where the chart comes from and what it resolves to (source-controller's HelmChart). */
  private async resolveChart(
    spec: any,
    sourceNs: string,
    generation: number,
  ): Promise<{
    name?: string;
    version?: string;
    reason: string;
    message: string;
    stalled?: boolean;
  }> {
    const kind = spec.sourceRef?.kind ?? 'HelmRepository';
    const sourceName = spec.sourceRef?.name ?? '';
    if (kind === 'GitRepository') {
      const git = this.store.tryGet(GIT_REPOSITORY, sourceNs, sourceName);
      const revision: string | undefined = git?.status?.artifact?.revision;
      const sha = revision ? revisionCommit(revision) : undefined;
      const gitDir = git
        ? this.options.resolveRepoDir?.(git.spec?.url ?? '')
        : undefined;
      if (!git || !sha || !gitDir)
        return {
          reason: 'NoSourceArtifact',
          message: `no artifact available for GitRepository source '${sourceName}'`,
        };
      const chartPath = String(spec.chart ?? '').replace(/^\.\//, '');
      const text = await readFileAtCommit(
        gitDir,
        sha,
        `${chartPath}/Chart.yaml`,
      );
      const metadata = text ? parseYaml(text) : undefined;
      if (!metadata?.name || !metadata?.version)
        return {
          reason: 'ChartPackageError',
          message: `chart package error: path '${spec.chart}' not found`,
        };
      // helmchart_controller.go#L772-L804: with reconcileStrategy Revision the version carries
      // the first 12 hex of the commit as build metadata, and `.generation` with valuesFiles.
      const build: string[] = [];
      if (spec.reconcileStrategy === 'Revision') build.push(sha.slice(0, 12));
      if ((spec.valuesFiles ?? []).length > 0) build.push(String(generation));
      const version = [String(metadata.version), build.join('.')]
        .filter(Boolean)
        .join('+');
      return {
        name: metadata.name,
        version,
        reason: 'ChartPackageSucceeded',
        message: `packaged '${metadata.name}' chart with version '${version}'`,
      };
    }
    const repo = this.store.tryGet(HELM_REPOSITORY, sourceNs, sourceName);
    if (!repo)
      return {
        reason: 'ChartPullError',
        message: `failed to get source: HelmRepository.source.toolkit.fluxcd.io "${sourceName}" not found`,
      };
    const repoReady = getCondition(repo.status?.conditions, 'Ready');
    if (repoReady?.status !== 'True')
      return {
        reason: 'ChartPullError',
        message: repoReady?.message ?? 'HelmRepository is not ready',
      };
    const version = chartVersionExists(spec.chart, spec.version);
    if (!version)
      // helmchart_controller.go#L495-L499: an unknown version is a persistent error: Stalled.
      return {
        reason: 'InvalidChartReference',
        message: `invalid chart reference: failed to get chart version for remote reference: no '${
          spec.chart
        }' chart with version matching '${spec.version ?? '*'}' found`,
        stalled: true,
      };
    return {
      name: spec.chart,
      version,
      reason: 'ChartPullSucceeded',
      message: `pulled '${spec.chart}' chart with version '${version}'`,
    };
  }

  /** Creates or updates the release's HelmChart and reconciles it. */
  private async ensureChart(
    hr: KubeObject,
    state: State,
    now: Date,
  ): Promise<ChartInfo> {
    const chartSpec = hr.spec?.chart?.spec ?? {};
    const sourceNs: string =
      chartSpec.sourceRef?.namespace ?? hr.metadata.namespace;
    const name = `${hr.metadata.namespace}-${hr.metadata.name}`;
    const ref = `${sourceNs}/${name}`;
    const kind = chartSpec.sourceRef?.kind ?? 'HelmRepository';
    let chart: KubeObject;
    try {
      chart = this.store.upsert(HELM_CHART, {
        apiVersion: HELM_CHART.apiVersion,
        kind: 'HelmChart',
        metadata: { name, namespace: sourceNs },
        spec: {
          chart: chartSpec.chart,
          ...(kind === 'HelmRepository'
            ? { version: chartSpec.version ?? '*' }
            : {}),
          sourceRef: { kind, name: chartSpec.sourceRef?.name },
          interval: chartSpec.interval ?? hr.spec?.interval ?? '10m',
          reconcileStrategy: chartSpec.reconcileStrategy ?? 'ChartVersion',
          ...(chartSpec.valuesFiles
            ? { valuesFiles: chartSpec.valuesFiles }
            : {}),
        },
      }).object;
    } catch {
      return {
        ready: false,
        ref,
        message: `namespaces "${sourceNs}" not found`,
      };
    }
    const generation = chart.metadata.generation ?? 1;
    const result = await this.resolveChart(chartSpec, sourceNs, generation);
    const ok = result.version !== undefined;
    const key = canonicalJson({ generation, ...result });
    if (state.chartKey !== key) {
      state.chartKey = key;
      this.store.mutate(
        HELM_CHART,
        sourceNs,
        name,
        c => {
          let conditions = setCondition(
            c.status?.conditions,
            {
              type: 'Ready',
              status: ok ? 'True' : 'False',
              reason: result.reason,
              message: result.message,
            },
            now,
          );
          conditions = result.stalled
            ? setCondition(
                conditions,
                {
                  type: 'Stalled',
                  status: 'True',
                  reason: result.reason,
                  message: result.message,
                },
                now,
              )
            : removeCondition(conditions, 'Stalled');
          return {
            ...c,
            status: statusWithGenerations(c, {
              ...(c.status ?? {}),
              observedGeneration: c.metadata.generation,
              conditions,
              // A failed build keeps the artifact of the last good one.
              ...(ok && c.status?.artifact?.revision !== result.version
                ? {
                    artifact: {
                      revision: result.version,
                      digest: digest(`${result.name}-${result.version}`),
                      lastUpdateTime: iso(now),
                      path: `helmchart/${sourceNs}/${name}/${result.name}-${result.version}.tgz`,
                      url: `http://source-controller.flux-system.svc.cluster.local./helmchart/${sourceNs}/${name}/${result.name}-${result.version}.tgz`,
                    },
                  }
                : {}),
            }),
          };
        },
        { subresource: 'status' },
      );
      recordEvent(
        this.store,
        this.store.get(HELM_CHART, sourceNs, name),
        {
          type: ok ? 'Normal' : 'Warning',
          reason: result.reason,
          message: result.message,
          component: 'source-controller',
        },
        now,
      );
    }
    return {
      ready: ok,
      ref,
      name: result.name,
      version: result.version,
      message: result.message,
    };
  }

  private async reconcile(hr: KubeObject, now: Date) {
    const state = this.state(hr);
    if (state.wait) {
      this.checkWait(hr, state, now);
      return;
    }
    const chart = await this.ensureChart(hr, state, now);
    if (!chart.ready) {
      // helmrelease_controller.go#L236 and #L298-L303: retryable, observedGeneration stays.
      const message = `HelmChart '${chart.ref}' is not ready: ${chart.message}`;
      const ready = getCondition(hr.status?.conditions, 'Ready');
      if (ready?.reason === 'SourceNotReady' && ready.message === message)
        return;
      this.writeStatus(hr, s => ({
        ...s,
        helmChart: chart.ref,
        conditions: setCondition(
          setCondition(
            s.conditions,
            {
              type: 'Reconciling',
              status: 'True',
              reason: 'Progressing',
              message: 'Fulfilling prerequisites',
            },
            now,
          ),
          { type: 'Ready', status: 'False', reason: 'SourceNotReady', message },
          now,
        ),
      }));
      this.event(hr, 'Warning', 'SourceNotReady', message, now);
      return;
    }

    const values = hr.spec?.values ?? {};
    const configDigest = digest(values);
    const inputs = canonicalJson({
      g: hr.metadata.generation,
      r: hr.metadata.annotations?.[REQUESTED_AT],
      v: chart.version,
    });
    const inputsChanged = state.inputs !== inputs;
    if (!inputsChanged && state.notBefore && now.getTime() < state.notBefore)
      return;
    state.inputs = inputs;
    state.notBefore = undefined;

    const history: any[] = hr.status?.history ?? [];
    const latest = history[0];
    // MustResetFailures: the counters restart when the chart or the values changed.
    const resetFailures =
      hr.status?.lastAttemptedRevision !== chart.version ||
      hr.status?.lastAttemptedConfigDigest !== configDigest;
    const inSync =
      latest?.status === 'deployed' &&
      latest.chartVersion === chart.version &&
      latest.configDigest === configDigest;
    if (inSync) {
      // helmrelease_controller.go#L397-L402 run before the atomic release looks
      // at the release at all: an in-sync release is attempted at this
      // generation too (a push that reverts a broken chart version to the
      // deployed one ends here).
      const attempted =
        !resetFailures &&
        hr.status?.lastAttemptedGeneration === hr.metadata.generation;
      const current = attempted
        ? hr
        : this.writeStatus(hr, s => ({
            ...(resetFailures ? withoutFailures(s) : s),
            lastAttemptedGeneration: hr.metadata.generation,
            lastAttemptedRevision: chart.version,
            lastAttemptedConfigDigest: configDigest,
          }));
      this.markInSync(current, now);
      return;
    }

    const action: Action = history.some(
      (h: any) => h.status === 'deployed' || h.status === 'superseded',
    )
      ? 'upgrade'
      : 'install';
    const current = resetFailures ? this.writeStatus(hr, withoutFailures) : hr;

    if (latest?.status === 'failed' && !resetFailures) {
      // The release stored by our last attempt failed: retry or remediate (actionForState).
      if (activeRetry(current, action) === undefined) {
        this.remediate(current, state, action, now);
        return;
      }
    } else if (
      !resetFailures &&
      action === 'upgrade' &&
      activeRetry(current, action) === undefined &&
      remediationOf(current, action).failures >
        remediationOf(current, action).retries
    ) {
      // atomic_release.go#L415: out of sync but out of retries.
      this.stall(current, action, now);
      return;
    }
    this.release(current, state, chart, action, values, now);
  }

  private markInSync(hr: KubeObject, now: Date) {
    const released = getCondition(hr.status?.conditions, 'Released');
    const ready = getCondition(hr.status?.conditions, 'Ready');
    if (
      ready?.status === 'True' &&
      released?.status === 'True' &&
      !getCondition(hr.status?.conditions, 'Reconciling') &&
      hr.status?.observedGeneration === hr.metadata.generation
    )
      return;
    this.writeStatus(hr, s => {
      let conditions = removeCondition(s.conditions, 'Reconciling');
      if (
        released?.status !== 'True' ||
        getCondition(conditions, 'Remediated')
      ) {
        const latest = s.history?.[0];
        conditions = removeCondition(conditions, 'Remediated');
        conditions = setCondition(
          conditions,
          {
            type: 'Released',
            status: 'True',
            reason: 'UpgradeSucceeded',
            message: `Helm upgrade succeeded for release ${latest?.namespace}/${latest?.name}.v${latest?.version} with chart ${latest?.chartName}@${latest?.chartVersion}`,
          },
          now,
        );
      }
      return {
        ...s,
        observedGeneration: hr.metadata.generation,
        conditions: summarizeReady(conditions, now),
      };
    });
  }

  private timeoutOf(hr: KubeObject): number {
    return parseGoDuration(hr.spec?.timeout) ?? 300_000;
  }

  private release(
    hr: KubeObject,
    state: State,
    chart: ChartInfo,
    action: Action,
    values: any,
    now: Date,
  ) {
    const releaseName: string = hr.spec?.releaseName ?? hr.metadata.name!;
    const targetNs: string = hr.spec?.targetNamespace ?? hr.metadata.namespace!;
    const chartName = chart.name ?? '';
    const chartVersion = chart.version!;
    const running = `Running '${action}' action with timeout of ${formatGoDuration(
      this.timeoutOf(hr),
    )}`;
    // helmrelease_controller.go#L397-L402 and atomic_release.go#L243-L253.
    this.writeStatus(hr, s => ({
      ...s,
      helmChart: chart.ref,
      lastAttemptedRevision: chartVersion,
      lastAttemptedConfigDigest: digest(values),
      lastAttemptedGeneration: hr.metadata.generation,
      lastAttemptedReleaseAction: action,
      conditions: setCondition(
        setCondition(
          s.conditions,
          {
            type: 'Reconciling',
            status: 'True',
            reason: 'Progressing',
            message: running,
          },
          now,
        ),
        {
          type: 'Ready',
          status: 'Unknown',
          reason: 'Progressing',
          message: running,
        },
        now,
      ),
    }));
    const failure = (detail: string) =>
      `Helm ${action} failed for release ${targetNs}/${releaseName} with chart ${chartName}@${chartVersion}: ${detail}`;

    const schemaError = validateValues(chartName, values);
    if (schemaError) {
      this.failWithoutRelease(hr, state, action, failure(schemaError), now);
      return;
    }
    let objects: KubeObject[];
    try {
      // The image tag defaults to the chart's appVersion (no `+<commit>` build metadata).
      objects = renderPodinfo(
        releaseName,
        targetNs,
        chartVersion.split('+')[0],
        values,
      );
      applyAllStaged(this.store, objects, {
        ownerName: hr.metadata.name!,
        ownerNamespace: hr.metadata.namespace!,
        force: false,
      });
    } catch (error) {
      this.failWithoutRelease(
        hr,
        state,
        action,
        failure((error as Error).message.split('\n')[0]),
        now,
      );
      return;
    }
    this.event(
      hr,
      'Normal',
      'Progressing',
      `${
        action === 'install' ? 'Install' : 'Upgrade'
      } in progress for release ${targetNs}/${releaseName}`,
      now,
    );
    state.wait = {
      action,
      chartName,
      chartVersion,
      values,
      objects,
      startedAt: now.getTime(),
      deadline:
        now.getTime() +
        Math.min(this.timeoutOf(hr), this.options.healthCheckCapMs ?? 20_000),
    };
  }

  /** upgrade.go#L95-L103: no release stored, only status.failures counts; the error requeues. */
  private failWithoutRelease(
    hr: KubeObject,
    state: State,
    action: Action,
    message: string,
    now: Date,
  ) {
    const reason = action === 'install' ? 'InstallFailed' : 'UpgradeFailed';
    const retry = activeRetry(hr, action);
    this.writeStatus(hr, s => {
      let conditions = setCondition(
        s.conditions,
        { type: 'Released', status: 'False', reason, message },
        now,
      );
      conditions = setCondition(
        conditions,
        { type: 'Ready', status: 'False', reason, message },
        now,
      );
      if (retry !== undefined)
        conditions = setCondition(
          conditions,
          {
            type: 'Reconciling',
            status: 'True',
            reason: 'ProgressingWithRetry',
            message: `retrying after ${formatGoDuration(retry)}`,
          },
          now,
        );
      return {
        ...s,
        conditions,
        failures: (s.failures ?? 0) + 1,
        // atomic_release.go#L273-L278: RetryOnFailure requeues without an error (generation observed).
        ...(retry !== undefined
          ? { observedGeneration: hr.metadata.generation }
          : {}),
      };
    });
    this.event(hr, 'Warning', reason, message, now);
    state.notBefore = now.getTime() + (retry ?? this.options.retryMs ?? 5_000);
  }

  private checkWait(hr: KubeObject, state: State, now: Date) {
    const wait = state.wait!;
    const statuses = wait.objects.map(o =>
      objectHealth(
        this.store.tryGet(refOf(o), o.metadata.namespace, o.metadata.name!),
      ),
    );
    const releaseName: string = hr.spec?.releaseName ?? hr.metadata.name!;
    const targetNs: string = hr.spec?.targetNamespace ?? hr.metadata.namespace!;
    const ok = statuses.every(s => s === 'Current');
    if (!ok && now.getTime() < wait.deadline) return;
    state.wait = undefined;
    const version = ((hr.status?.history ?? [])[0]?.version ?? 0) + 1;
    const Action = wait.action === 'install' ? 'Install' : 'Upgrade';
    const entry = this.historyEntry(
      hr,
      version,
      ok ? 'deployed' : 'failed',
      wait.chartName,
      wait.chartVersion,
      wait.values,
      now,
    );
    state.releases = [
      { version, objects: wait.objects },
      ...state.releases,
    ].slice(0, 10);
    if (ok) {
      const message = `Helm ${wait.action} succeeded for release ${targetNs}/${releaseName}.v${version} with chart ${wait.chartName}@${wait.chartVersion}`;
      const reason = `${Action}Succeeded`;
      this.writeStatus(hr, s => {
        let conditions = removeCondition(s.conditions, 'Reconciling');
        conditions = removeCondition(conditions, 'Remediated');
        conditions = setCondition(
          conditions,
          { type: 'Released', status: 'True', reason, message },
          now,
        );
        return {
          ...s,
          observedGeneration: hr.metadata.generation,
          conditions: summarizeReady(conditions, now),
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
    // A failed release is stored: it counts against the remediation budget (upgrade.go#L105-L111).
    const message = `Helm ${wait.action} failed for release ${targetNs}/${releaseName} with chart ${wait.chartName}@${wait.chartVersion}: context deadline exceeded`;
    const reason = `${Action}Failed`;
    const updated = this.writeStatus(hr, s => ({
      ...s,
      conditions: summarizeReady(
        setCondition(
          s.conditions,
          { type: 'Released', status: 'False', reason, message },
          now,
        ),
        now,
      ),
      history: [
        entry,
        ...(s.history ?? []).map((h: any) => ({
          ...h,
          status: h.status === 'deployed' ? 'superseded' : h.status,
        })),
      ].slice(0, 5),
      failures: (s.failures ?? 0) + 1,
      [`${wait.action}Failures`]: (s[`${wait.action}Failures`] ?? 0) + 1,
    }));
    this.event(hr, 'Warning', reason, message, now);
    const retry = activeRetry(updated, wait.action);
    if (retry !== undefined) {
      // atomic_release.go#L233-L238: RetryOnFailure never remediates and never stalls.
      this.writeStatus(updated, s => ({
        ...s,
        observedGeneration: hr.metadata.generation,
        conditions: setCondition(
          s.conditions,
          {
            type: 'Reconciling',
            status: 'True',
            reason: 'ProgressingWithRetry',
            message: `retrying after ${formatGoDuration(retry)}`,
          },
          now,
        ),
      }));
      state.notBefore = now.getTime() + retry;
      return;
    }
    // The atomic release goes on to the next action in the same reconcile.
    this.remediate(updated, state, wait.action, now);
  }

  /** RetriesExceeded: terminal, so observedGeneration advances (helmrelease_controller.go#L442). */
  private stall(hr: KubeObject, action: Action, now: Date) {
    if (getCondition(hr.status?.conditions, 'Stalled')?.status === 'True')
      return;
    const { failures } = remediationOf(hr, action);
    this.writeStatus(hr, s => ({
      ...s,
      observedGeneration: hr.metadata.generation,
      conditions: summarizeReady(
        setCondition(
          removeCondition(s.conditions, 'Reconciling'),
          {
            type: 'Stalled',
            status: 'True',
            reason: 'RetriesExceeded',
            message: `Failed to ${action} after ${failures} attempt(s)`,
          },
          now,
        ),
        now,
      ),
    }));
    this.event(
      hr,
      'Warning',
      'RetriesExceeded',
      `Failed to ${action} after ${failures} attempt(s)`,
      now,
    );
  }

  /** atomic_release.go#L505-L548 then #L288-L307: roll back or uninstall, or stall. */
  private remediate(hr: KubeObject, state: State, action: Action, now: Date) {
    const remediation = remediationOf(hr, action);
    const exhausted = remediation.failures > remediation.retries;
    if (exhausted && !remediation.remediateLastFailure) {
      this.stall(hr, action, now);
      return;
    }
    const history: any[] = hr.status?.history ?? [];
    const releaseName: string = hr.spec?.releaseName ?? hr.metadata.name!;
    const targetNs: string = hr.spec?.targetNamespace ?? hr.metadata.namespace!;
    const previous = history.find(
      (h: any, i: number) =>
        i > 0 && (h.status === 'superseded' || h.status === 'deployed'),
    );
    const failed = state.releases.find(r => r.version === history[0]?.version);
    let reason: string;
    let message: string;
    let entry: any;
    if (action === 'upgrade' && remediation.strategy === 'rollback') {
      const target = previous
        ? state.releases.find(r => r.version === previous.version)
        : undefined;
      if (!previous || !target) {
        this.writeStatus(hr, s => ({
          ...s,
          observedGeneration: hr.metadata.generation,
          conditions: setCondition(
            s.conditions,
            {
              type: 'Stalled',
              status: 'True',
              reason: 'MissingRollbackTarget',
              message: `Failed to perform remediation: missing target release for rollback: cannot remediate failed release`,
            },
            now,
          ),
        }));
        return;
      }
      applyAllStaged(this.store, target.objects, {
        ownerName: hr.metadata.name!,
        ownerNamespace: hr.metadata.namespace!,
        force: false,
      });
      const version = (history[0]?.version ?? 0) + 1;
      state.releases = [
        { version, objects: target.objects },
        ...state.releases,
      ];
      entry = {
        ...previous,
        version,
        status: 'deployed',
        firstDeployed: iso(now),
        lastDeployed: iso(now),
      };
      reason = 'RollbackSucceeded';
      message = `Helm rollback to previous release ${targetNs}/${releaseName}.v${previous.version} with chart ${previous.chartName}@${previous.chartVersion} succeeded`;
    } else {
      for (const o of failed?.objects ?? []) {
        try {
          this.store.delete(refOf(o), o.metadata.namespace, o.metadata.name!);
        } catch {
          // already gone
        }
      }
      entry = { ...history[0], status: 'uninstalled' };
      reason = 'UninstallSucceeded';
      message = `Helm uninstall succeeded for release ${targetNs}/${releaseName}.v${history[0]?.version} with chart ${history[0]?.chartName}@${history[0]?.chartVersion}`;
    }
    this.writeStatus(hr, s => {
      const rest = (s.history ?? []).filter(
        (h: any) =>
          !(entry.status === 'uninstalled' && h.version === entry.version),
      );
      let conditions = setCondition(
        s.conditions,
        { type: 'Remediated', status: 'True', reason, message },
        now,
      );
      conditions = summarizeReady(conditions, now);
      conditions = exhausted
        ? setCondition(
            removeCondition(conditions, 'Reconciling'),
            {
              type: 'Stalled',
              status: 'True',
              reason: 'RetriesExceeded',
              message: `Failed to ${action} after ${remediation.failures} attempt(s)`,
            },
            now,
          )
        : setCondition(
            conditions,
            {
              type: 'Reconciling',
              status: 'True',
              reason: 'ProgressingWithRetry',
              message: getCondition(conditions, 'Ready')!.message,
            },
            now,
          );
      return {
        ...s,
        conditions,
        history: [
          entry,
          ...rest.map((h: any) => ({
            ...h,
            status: h.status === 'deployed' ? 'superseded' : h.status,
          })),
        ].slice(0, 5),
        // Terminal (RetriesExceeded) observes the generation; ErrMustRequeue does not.
        ...(exhausted ? { observedGeneration: hr.metadata.generation } : {}),
      };
    });
    this.event(hr, 'Normal', reason, message, now);
  }

  private historyEntry(
    hr: KubeObject,
    version: number,
    status: string,
    chartName: string,
    chartVersion: string,
    values: unknown,
    now: Date,
  ) {
    return {
      name: hr.spec?.releaseName ?? hr.metadata.name,
      namespace: hr.spec?.targetNamespace ?? hr.metadata.namespace,
      version,
      status,
      chartName,
      chartVersion,
      appVersion: chartVersion.split('+')[0],
      configDigest: digest(values),
      digest: digest({ chartVersion, values, version }),
      firstDeployed: iso(now),
      lastDeployed: iso(now),
    };
  }
}

/** The status without its failure counters (status.ClearFailures). */
function withoutFailures(status: any): any {
  const {
    failures: _f,
    installFailures: _i,
    upgradeFailures: _u,
    ...rest
  } = status;
  return rest;
}
