import { Condition, findCondition, KubeObject } from '../kube/objects';
import { currentCondition, isFalse, isTrue, statusObservedCurrent } from './freshness';
import type { LandedInput, LandedVerdict } from './landed';
import { chartVersionMatches } from './revision';
import { sourceAtSha, sourceStalled } from './sources';

// upstream: fluxcd/helm-controller@0f61a8607a62be64638f2f912d9487e653960a6e:internal/controller/helmrelease_controller.go
// upstream: fluxcd/helm-controller@0f61a8607a62be64638f2f912d9487e653960a6e:internal/reconcile/atomic_release.go
// upstream: fluxcd/helm-controller@0f61a8607a62be64638f2f912d9487e653960a6e:api/v2/helmrelease_types.go

/** Reasons of a failed Helm action (Ready, Released or TestSuccess). */
export const HELM_RELEASE_FAILURE_REASONS: ReadonlySet<string> = new Set([
  'InstallFailed',
  'UpgradeFailed',
  'TestFailed',
]);

/** Ready reasons while a failed release is being remediated (the error itself is in Released/TestSuccess). */
const REMEDIATION_REASONS: ReadonlySet<string> = new Set([
  'RollbackSucceeded',
  'UninstallSucceeded',
  'RollbackFailed',
  'UninstallFailed',
]);

/** Kept for callers that list the reasons ending a HelmRelease attempt. */
export const HELM_RELEASE_TERMINAL_REASONS: ReadonlySet<string> = new Set([
  ...HELM_RELEASE_FAILURE_REASONS,
  'RetriesExceeded',
  'MissingRollbackTarget',
  'ValuesError',
]);

type Action = 'install' | 'upgrade';

/** How the chart of a HelmRelease is tied to Git, decided from the spec (not from versions seen). */
function chartBinding(input: LandedInput): 'git-revision' | 'oci-origin' | 'manifest' {
  const { object, source } = input;
  if (object.spec?.chartRef) {
    if (source?.kind === 'OCIRepository' && source.status?.artifact?.metadata?.['org.opencontainers.image.revision']) {
      return 'oci-origin';
    }
    return 'manifest';
  }
  const template = object.spec?.chart?.spec ?? {};
  const chartSpec = source?.kind === 'HelmChart' ? source.spec ?? {} : {};
  const sourceKind = chartSpec.sourceRef?.kind ?? template.sourceRef?.kind;
  const strategy = chartSpec.reconcileStrategy ?? template.reconcileStrategy ?? 'ChartVersion';
  return sourceKind === 'GitRepository' && strategy === 'Revision' ? 'git-revision' : 'manifest';
}

/**
 * helm-controller before v0.37 (Flux <= 2.1) serves only v2beta1 (v2alpha1
 * before it): no `lastAttemptedGeneration` and no `history`. It sets
 * `status.observedGeneration` when it starts on a new generation, and on
 * success writes Ready=True ReconciliationSucceeded with
 * `lastAppliedRevision` = `lastAttemptedRevision` (the chart version).
 * upstream: fluxcd/helm-controller@f1c72ad7012b609e62e85d410c931015a1a4f0ad:controllers/helmrelease_controller.go#L196-L198
 * upstream: fluxcd/helm-controller@f1c72ad7012b609e62e85d410c931015a1a4f0ad:api/v2beta1/helmrelease_types.go#L869-L880
 */
function legacyStatus(object: KubeObject): boolean {
  return /^helm\.toolkit\.fluxcd\.io\/v2(alpha1|beta1)$/.test(object.apiVersion ?? '') && object.status?.lastAttemptedGeneration === undefined;
}

function attemptedAtSha(input: LandedInput, binding: ReturnType<typeof chartBinding>): boolean {
  const { object, source, sha } = input;
  const status = object.status ?? {};
  const generation = object.metadata?.generation;
  const generationAttempted =
    typeof generation !== 'number' ||
    (typeof status.lastAttemptedGeneration === 'number'
      ? status.lastAttemptedGeneration >= generation
      : legacyStatus(object) && statusObservedCurrent(object));
  switch (binding) {
    case 'git-revision':
      return chartVersionMatches(status.lastAttemptedRevision, sha) && generationAttempted;
    case 'oci-origin': {
      const at = sourceAtSha(source!, sha);
      const digest = status.lastAttemptedRevisionDigest;
      const sameArtifact =
        typeof digest === 'string' && digest.length > 0
          ? String(source!.status?.artifact?.revision ?? '').includes(digest) || source!.status?.artifact?.digest === digest
          : input.manifestAppliedAtSha === true;
      return at.at === 'sha' && sameArtifact && generationAttempted;
    }
    default:
      return input.manifestAppliedAtSha === true && generationAttempted;
  }
}

