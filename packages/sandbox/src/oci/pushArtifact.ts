/**
 * Pushes a directory's files as a Flux OCI artifact, the way `flux push artifact` does
 * (fluxcd/flux2@da2d22d cmd/flux/push_artifact.go#L131-L137 and #L214-L217; fluxcd/pkg@e2cfd1a
 * oci/push.go#L120-L149): one gzipped tar layer of media type
 * `application/vnd.cncf.flux.content.v1.tar+gzip`, a config of media type
 * `application/vnd.cncf.flux.config.v1+json` (oci/globals.go#L27-L33), and the manifest
 * annotations `org.opencontainers.image.created`, `.source` and `.revision` (oci/constants.go#L22-L30,
 * oci/meta.go#L31-L41), the revision in the format `<branch|tag>@sha1:<commit>`. It speaks the
 * OCI distribution API over HTTP, so it works against any registry without authentication.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { OCI_MANIFEST_MEDIA_TYPE, OciManifest, sha256Digest } from './registry';

export const FLUX_CONFIG_MEDIA_TYPE =
  'application/vnd.cncf.flux.config.v1+json';
export const FLUX_CONTENT_MEDIA_TYPE =
  'application/vnd.cncf.flux.content.v1.tar+gzip';
export const OCI_SOURCE_ANNOTATION = 'org.opencontainers.image.source';
export const OCI_REVISION_ANNOTATION = 'org.opencontainers.image.revision';
export const OCI_CREATED_ANNOTATION = 'org.opencontainers.image.created';

export interface PushArtifactOptions {
  /** The registry's base URL, `http://host:port`. */
  registryUrl: string;
  /** Repository path in the registry, e.g. `acme/podinfo-manifests`. */
  repository: string;
  tag: string;
  /** Path → content of the files to pack (relative paths). */
  files: Record<string, string>;
  /** `--source`, e.g. the Git URL. */
  source: string;
  /** `--revision`, `<branch|tag>@sha1:<commit>`. */
  revision: string;
  /** RFC 3339; default now. */
  created?: string;
  /** `--annotations` (key → value). */
  annotations?: Record<string, string>;
}

function run(command: string, args: string[], cwd: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', d => out.push(d));
    child.stderr.on('data', d => (err += d));
    child.on('error', reject);
    child.on('close', code =>
      code === 0
        ? resolve(Buffer.concat(out))
        : reject(new Error(`${command} failed: ${err}`)),
    );
  });
}

function gunzip(data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const z = createGunzip();
    z.on('data', c => chunks.push(c));
    z.on('end', () => resolve(Buffer.concat(chunks)));
    z.on('error', reject);
    z.end(data);
  });
}

async function uploadBlob(
  base: string,
  repository: string,
  data: Buffer,
): Promise<string> {
  const digest = sha256Digest(data);
  const start = await fetch(`${base}/v2/${repository}/blobs/uploads/`, {
    method: 'POST',
  });
  if (start.status !== 202)
    throw new Error(
      `blob upload refused: ${start.status} ${await start.text()}`,
    );
  const location = new URL(start.headers.get('location')!, base);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(data.length),
    },
    body: data,
  });
  if (put.status !== 201)
    throw new Error(`blob upload failed: ${put.status} ${await put.text()}`);
  return digest;
}

/** Returns the manifest digest and the `oci://` URL of the tag. */
export async function pushArtifact(
  options: PushArtifactOptions,
): Promise<{ digest: string; url: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'oci-artifact-'));
  try {
    for (const [path, content] of Object.entries(options.files)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    }
    const layer = await run(
      'tar',
      [
        '--sort=name',
        '--owner=0',
        '--group=0',
        '--numeric-owner',
        '-czf',
        '-',
        '.',
      ],
      dir,
    );
    const created =
      options.created ?? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const config = Buffer.from(
      JSON.stringify({
        created,
        rootfs: {
          type: 'layers',
          diff_ids: [sha256Digest(await gunzip(layer))],
        },
        config: {},
      }),
    );
    const base = options.registryUrl.replace(/\/$/, '');
    const layerDigest = await uploadBlob(base, options.repository, layer);
    const configDigest = await uploadBlob(base, options.repository, config);
    const manifest: OciManifest = {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: {
        mediaType: FLUX_CONFIG_MEDIA_TYPE,
        digest: configDigest,
        size: config.length,
      },
      layers: [
        {
          mediaType: FLUX_CONTENT_MEDIA_TYPE,
          digest: layerDigest,
          size: layer.length,
        },
      ],
      annotations: {
        [OCI_CREATED_ANNOTATION]: created,
        [OCI_SOURCE_ANNOTATION]: options.source,
        [OCI_REVISION_ANNOTATION]: options.revision,
        ...options.annotations,
      },
    };
    const body = Buffer.from(JSON.stringify(manifest));
    const put = await fetch(
      `${base}/v2/${options.repository}/manifests/${options.tag}`,
      {
        method: 'PUT',
        headers: { 'Content-Type': OCI_MANIFEST_MEDIA_TYPE },
        body,
      },
    );
    if (put.status !== 201)
      throw new Error(
        `manifest push failed: ${put.status} ${await put.text()}`,
      );
    return {
      digest: put.headers.get('docker-content-digest') ?? sha256Digest(body),
      url: `oci://${new URL(base).host}/${options.repository}:${options.tag}`,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
