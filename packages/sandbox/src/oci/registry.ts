/**
 * A minimal OCI distribution registry: blobs and manifests, as the OCI Distribution Specification
 * v1.1 defines them (https://github.com/opencontainers/distribution-spec/blob/v1.1.0/spec.md,
 * endpoints end-1 to end-8): `GET /v2/`, blob `HEAD|GET /v2/<name>/blobs/<digest>`, monolithic
 * and two-step uploads (`POST /v2/<name>/blobs/uploads/` then `PUT <location>?digest=`), manifest
 * `HEAD|GET|PUT /v2/<name>/manifests/<reference>` and `GET /v2/<name>/tags/list`, with the
 * spec's error codes. Contents live in memory; no authentication (an anonymous registry).
 */
import { createHash, randomUUID } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export const OCI_MANIFEST_MEDIA_TYPE =
  'application/vnd.oci.image.manifest.v1+json';

export const sha256Digest = (data: Buffer | string) =>
  `sha256:${createHash('sha256').update(data).digest('hex')}`;

interface StoredManifest {
  mediaType: string;
  body: Buffer;
  digest: string;
}

export interface OciManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: { mediaType: string; digest: string; size: number };
  layers: Array<{
    mediaType: string;
    digest: string;
    size: number;
    annotations?: Record<string, string>;
  }>;
  annotations?: Record<string, string>;
}

/** The registry's content, readable in-process (the sandbox's source-controller reads it). */
export class OciRegistryStore {
  private readonly blobs = new Map<string, Buffer>();
  private readonly manifests = new Map<string, Map<string, StoredManifest>>();
  private readonly tags = new Map<string, Map<string, string>>();

  putBlob(data: Buffer): string {
    const digest = sha256Digest(data);
    this.blobs.set(digest, data);
    return digest;
  }

  blob(digest: string): Buffer | undefined {
    return this.blobs.get(digest);
  }

  putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    body: Buffer,
  ): string {
    const digest = sha256Digest(body);
    if (!this.manifests.has(repository))
      this.manifests.set(repository, new Map());
    this.manifests.get(repository)!.set(digest, { mediaType, body, digest });
    if (!reference.startsWith('sha256:')) {
      if (!this.tags.has(repository)) this.tags.set(repository, new Map());
      this.tags.get(repository)!.set(reference, digest);
    }
    return digest;
  }

  /** A manifest by tag or digest. */
  manifest(repository: string, reference: string): StoredManifest | undefined {
    const digest = reference.startsWith('sha256:')
      ? reference
      : this.tags.get(repository)?.get(reference);
    return digest ? this.manifests.get(repository)?.get(digest) : undefined;
  }

  tagList(repository: string): string[] | undefined {
    const tags = this.tags.get(repository);
    return tags ? [...tags.keys()].sort() : undefined;
  }
}

export interface OciRegistryServer {
  /** `http://host:port`; an OCIRepository URL is `oci://host:port/<repository>`. */
  url: string;
  /** `host:port`, as written in `oci://` URLs. */
  host: string;
  store: OciRegistryStore;
  close(): Promise<void>;
}

// <name> is path components separated by '/' (spec: "Pulling manifests", name grammar).
const NAME =
  '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*)*';