function activeAction(object: KubeObject, failure: Condition | undefined): Action {
  const last = object.status?.lastAttemptedReleaseAction;
  if (last === 'install' || last === 'upgrade') return last;
  return failure?.reason === 'InstallFailed' ? 'install' : 'upgrade';
}

/**
 * The remediation budget of the failed action: `spec.<action>.remediation.retries`
 * (default 0, negative = unlimited) against `status.<action>Failures`; the
 * controller stalls with RetriesExceeded once failures > retries.
 * upstream: fluxcd/helm-controller@0f61a8607a62be64638f2f912d9487e653960a6e:api/v2/helmrelease_types.go#L1051
 */
function remediationBudget(object: KubeObject, action: Action) {
  const retries = Number(object.spec?.[action]?.remediation?.retries ?? 0);
  const failures = Number(object.status?.[action === 'install' ? 'installFailures' : 'upgradeFailures'] ?? 0);
  return { retries, failures, exhausted: retries >= 0 && failures > retries };
}

/**
 * RetryOnFailure (Flux 2.7): the action is retried every `retryInterval`
 * (5m) and never stalls. It is set on the object, or controller-wide with the
 * DefaultToRetryOnFailure feature gate, which is invisible on the object
 * except through the Reconciling message the controller writes
 * ("retrying after <interval>", atomic_release.go#L235-L237).
 */
function retriesOnFailure(object: KubeObject, action: Action): boolean {
  if (object.spec?.[action]?.strategy?.name === 'RetryOnFailure') return true;
  // helm-controller v1.4.0-v1.4.1 (Flux 2.7.0-2.7.1) deleted Reconciling and
  // wrote Ready=False RetryAfterInterval "Will retry after <interval>" instead;
  // 9120241 (v1.4.2) moved it to Reconciling.
  // upstream: fluxcd/helm-controller@0325b55b05c0756c2f7805eebb9a25f1b2ce6dba:internal/reconcile/atomic_release.go#L283-L286
  if (findCondition(object, 'Ready')?.reason === 'RetryAfterInterval') return true;
  const reconciling = findCondition(object, 'Reconciling');
  return reconciling?.reason === 'ProgressingWithRetry' && /^retrying after /.test(reconciling.message ?? '');
}

/** The condition holding the real error of a failed Helm action. */
function releaseFailure(object: KubeObject, ready: Condition | undefined): Condition | undefined {
  const released = currentCondition(object, 'Released');
  const tested = currentCondition(object, 'TestSuccess');
  if (isFalse(tested) && HELM_RELEASE_FAILURE_REASONS.has(tested!.reason ?? '')) return tested;
  if (isFalse(released) && HELM_RELEASE_FAILURE_REASONS.has(released!.reason ?? '')) return released;
  if (isFalse(ready) && HELM_RELEASE_FAILURE_REASONS.has(ready!.reason ?? '')) return ready;
  return undefined;
}

function failed(detail: string, condition: Condition, extra = ''): LandedVerdict {
  return { state: 'failed', detail, reason: condition.reason ?? 'Failed', message: `${condition.message ?? ''}${extra}` };
}

/**
 * A failed Helm action at S: final, or a retry Flux will make by itself.
 * Decisions (documented in docs/architecture.md):
 * - an action that stored no release (failures counted in `status.failures`
 *   but not in the action's counter: schema validation, rendering) is final:
 *   Helm refused the inputs before changing anything, and Flux retries the
 *   same inputs with the same result;
 * - RetryOnFailure: final once the controller's own retry failed as well
 *   (`status.failures` >= 2), so a transient failure that one retry fixes never
 *   produces a failure verdict;
 * - RemediateOnFailure: final when the budget is spent, a retry otherwise.
 */
