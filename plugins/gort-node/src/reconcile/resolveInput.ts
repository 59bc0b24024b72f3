import {
  dependsOnOf,
  helmChartRefOf,
  KubeObject,
  ParsedRef,
  sourceRefOf,
} from '../kube/objects';
import { LandedInput } from './landed';
import { revisionMatches } from './revision';

/** Read access to observed objects of one cluster (a watch cache, or a snapshot). */
export interface ObjectLookup {
  get(kind: string, namespace: string, name: string): KubeObject | undefined;
  list(kind: string): KubeObject[];
}

export interface ObjectKey {
  kind: string;
  namespace: string;
  name: string;
}

function keyOf(ref: ParsedRef | undefined, fallbackNamespace: string): ObjectKey | undefined {
  if (!ref?.kind || !ref.name) return undefined;
  return { kind: ref.kind, namespace: ref.namespace ?? fallbackNamespace, name: ref.name };
}

/**
 * The source a watched object reads: a Kustomization's `sourceRef`; for a
 * HelmRelease its HelmChart (`spec.chart`) or the OCIRepository /
 * HelmChart / ExternalArtifact named by `spec.chartRef`.
 */
export function sourceKeyOf(object: KubeObject): ObjectKey | undefined {
  const namespace = object.metadata?.namespace ?? '';
  if (object.kind === 'HelmRelease') {
    return keyOf(object.spec?.chartRef ? sourceRefOf(object) : helmChartRefOf(object), namespace);
  }
  return keyOf(sourceRefOf(object), namespace);
}

/** The source of a HelmChart (GitRepository, Bucket or HelmRepository). */
export function chartSourceKeyOf(chart: KubeObject): ObjectKey | undefined {
  const ref = chart.spec?.sourceRef;
  if (!ref || typeof ref.name !== 'string' || typeof ref.kind !== 'string') return undefined;
  return { kind: ref.kind, namespace: chart.metadata?.namespace ?? '', name: ref.name };
}

function inventoryHas(kustomization: KubeObject, id: string): boolean {
  const entries = kustomization.status?.inventory?.entries;
  return Array.isArray(entries) && entries.some((e: { id?: string }) => e?.id === id);
}

/** The Kustomizations whose inventory holds this object. */
export function parentKustomizations(lookup: ObjectLookup, object: KubeObject): KubeObject[] {
  const group = (object.apiVersion ?? '').split('/')[0] || 'helm.toolkit.fluxcd.io';
  const id = `${object.metadata?.namespace}_${object.metadata?.name}_${group}_${object.kind}`;
  return lookup.list('Kustomization').filter(k => inventoryHas(k, id));
}

/**
 * Whether a Kustomization that applies this object has applied commit `sha`.
 * kustomize-controller records the revision it starts on as
 * lastAttemptedRevision and writes lastAppliedRevision only after the apply
 * and its health checks passed, so: true when a parent applied `sha`; false
 * when every parent is still on an earlier revision (what the object shows is
 * the previous push's); undefined when it cannot be told (no Kustomization's
 * inventory holds the object, or a parent attempts `sha` and may have applied
 * it while its health checks wait on the object).
 */
// upstream: fluxcd/kustomize-controller@186fb3b29138ce82ff61ba1a9370b96a3dd598fe:internal/controller/kustomization_controller.go#L384
// upstream: fluxcd/kustomize-controller@186fb3b29138ce82ff61ba1a9370b96a3dd598fe:internal/controller/kustomization_controller.go#L534
export function manifestAppliedAt(lookup: ObjectLookup, object: KubeObject, sha: string): boolean | undefined {
  const parents = parentKustomizations(lookup, object);
  if (parents.length === 0) return undefined;
  const applied = parents.some(
    k =>
      revisionMatches(k.status?.lastAppliedRevision, sha) ||
      revisionMatches(k.status?.lastAppliedOriginRevision, sha),
  );
  if (applied) return true;
  return parents.some(k => revisionMatches(k.status?.lastAttemptedRevision, sha)) ? undefined : false;
}

/** Everything `judgeLanded` needs about `object`, read from the lookup. */
export function resolveLandedInput(
  lookup: ObjectLookup,
  object: KubeObject,
  sha: string,
  extra: Partial<Pick<LandedInput, 'branch' | 'manifestAppliedAtSha'>> = {},
): LandedInput {
  const sourceKey = sourceKeyOf(object);
  const source = sourceKey ? lookup.get(sourceKey.kind, sourceKey.namespace, sourceKey.name) : undefined;
  const chartSourceKey = source?.kind === 'HelmChart' ? chartSourceKeyOf(source) : undefined;
  const chartSource = chartSourceKey
    ? lookup.get(chartSourceKey.kind, chartSourceKey.namespace, chartSourceKey.name)
    : undefined;
  const dependencies = dependsOnOf(object)
    .map(ref => lookup.get(ref.kind ?? object.kind ?? '', ref.namespace ?? '', ref.name))
    .filter((d): d is KubeObject => d !== undefined);
  return {
    object,
    source,
    chartSource,
    dependencies,
    sha,
    branch: extra.branch,
    manifestAppliedAtSha:
      extra.manifestAppliedAtSha ??
      (object.kind === 'HelmRelease' ? manifestAppliedAt(lookup, object, sha) : undefined),
  };
}

/** A lookup over a fixed list of objects (a snapshot, a `kubectl get -o yaml` dump). */
export function lookupOver(objects: readonly KubeObject[]): ObjectLookup {
  return {
    get: (kind, namespace, name) =>
      objects.find(
        o =>
          o.kind === kind &&
          o.metadata?.name === name &&
          (o.metadata?.namespace ?? '') === namespace,
      ),
    list: kind => objects.filter(o => o.kind === kind),
  };
}