const BLOB = new RegExp(`^/v2/(${NAME})/blobs/(sha256:[a-f0-9]{64})$`);
const UPLOADS = new RegExp(`^/v2/(${NAME})/blobs/uploads/?$`);
const UPLOAD = new RegExp(`^/v2/(${NAME})/blobs/uploads/([0-9a-f-]{36})$`);
const MANIFEST = new RegExp(
  `^/v2/(${NAME})/manifests/([A-Za-z0-9_][A-Za-z0-9._-]{0,127}|sha256:[a-f0-9]{64})$`,
);
const TAGS = new RegExp(`^/v2/(${NAME})/tags/list$`);

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startOciRegistry(
  options: { host?: string; port?: number; store?: OciRegistryStore } = {},
): Promise<OciRegistryServer> {
  const store = options.store ?? new OciRegistryStore();
  const uploads = new Map<string, Buffer[]>();

  const send = (
    res: http.ServerResponse,
    status: number,
    headers: Record<string, string> = {},
    body?: Buffer | string,
  ) => {
    res.writeHead(status, {
      'Docker-Distribution-API-Version': 'registry/2.0',
      ...headers,
    });
    res.end(body);
  };
  const error = (
    res: http.ServerResponse,
    status: number,
    code: string,
    message: string,
  ) =>
    send(
      res,
      status,
      { 'Content-Type': 'application/json' },
      JSON.stringify({ errors: [{ code, message, detail: {} }] }),
    );

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://registry');
      const path = url.pathname;
      const method = req.method ?? 'GET';
      const blobPath = BLOB.exec(path);
      const uploadsPath = UPLOADS.exec(path);
      const uploadPath = UPLOAD.exec(path);
      const manifestPath = MANIFEST.exec(path);
      const tagsPath = TAGS.exec(path);
      if (path === '/v2/' || path === '/v2')
        return send(res, 200, { 'Content-Type': 'application/json' }, '{}'); // end-1
      if (blobPath && (method === 'GET' || method === 'HEAD')) {
        const m = blobPath;
        const data = store.blob(m[2]); // end-2
        if (!data)
          return error(res, 404, 'BLOB_UNKNOWN', 'blob unknown to registry');
        return send(
          res,
          200,
          {
            'Content-Type': 'application/octet-stream',
            'Content-Length': String(data.length),
            'Docker-Content-Digest': m[2],
          },
          method === 'HEAD' ? undefined : data,
        );
      }
      if (uploadsPath && method === 'POST') {
        const m = uploadsPath;
        const digest = url.searchParams.get('digest');
        if (digest) {
          // end-4b: monolithic upload in the POST
          const data = await readBody(req);
          if (sha256Digest(data) !== digest)
            return error(
              res,
              400,
              'DIGEST_INVALID',
              'provided digest did not match uploaded content',
            );
          store.putBlob(data);
          return send(res, 201, {
            Location: `/v2/${m[1]}/blobs/${digest}`,
            'Docker-Content-Digest': digest,
          });
        }
        const id = randomUUID(); // end-4a: obtain a session
        uploads.set(id, []);
        return send(res, 202, {
          Location: `/v2/${m[1]}/blobs/uploads/${id}`,
          Range: '0-0',
          'Docker-Upload-UUID': id,
        });
      }
      if (uploadPath && (method === 'PATCH' || method === 'PUT')) {
        const m = uploadPath;
        const chunks = uploads.get(m[2]);
        if (!chunks)
          return error(
            res,
            404,
            'BLOB_UPLOAD_UNKNOWN',
            'blob upload unknown to registry',
          );
        chunks.push(await readBody(req));
        if (method === 'PATCH') {
          const size = chunks.reduce((n, c) => n + c.length, 0); // end-5
          return send(res, 202, {
            Location: `/v2/${m[1]}/blobs/uploads/${m[2]}`,
            Range: `0-${Math.max(size - 1, 0)}`,
          });
        }
        const digest = url.searchParams.get('digest'); // end-6
        const data = Buffer.concat(chunks);
        if (!digest || sha256Digest(data) !== digest)
          return error(
            res,
            400,
            'DIGEST_INVALID',
            'provided digest did not match uploaded content',
          );
        uploads.delete(m[2]);
        store.putBlob(data);
        return send(res, 201, {
          Location: `/v2/${m[1]}/blobs/${digest}`,
          'Docker-Content-Digest': digest,
        });
      }
      if (manifestPath) {
        const m = manifestPath;
        const [, name, reference] = m;
        if (method === 'GET' || method === 'HEAD') {
          const manifest = store.manifest(name, reference); // end-3
          if (!manifest)
            return error(
              res,
              404,
              'MANIFEST_UNKNOWN',
              'manifest unknown to registry',
            );
          return send(
            res,
            200,
            {
              'Content-Type': manifest.mediaType,
              'Content-Length': String(manifest.body.length),
              'Docker-Content-Digest': manifest.digest,
            },
            method === 'HEAD' ? undefined : manifest.body,
          );
        }
        if (method === 'PUT') {
          const body = await readBody(req); // end-7
          let parsed: OciManifest;
          try {
            parsed = JSON.parse(body.toString('utf8'));
          } catch {
            return error(res, 400, 'MANIFEST_INVALID', 'manifest invalid');
          }
          const missing = [parsed.config, ...(parsed.layers ?? [])].find(
            d => !d?.digest || !store.blob(d.digest),
          );
          if (missing)
            return error(
              res,
              400,
              'MANIFEST_BLOB_UNKNOWN',
              `blob unknown to registry: ${missing?.digest}`,
            );
          if (
            reference.startsWith('sha256:') &&
            sha256Digest(body) !== reference
          )
            return error(
              res,
              400,
              'DIGEST_INVALID',
              'provided digest did not match uploaded content',
            );
          const digest = store.putManifest(
            name,
            reference,
            req.headers['content-type'] ??
              parsed.mediaType ??
              OCI_MANIFEST_MEDIA_TYPE,
            body,
          );
          return send(res, 201, {
            Location: `/v2/${name}/manifests/${digest}`,
            'Docker-Content-Digest': digest,
          });
        }
      }
      if (tagsPath && method === 'GET') {
        const m = tagsPath;
        const tags = store.tagList(m[1]); // end-8a
        if (!tags)
          return error(
            res,
            404,
            'NAME_UNKNOWN',
            'repository name not known to registry',
          );
        return send(
          res,
          200,
          { 'Content-Type': 'application/json' },
          JSON.stringify({ name: m[1], tags }),
        );
      }
      return error(res, 404, 'UNSUPPORTED', 'the operation is unsupported');
    } catch (e) {
      return error(res, 500, 'UNKNOWN', String((e as Error)?.message ?? e));
    }
  });
  await new Promise<void>(resolve =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve),
  );
  const address = server.address() as AddressInfo;
  const host = `${options.host ?? '127.0.0.1'}:${address.port}`;
  return {
    url: `http://${host}`,
    host,
    store,
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