function judgeReleaseFailure(object: KubeObject, failure: Condition): LandedVerdict {
  const action = activeAction(object, failure);
  const totalFailures = Number(object.status?.failures ?? 0);
  const budget = remediationBudget(object, action);
  if (budget.failures === 0 && totalFailures > 0 && HELM_RELEASE_FAILURE_REASONS.has(failure.reason ?? '') && failure.reason !== 'TestFailed') {
    return failed(`Helm ${action} failed before storing a release (${failure.reason})`, failure);
  }
  if (retriesOnFailure(object, action)) {
    if (totalFailures >= 2) {
      return failed(`Helm ${action} failed ${totalFailures} times (RetryOnFailure: Flux keeps retrying)`, failure);
    }
    return { state: 'reconciling', detail: `Helm ${action} failed once; Flux retries it (RetryOnFailure)`, waitingOn: 'retry' };
  }
  if (budget.exhausted) {
    return failed(
      `Helm ${action} failed and its remediation retries are spent (${budget.failures} failure(s), ${budget.retries} retr${budget.retries === 1 ? 'y' : 'ies'})`,
      failure,
    );
  }
  return {
    state: 'reconciling',
    detail: `Helm ${action} failed (${failure.reason}); Flux retries it (${budget.failures} of ${budget.retries < 0 ? 'unlimited' : budget.retries + 1} attempts used)`,
    waitingOn: 'retry',
  };
}

/**
 * Whether a HelmChart is the one helm-controller builds from the release's
 * current `spec.chart` template (chart, version, source, strategy, values
 * files; version and strategy default as the CRDs do). helm-controller
 * updates the HelmChart only when it reconciles the new generation, so right
 * after a push changed the template the HelmChart still shows the previous
 * one, and its stall (a version typo the push corrects) is not this push's.
 * upstream: fluxcd/helm-controller internal/reconcile/helmchart_template.go (buildHelmChartFromTemplate)
 */
function chartBuiltFromTemplate(object: KubeObject, chart: KubeObject): boolean {
  const template = object.spec?.chart?.spec;
  const spec = chart.spec;
  if (!template || !spec) return true;
  const same = (a: unknown, b: unknown, fallback?: string) => (a ?? fallback) === (b ?? fallback);
  const sameList = (a: unknown, b: unknown) => JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
  return (
    same(template.chart, spec.chart) &&
    same(template.version, spec.version, '*') &&
    same(template.sourceRef?.kind, spec.sourceRef?.kind, 'HelmRepository') &&
    same(template.sourceRef?.name, spec.sourceRef?.name) &&
    same(template.reconcileStrategy, spec.reconcileStrategy, 'ChartVersion') &&
    sameList(template.valuesFiles, spec.valuesFiles)
  );
}

function chartFailure(input: LandedInput): LandedVerdict | undefined {
  const { source } = input;
  if (!source) return undefined;
  if (source.kind === 'HelmChart' && !chartBuiltFromTemplate(input.object, source)) return undefined;
  const stalled = sourceStalled(source);
  if (stalled) {
    return failed(`${source.kind} ${source.metadata?.namespace}/${source.metadata?.name} is stalled (${stalled.reason})`, stalled);
  }
  const chartSource = input.chartSource ? sourceStalled(input.chartSource) : undefined;
  if (chartSource) {
    return failed(`${input.chartSource!.kind} ${input.chartSource!.metadata?.name} is stalled (${chartSource.reason})`, chartSource);
  }
  return undefined;
}

/** The message of a current Ready=False DependencyNotReady, if the release waits for `spec.dependsOn`. */
function dependencyNotReady(object: KubeObject): string | undefined {
  const ready = currentCondition(object, 'Ready');
  return isFalse(ready) && ready!.reason === 'DependencyNotReady' ? ready!.message ?? 'a dependency is not ready' : undefined;
}

