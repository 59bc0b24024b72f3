import { KubeStore } from '../kube/store';
import { startFluxSimulation, FluxSimulation } from '../flux/simulation';
import { waitFor } from '../flux/testWaitFor';
import { OCI_REVISION_ANNOTATION, pushArtifact } from './pushArtifact';
import {
  OCI_MANIFEST_MEDIA_TYPE,
  OciRegistryServer,
  sha256Digest,
  startOciRegistry,
} from './registry';

const SHA = '3f2a9c1b7d4e5f60718293a4b5c6d7e8f9012345';
const FILES = {
  'settings.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: default\ndata:\n  greeting: hello\n',
};

describe('OCI distribution stand-in', () => {
  let registry: OciRegistryServer;

  beforeEach(async () => {
    registry = await startOciRegistry();
  });

  afterEach(async () => {
    await registry.close();
  });

  it('stores what flux push artifact pushes: a Flux content layer and the origin annotations', async () => {
    expect((await fetch(`${registry.url}/v2/`)).status).toBe(200);
    const pushed = await pushArtifact({
      registryUrl: registry.url,
      repository: 'acme/manifests',
      tag: 'latest',
      files: FILES,
      source: 'https://github.com/acme/podinfo-gitops',
      revision: `main@sha1:${SHA}`,
      created: '2026-11-30T10:00:00Z',
    });
    expect(pushed.url).toBe(`oci://${registry.host}/acme/manifests:latest`);
    const res = await fetch(
      `${registry.url}/v2/acme/manifests/manifests/latest`,
    );
    expect(res.headers.get('content-type')).toBe(OCI_MANIFEST_MEDIA_TYPE);
    const body = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get('docker-content-digest')).toBe(sha256Digest(body));
    expect(pushed.digest).toBe(sha256Digest(body));
    const manifest = JSON.parse(body.toString('utf8'));
    expect(manifest).toMatchObject({
      schemaVersion: 2,
      config: { mediaType: 'application/vnd.cncf.flux.config.v1+json' },
      layers: [{ mediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip' }],
      annotations: {
        'org.opencontainers.image.created': '2026-11-30T10:00:00Z',
        'org.opencontainers.image.source':
          'https://github.com/acme/podinfo-gitops',
        'org.opencontainers.image.revision': `main@sha1:${SHA}`,
      },
    });
    const blob = await fetch(
      `${registry.url}/v2/acme/manifests/blobs/${manifest.layers[0].digest}`,
      { method: 'HEAD' },
    );
    expect(blob.status).toBe(200);
    expect(Number(blob.headers.get('content-length'))).toBe(
      manifest.layers[0].size,
    );
    const tags = await (
      await fetch(`${registry.url}/v2/acme/manifests/tags/list`)
    ).json();
    expect(tags).toEqual({ name: 'acme/manifests', tags: ['latest'] });
  });

  it('answers with the spec error codes', async () => {
    const unknown = await fetch(
      `${registry.url}/v2/acme/none/manifests/latest`,
    );
    expect(unknown.status).toBe(404);
    expect((await unknown.json()).errors[0].code).toBe('MANIFEST_UNKNOWN');
    const start = await fetch(`${registry.url}/v2/acme/x/blobs/uploads/`, {
      method: 'POST',
    });
    expect(start.status).toBe(202);
    const wrong = await fetch(
      `${registry.url}${start.headers.get('location')}?digest=${sha256Digest(
        'other',
      )}`,
      {
        method: 'PUT',
        body: 'content',
      },
    );
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).errors[0].code).toBe('DIGEST_INVALID');
    const dangling = await fetch(`${registry.url}/v2/acme/x/manifests/v1`, {
      method: 'PUT',
      headers: { 'Content-Type': OCI_MANIFEST_MEDIA_TYPE },
      body: JSON.stringify({
        schemaVersion: 2,
        config: { mediaType: 'x', digest: sha256Digest('nope'), size: 4 },
        layers: [],
      }),
    });
    expect(dangling.status).toBe(400);
    expect((await dangling.json()).errors[0].code).toBe(
      'MANIFEST_BLOB_UNKNOWN',
    );
  });

  describe('an OCIRepository-sourced Kustomization', () => {
    let store: KubeStore;
    let sim: FluxSimulation;

    afterEach(async () => {
      await sim.stop();
    });

    it('applies the pushed artifact and mirrors its origin revision', async () => {
      store = new KubeStore();
      const url = `oci://${registry.host}/acme/manifests`;
      for (const o of [
        {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'flux-system' },
        },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
        {
          apiVersion: 'source.toolkit.fluxcd.io/v1',
          kind: 'OCIRepository',
          metadata: { name: 'apps', namespace: 'flux-system' },
          spec: { interval: '1s', url, ref: { tag: 'latest' } },
        },
        {
          apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
          kind: 'Kustomization',
          metadata: { name: 'apps', namespace: 'flux-system' },
          spec: {
            interval: '10m',
            path: './',
            prune: true,
            sourceRef: { kind: 'OCIRepository', name: 'apps' },
          },
        },
      ])
        store.create(o, o);
      sim = startFluxSimulation({
        store,
        resolveRepoDir: () => undefined,
        resolveRegistry: host =>
          host === registry.host ? registry.store : undefined,
        tickMs: 40,
        kubectlPath: null,
      });
      const ks = {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
      };
      const missing = await waitFor('the pull failure', () => {
        const source = store.get(
          { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' },
          'flux-system',
          'apps',
        );
        return source.status?.conditions?.find(
          (c: any) => c.type === 'Ready' && c.status === 'False',
        );
      });
      expect(missing.reason).toBe('OCIArtifactPullFailed');

      await pushArtifact({
        registryUrl: registry.url,
        repository: 'acme/manifests',
        tag: 'latest',
        files: FILES,
        source: 'https://github.com/acme/podinfo-gitops',
        revision: `main@sha1:${SHA}`,
      });
      const applied = await waitFor('applied', () => {
        const k = store.get(ks, 'flux-system', 'apps');
        return k.status?.lastAppliedOriginRevision && k;
      });
      expect(applied.status.lastAppliedOriginRevision).toBe(`main@sha1:${SHA}`);
      expect(applied.status.lastAppliedRevision).toMatch(
        /^latest@sha256:[0-9a-f]{64}$/,
      );
      const source = store.get(
        { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository' },
        'flux-system',
        'apps',
      );
      expect(source.status.artifact.metadata[OCI_REVISION_ANNOTATION]).toBe(
        `main@sha1:${SHA}`,
      );
      expect(source.status.artifact.revision).toBe(
        applied.status.lastAppliedRevision,
      );
      expect(
        store.get(
          { apiVersion: 'v1', kind: 'ConfigMap' },
          'default',
          'settings',
        ).data.greeting,
      ).toBe('hello');
    });
  });
});
