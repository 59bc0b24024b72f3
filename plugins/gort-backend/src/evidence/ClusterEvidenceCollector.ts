import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FailureCategory,
  isFailureCategory,
  Run,
  RunDiagnosis,
  RunEvidenceItem,
} from '@gort-backstage/plugin-gort-common';
import {
  dependsOnOf,
  diagnose,
  diagnoseTimeout,
  KubeObject,
  redact,
  redactObject,
  redactThoroughly,
} from '@gort-backstage/plugin-gort-node';
import { ClusterReader } from '../flux/FluxClusterClient';
import { apiVersionOf, ServedVersions, specFor } from '../flux/fluxKinds';
import { FailureDiagnoser } from '../runs/ports';
import { FluxObjectLookup, ObjectLocation, sourceLocationOf } from '../runs/judgeRunObject';
import { failingContainers, inventoryWorkloads, podSelectorOf } from './inventory';
import { withRecordedFailure } from './recordedFailure';

export interface EvidenceLimits {
  workloads: number;
  podsPerWorkload: number;
  eventsPerObject: number;
  logContainers: number;
  logLines: number;
  logBytes: number;
  messageChars: number;
}

export const DEFAULT_EVIDENCE_LIMITS: EvidenceLimits = {
  workloads: 10,
  podsPerWorkload: 5,
  eventsPerObject: 20,
  logContainers: 3,
  logLines: 40,
  logBytes: 4096,
  messageChars: 2000,
};

const HELM_SOURCE_KINDS = new Set(['HelmRepository', 'GitRepository', 'OCIRepository', 'Bucket']);

function tail(text: string, maxBytes: number): string {
  return text.length <= maxBytes ? text : `…${text.slice(text.length - maxBytes)}`;
}

function latestEvents(events: KubeObject[], limit: number): KubeObject[] {
  const time = (e: any) => Date.parse(e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? 0) || 0;
  return [...events].sort((a, b) => time(b) - time(a)).slice(0, limit);
}

/**
 * Gathers the evidence of the design (conditions, events, source, dependsOn,
 * inventory workloads, pods, failing containers' last log lines), bounded and
 * redacted, then runs the rules engine on it. Every cluster read is
 * best-effort: what cannot be read is recorded as evidence, not thrown.
 */
export class ClusterEvidenceCollector implements FailureDiagnoser {
  private readonly limits: EvidenceLimits;

  constructor(
    private readonly deps: {
      lookup: FluxObjectLookup;
      readerFor: (cluster: string) => ClusterReader | undefined;
      logger: LoggerService;
      limits?: Partial<EvidenceLimits>;
      /** The head of the run's branch now (best-effort): tells a timed-out run whether its commit is still there. */
      branchHead?: (run: Run) => Promise<string | undefined>;
      /** The API versions each cluster serves: objects are read at that version. */
      served?: ServedVersions;
    },
  ) {
    this.limits = { ...DEFAULT_EVIDENCE_LIMITS, ...deps.limits };
  }

  async diagnose(input: Parameters<FailureDiagnoser['diagnose']>[0]) {
    const objects: KubeObject[] = [];
    const notes: RunEvidenceItem[] = [];
    const logs: RunEvidenceItem[] = [];
    const seen = new Set<string>();
    const add = (object: KubeObject | undefined) => {
      if (!object) return;
      const key = `${object.kind}/${object.metadata?.namespace}/${object.metadata?.name}`;
      if (seen.has(key)) return;
      seen.add(key);
      objects.push(object);
    };
    const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (error) {
        notes.push({ source: 'gort', message: redact(`could not read ${what}: ${String(error).slice(0, 300)}`) });
        return undefined;
      }
    };

    for (const location of input.locations) {
      const reader = this.deps.readerFor(location.cluster);
      await this.collectFluxObject(location, reader, add, attempt);
      const object = this.deps.lookup.get(location.cluster, location.kind, location.namespace, location.name);
      if (!object || !reader) continue;
      await this.collectWorkloads(object, reader, add, attempt, logs);
    }