export function judgeHelmRelease(input: LandedInput): LandedVerdict {
  const { object, sha } = input;
  const status = object.status ?? {};
  if (object.spec?.suspend === true) {
    return { state: 'suspended', detail: 'the HelmRelease is suspended (spec.suspend: true): Flux will not release anything until it is resumed' };
  }
  const binding = chartBinding(input);
  const attempted = attemptedAtSha(input, binding);
  const ready = currentCondition(object, 'Ready');
  const stalled = currentCondition(object, 'Stalled');

  // A chart that cannot be built (HelmChart stalled, e.g. InvalidChartReference
  // for a version typo) shows on the release as SourceNotReady; but while the
  // parent Kustomization has not applied the push, that is the previous
  // push's release (a push correcting the typo must not fail on it).
  const sourceNotReady = ready?.reason === 'SourceNotReady' && input.manifestAppliedAtSha !== false;
  if (!attempted && (sourceNotReady || binding !== 'manifest' || input.manifestAppliedAtSha)) {
    const chart = chartFailure(input);
    if (chart) return chart;
  }

  if (isTrue(stalled) && attempted) {
    const cause = releaseFailure(object, ready);
    return {
      state: 'failed',
      detail: `the HelmRelease is stalled (${stalled!.reason})`,
      reason: stalled!.reason ?? 'Stalled',
      message: [cause?.message, stalled!.message].filter(Boolean).join(' — '),
    };
  }

  // ValuesError is written before lastAttempted* (helmrelease_controller.go#L319):
  // tie it to S through the chart or the parent Kustomization instead.
  const chartAtSha =
    binding === 'git-revision' && chartVersionMatches(input.source?.status?.artifact?.revision, sha);
  if (isFalse(ready) && ready!.reason === 'ValuesError' && (attempted || chartAtSha || input.manifestAppliedAtSha)) {
    return failed('the release values cannot be composed (ValuesError)', ready!);
  }

  if (!attempted) {
    // spec.dependsOn not ready: Ready=False DependencyNotReady at the current
    // generation, retried without advancing status.observedGeneration or
    // lastAttemptedGeneration (the check runs before both).
    // upstream: fluxcd/helm-controller@0f61a8607a62be64638f2f912d9487e653960a6e:internal/controller/helmrelease_controller.go#L245-L259
    const waitingFor = dependencyNotReady(object);
    if (waitingFor && (binding !== 'manifest' || input.manifestAppliedAtSha)) {
      return { state: 'reconciling', detail: waitingFor, waitingOn: 'dependency' };
    }
    if (binding === 'git-revision') {
      return {
        state: 'reconciling',
        detail: `chart ${status.lastAttemptedRevision ?? 'none'} attempted, waiting for a chart built from ${sha.slice(0, 7)}`,
        waitingOn: 'progress',
      };
    }
    if (input.manifestAppliedAtSha) {
      return { state: 'reconciling', detail: 'the controller has not attempted the current generation yet', waitingOn: 'generation' };
    }
    return {
      state: 'waiting_for_source',
      detail:
        binding === 'oci-origin'
          ? `the OCI chart artifact built from ${sha.slice(0, 7)} has not been attempted yet`
          : `the HelmRelease manifest of ${sha.slice(0, 7)} has not been applied yet`,
    };
  }

  const latest = Array.isArray(status.history) ? status.history[0] : undefined;
  const legacyApplied =
    legacyStatus(object) && ready?.reason === 'ReconciliationSucceeded' && typeof status.lastAppliedRevision === 'string' &&
    status.lastAppliedRevision === status.lastAttemptedRevision;
  const deployed =
    (latest?.status === 'deployed' || legacyApplied) &&
    (binding !== 'git-revision' || chartVersionMatches(latest?.chartVersion ?? status.lastAppliedRevision, sha));
  if (isTrue(ready) && deployed) {
    const action = activeAction(object, undefined);
    const waits = object.spec?.[action]?.disableWait !== true;
    return {
      state: 'succeeded',
      detail: `${latest ? `release ${latest.name ?? ''} v${latest.version ?? '?'} deployed with chart ${latest.chartVersion ?? '?'}` : `release reconciled with chart ${status.lastAppliedRevision}`}${waits ? '' : ' (disableWait: applied, not health-checked)'}`,
      revision: String(latest?.chartVersion ?? status.lastAppliedRevision ?? status.lastAttemptedRevision ?? ''),
      health: waits ? 'healthy' : 'applied',
    };
  }

  const failure = releaseFailure(object, ready);
  if (failure && (isFalse(ready) || REMEDIATION_REASONS.has(ready?.reason ?? ''))) {
    return judgeReleaseFailure(object, failure);
  }
  if (!ready) {
    // The release of this generation was attempted and the controller requeues
    // it (Reconciling=True ProgressingWithRetry at this generation) while Ready
    // still describes an older one: helm-controller <= v0.37.3 copied that stale
    // Ready message into Reconciling (atomic_release.go#L222-L223, removed by
    // 59c577a in v0.37.4), so neither message describes the current attempt.
    // upstream: fluxcd/helm-controller@813fce59b9ccc3ec8678f18f0b8b48b20fbc00ad:internal/reconcile/atomic_release.go#L222-L223
    const reconciling = currentCondition(object, 'Reconciling');
    if (isTrue(reconciling) && reconciling!.reason === 'ProgressingWithRetry') {
      return {
        state: 'reconciling',
        detail: 'the controller is retrying the release of the current generation (Reconciling: ProgressingWithRetry); Ready still describes an older generation',
        waitingOn: 'retry',
      };
    }
    return { state: 'reconciling', detail: 'the controller has not reported on the current generation yet', waitingOn: 'generation' };
  }
  return { state: 'reconciling', detail: ready.message ?? 'release in progress', waitingOn: 'progress' };
}
