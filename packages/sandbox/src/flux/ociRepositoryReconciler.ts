/**
 * source-controller's OCIRepository behaviour over the sandbox registry (../oci): resolve the
 * tag to a manifest digest and publish an artifact whose revision is `<tag>@sha256:<digest>` and
 * whose metadata are the manifest's annotations (fluxcd/source-controller@39b711b
 * internal/controller/ocirepository_controller.go#L633-L654 revision, #L532 and #L1228 metadata,
 * #L1141-L1147 ArtifactInStorage "stored artifact for digest", #L1328 the NewArtifact event).
 */
import { KubeStore } from '../kube/store';
import { KubeObject } from '../kube/types';
import type { OciManifest, OciRegistryStore } from '../oci/registry';
import {
  markArtifactStored,
  setCondition,
  statusWithGenerations,
} from './conditions';
import { parseGoDuration } from './duration';
import { recordEvent } from './events';
import { REQUESTED_AT } from './gitRepositoryReconciler';

export const OCI_REPOSITORY = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'OCIRepository',
};

/** The in-process registry serving `host:port`, or undefined. */
export type ResolveRegistry = (host: string) => OciRegistryStore | undefined;

/** `oci://host:port/repo/path` → host and repository. */
export function parseOciUrl(
  url: string,
): { host: string; repository: string } | undefined {
  const m = /^oci:\/\/([^/]+)\/(.+)$/.exec(url ?? '');
  return m ? { host: m[1], repository: m[2] } : undefined;
}

/** The manifest and layer an OCIRepository artifact revision points at. */
export function ociArtifactContent(
  resolveRegistry: ResolveRegistry | undefined,
  source: KubeObject,
): { manifest: OciManifest; layer: Buffer } | undefined {
  const parsed = parseOciUrl(source.spec?.url);
  const digest = String(source.status?.artifact?.revision ?? '').split('@')[1];
  const registry = parsed ? resolveRegistry?.(parsed.host) : undefined;
  const stored =
    registry && digest
      ? registry.manifest(parsed!.repository, digest)
      : undefined;
  if (!stored) return undefined;
  const manifest: OciManifest = JSON.parse(stored.body.toString('utf8'));
  const wanted = source.spec?.layerSelector?.mediaType;
  const layerRef = wanted
    ? manifest.layers.find(l => l.mediaType === wanted)
    : manifest.layers[0];
  const layer = layerRef ? registry!.blob(layerRef.digest) : undefined;
  return layer ? { manifest, layer } : undefined;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class OCIRepositoryReconciler {
  private readonly lastFetch = new Map<string, number>();

  constructor(
    private readonly store: KubeStore,
    private readonly resolveRegistry: ResolveRegistry | undefined,
  ) {}

  async reconcileAll(now: Date): Promise<void> {
    for (const obj of this.store.list(OCI_REPOSITORY).items) {
      if (obj.spec?.suspend || !this.isDue(obj, now.getTime())) continue;
      this.lastFetch.set(obj.metadata.uid!, now.getTime());
      try {
        this.reconcile(obj, now);
      } catch {
        // Deleted or changed meanwhile; the next tick retries.
      }
    }
  }

  private isDue(obj: KubeObject, nowMs: number): boolean {
    const last = this.lastFetch.get(obj.metadata.uid!);
    if (last === undefined) return true;
    if (obj.status?.observedGeneration !== obj.metadata.generation) return true;
    const requestedAt = obj.metadata.annotations?.[REQUESTED_AT];
    if (requestedAt && requestedAt !== obj.status?.lastHandledReconcileAt)
      return true;
    return nowMs - last >= (parseGoDuration(obj.spec?.interval) ?? 60_000);
  }

  private reconcile(obj: KubeObject, now: Date) {
    const url: string = obj.spec?.url ?? '';
    const tag: string = obj.spec?.ref?.tag ?? 'latest';
    const parsed = parseOciUrl(url);
    const registry = parsed ? this.resolveRegistry?.(parsed.host) : undefined;
    const stored = registry?.manifest(parsed!.repository, tag);
    const previous = obj.status?.artifact?.revision;
    let revision: string | undefined;
    let failure: string | undefined;
    let annotations: Record<string, string> = {};
    if (!parsed) failure = `invalid OCI URL '${url}'`;
    else if (!registry)
      failure = `failed to determine artifact digest: Get "https://${parsed.host}/v2/": dial tcp ${parsed.host}: connect: connection refused`;
    else if (!stored)
      failure = `failed to determine artifact digest: GET https://${parsed.host}/v2/${parsed.repository}/manifests/${tag}: MANIFEST_UNKNOWN: manifest unknown`;
    else {
      revision = `${tag}@${stored.digest}`;
      annotations =
        (JSON.parse(stored.body.toString('utf8')) as OciManifest).annotations ??
        {};
    }
    const updated = this.store.mutate(
      OCI_REPOSITORY,
      obj.metadata.namespace,
      obj.metadata.name!,
      current => {
        let conditions = current.status?.conditions;
        let artifact = current.status?.artifact;
        if (revision) {
          const message = `stored artifact for digest '${revision}'`;
          conditions = markArtifactStored(conditions, message, now);
          if (artifact?.revision !== revision) {
            const digest = revision.split('@')[1];
            artifact = {
              revision,
              digest,
              lastUpdateTime: iso(now),
              path: `ocirepository/${obj.metadata.namespace}/${
                obj.metadata.name
              }/${digest.split(':')[1]}.tar.gz`,
              url: `http://source-controller.flux-system.svc.cluster.local./ocirepository/${
                obj.metadata.namespace
              }/${obj.metadata.name}/${digest.split(':')[1]}.tar.gz`,
              size: stored!.body.length,
              metadata: annotations,
            };
          }
        } else {
          conditions = setCondition(
            conditions,
            {
              type: 'FetchFailed',
              status: 'True',
              reason: 'OCIArtifactPullFailed',
              message: failure!,
            },
            now,
          );
          conditions = setCondition(
            conditions,
            {
              type: 'Ready',
              status: 'False',
              reason: 'OCIArtifactPullFailed',
              message: failure!,
            },
            now,
          );
        }
        const requestedAt = current.metadata.annotations?.[REQUESTED_AT];
        return {
          ...current,
          status: statusWithGenerations(current, {
            ...(current.status ?? {}),
            conditions,
            ...(artifact ? { artifact } : {}),
            observedGeneration: current.metadata.generation,
            ...(requestedAt ? { lastHandledReconcileAt: requestedAt } : {}),
          }),
        };
      },
      { subresource: 'status' },
    );
    if (revision && previous !== revision)
      recordEvent(
        this.store,
        updated,
        {
          type: 'Normal',
          reason: 'NewArtifact',
          message: `stored artifact with revision '${revision}' from '${url}'`,
          component: 'source-controller',
        },
        now,
      );
  }
}