    const safeObjects = redactObject(withRecordedFailure(objects, input.failure));
    const target = this.targetOf(input);
    let found;
    if (input.run.outcome === 'timed_out') {
      // Diagnosed by where the run was stuck: the source, its revision, its
      // Ready message, and whether the pushed commit is still on the branch.
      const branchHead = this.deps.branchHead
        ? await attempt(`the head of branch ${input.run.branch}`, () => this.deps.branchHead!(input.run))
        : undefined;
      const run = { sha: input.run.sha, branch: input.run.branch, branchHead };
      try {
        found = diagnoseTimeout(safeObjects, { ...run, target });
      } catch {
        found = diagnoseTimeout(safeObjects, run);
      }
    } else {
      try {
        found = diagnose(safeObjects, target);
      } catch {
        found = diagnose(safeObjects);
      }
    }
    const category: FailureCategory =
      found && isFailureCategory(found.category) ? found.category : 'unknown';
    const diagnosis: RunDiagnosis | undefined = found
      ? {
          category,
          object: found.object,
          summary: redact(found.summary),
          fix: redact(found.fix),
          confidence: found.confidence,
          evidence: found.evidence.map(e => ({ source: e.source, message: redact(e.message) })),
          related: found.related,
        }
      : undefined;
    const evidence = [...(diagnosis?.evidence ?? []), ...logs, ...notes].map(item => ({
      source: item.source.slice(0, 300),
      message: item.message.slice(0, Math.max(this.limits.messageChars, this.limits.logBytes + 100)),
    }));
    return { category, diagnosis, evidence };
  }

  private targetOf(input: Parameters<FailureDiagnoser['diagnose']>[0]): string | undefined {
    const failing = input.failure?.object ?? input.judgements.find(j => j.state !== 'succeeded')?.object;
    return failing?.replace(/^[^:/]+:/, '');
  }

  private async collectFluxObject(
    location: ObjectLocation,
    reader: ClusterReader | undefined,
    add: (o: KubeObject | undefined) => void,
    attempt: <T>(what: string, read: () => Promise<T>) => Promise<T | undefined>,
  ) {
    const { lookup } = this.deps;
    const object = lookup.get(location.cluster, location.kind, location.namespace, location.name);
    add(object);
    if (!object) return;
    const chain: ObjectLocation[] = [];
    const source = sourceLocationOf(location.cluster, object);
    if (source) chain.push(source);
    for (const dep of dependsOnOf(object)) {
      chain.push({ cluster: location.cluster, kind: dep.kind ?? location.kind, namespace: dep.namespace ?? location.namespace, name: dep.name });
    }
    for (const ref of chain) {
      let found = lookup.get(ref.cluster, ref.kind, ref.namespace, ref.name);
      const spec = specFor(this.deps.served, ref.cluster, ref.kind);
      if (!found && reader && spec) {
        found = await attempt(`${ref.kind} ${ref.namespace}/${ref.name}`, () =>
          reader.getObject(apiVersionOf(spec), ref.kind, ref.namespace, ref.name),
        );
      }
      add(found);
      // A HelmChart reads from a HelmRepository (not watched): read it once.
      if (found?.kind === 'HelmChart' && reader) {
        const chartSource = found.spec?.sourceRef;
        const chartSourceSpec = chartSource?.name && HELM_SOURCE_KINDS.has(chartSource.kind)
          ? specFor(this.deps.served, ref.cluster, chartSource.kind)
          : undefined;
        if (chartSourceSpec) {
          add(
            await attempt(`${chartSource.kind} ${ref.namespace}/${chartSource.name}`, () =>
              reader.getObject(apiVersionOf(chartSourceSpec), chartSource.kind, ref.namespace, chartSource.name),
            ),
          );
        }
      }
    }
    if (!reader) return;
    for (const target of [object, ...chainObjects(chain, lookup)]) {
      const events = await attempt(`events of ${target.kind} ${target.metadata?.name}`, () =>
        reader.listEventsFor(target.metadata?.namespace ?? '', target.kind ?? '', target.metadata?.name ?? ''),
      );
      latestEvents(events ?? [], this.limits.eventsPerObject).forEach(add);
    }
  }

  private async collectWorkloads(
    object: KubeObject,
    reader: ClusterReader,
    add: (o: KubeObject | undefined) => void,
    attempt: <T>(what: string, read: () => Promise<T>) => Promise<T | undefined>,
    logs: RunEvidenceItem[],
  ) {
    const workloads: KubeObject[] = [];
    if (object.kind === 'Kustomization') {
      for (const ref of inventoryWorkloads(object, this.limits.workloads)) {
        const workload = await attempt(`${ref.kind} ${ref.namespace}/${ref.name}`, () =>
          reader.getObject(ref.apiVersion, ref.kind, ref.namespace, ref.name),
        );
        if (workload) workloads.push(workload);
      }
    } else if (object.kind === 'HelmRelease') {
      const namespace = object.spec?.targetNamespace ?? object.metadata?.namespace ?? '';
      const selector = `helm.toolkit.fluxcd.io/name=${object.metadata?.name},helm.toolkit.fluxcd.io/namespace=${object.metadata?.namespace}`;
      for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet']) {
        const found = await attempt(`${kind}s of HelmRelease ${object.metadata?.name}`, () =>
          reader.listObjects('apps/v1', kind, namespace, selector),
        );
        workloads.push(...(found ?? []).slice(0, this.limits.workloads - workloads.length));
      }
    }
    let logBudget = this.limits.logContainers;
    for (const workload of workloads) {
      add(workload);
      const selector = podSelectorOf(workload);
      const namespace = workload.metadata?.namespace ?? '';
      if (!selector) continue;
      const pods = (await attempt(`pods of ${workload.kind} ${workload.metadata?.name}`, () =>
        reader.listPods(namespace, selector),
      )) ?? [];
      for (const pod of pods.slice(0, this.limits.podsPerWorkload)) {
        add(pod);
        const ready = (pod.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True');
        if (!ready) {
          const events = await attempt(`events of Pod ${pod.metadata?.name}`, () =>
            reader.listEventsFor(namespace, 'Pod', pod.metadata?.name ?? ''),
          );
          latestEvents(events ?? [], 5).forEach(add);
        }
        for (const container of failingContainers(pod)) {
          if (logBudget <= 0) break;
          logBudget -= 1;
          const text = await attempt(`logs of ${container.pod}/${container.container}`, () =>
            reader.readLog(container.namespace, container.pod, container.container, {
              tailLines: this.limits.logLines,
              previous: container.previous,
            }),
          );
          if (text) {
            logs.push({
              source: `Pod/${container.namespace}/${container.pod} container ${container.container}${container.previous ? ' (previous)' : ''} log`,
              // Redacted whole, then cut: a key split by the cut is still recognised.
              message: tail(await redactThoroughly(text), this.limits.logBytes),
            });
          }
        }
      }
    }
  }
}

function chainObjects(chain: ObjectLocation[], lookup: FluxObjectLookup): KubeObject[] {
  return chain
    .map(ref => lookup.get(ref.cluster, ref.kind, ref.namespace, ref.name))
    .filter((o): o is KubeObject => Boolean(o));
}
