import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { GortEnvironment, OTHER_USER, PODINFO } from './harness/gortEnvironment';
import { REPO_ROOT } from './harness/backendProcess';

jest.setTimeout(600_000);

const PAYMENTS = 'component:default/payments';
const GORT_BIN = resolve(REPO_ROOT, 'packages/cli/bin/gort');
const done = (run: { state: string }) => ['done', 'error', 'superseded'].includes(run.state);

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; never rejects on a non-zero exit. */
function runProcess(command: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Exit> {
  return new Promise(resolvePromise => {
    execFile(
      command,
      args,
      { cwd: options.cwd, env: { ...process.env, ...options.env }, timeout: 300_000, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = (error as { code?: unknown } | null)?.code;
        resolvePromise({ code: typeof status === 'number' ? status : Number(Boolean(error)), stdout, stderr });
      },
    );
  });
}

const ciEnv = { NO_COLOR: '1', CI: 'true' };

const FAILING_SOURCE_YAML = `apiVersion: v1
kind: List
items:
- apiVersion: source.toolkit.fluxcd.io/v1
  kind: GitRepository
  metadata: {name: infra, namespace: flux-system}
  status:
    conditions:
    - type: Ready
      status: "False"
      reason: GitOperationFailed
      message: "unable to clone 'https://bot:ghp_${'A1b2C3d4E5'.repeat(3)}xY9z12@git.example.org/infra': authentication required"
`;

/**
 * `gort follow` as a user runs it (the CLI from source, as a child process)
 * and GORT's actions through an MCP client, against the real backend under
 * the demo's ownership permission policy.
 */
describe('gort follow and the MCP actions, through the real backend', () => {
  let env: GortEnvironment;
  let work: string;
  let clone: string;
  const gort = (args: string[], options: { cwd?: string; token?: string } = {}) =>
    runProcess(process.execPath, [GORT_BIN, ...args], {
      cwd: options.cwd ?? work,
      env: { ...ciEnv, GORT_TOKEN: options.token ?? '' },
    });
  const git = async (...args: string[]) => {
    const result = await runProcess('git', args, { cwd: clone });
    if (result.code !== 0) throw new Error(`git ${args.join(' ')}: ${result.stderr}`);
    return result.stdout.trim();
  };

  beforeAll(async () => {
    env = await GortEnvironment.start({
      moreEntities: [
        {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'Component',
          metadata: {
            name: 'payments',
            annotations: { 'gort.io/flux-app': 'flux-system/payments', 'gort.io/target-repo': 'acme/payments-gitops' },
          },
          spec: { type: 'service', lifecycle: 'production', owner: 'other-team' },
        },
      ],
    });
    await env.waitForRun(await env.push('fix'), done);
    work = await mkdtemp(join(tmpdir(), 'gort-follow-e2e-'));
    clone = join(work, 'podinfo-gitops');
    const url = new URL(env.sandbox.repoCloneUrl);
    url.username = 'demo';
    url.password = env.sandbox.token;
    const cloned = await runProcess('git', ['clone', '--quiet', url.toString(), clone]);
    if (cloned.code !== 0) throw new Error(`clone: ${cloned.stderr}`);
    await git('config', 'user.name', 'Ada Developer');
    await git('config', 'user.email', 'ada@example.com');
  });

  afterAll(async () => {
    await env?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('`git push-follow` (installed by `gort follow --install`) pushes a good commit and exits 0 when it landed', async () => {
    const token = await env.token();
    const install = await gort(
      ['follow', '--install', '--backend-url', env.backend.baseUrl, '--gort-command', `"${process.execPath}" "${GORT_BIN}"`],
      { cwd: clone },
    );
    expect(install).toMatchObject({ code: 0 });
    expect(await git('config', '--get', 'gort.backendUrl')).toBe(env.backend.baseUrl);

    await writeFile(join(clone, 'NOTES.md'), 'A harmless change: Flux applies the same objects.\n');
    await git('add', 'NOTES.md');
    await git('commit', '--quiet', '-m', 'Add notes');
    const sha = await git('rev-parse', 'HEAD');
    const pushed = await runProcess('git', ['push-follow', '--quiet', 'origin', 'HEAD:main'], {
      cwd: clone,
      env: { ...ciEnv, GORT_TOKEN: token },
    });
    expect({ code: pushed.code, stderr: pushed.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = pushed.stdout.trim().split('\n');
    expect(lines[0]).toBe(`gort follow ${sha}`);
    expect(lines).toContain(`${PODINFO}: source fetched done (${sha.slice(0, 7)} fetched)`);
    expect(lines).toContain(`${PODINFO}: verdict done (succeeded)`);
    expect(lines[lines.length - 1]).toBe(`✓ ${sha.slice(0, 12)} landed for ${PODINFO}`);
    // only the entities the user may read: payments follows another repository anyway
    expect(pushed.stdout).not.toContain(PAYMENTS);
  });

  it('exits 1 with the diagnosis and the fix PR for a breaking push, in plain lines and in --json', async () => {
    const token = await env.token();
    const sha = await env.push('bad-image');
    const plain = gort(['follow', sha, '--backend-url', env.backend.baseUrl, '--poll-interval', '500ms'], { token });
    const json = gort(['follow', sha, '--backend-url', env.backend.baseUrl, '--json'], { token });
    const [text, doc] = await Promise.all([plain, json]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain(`${PODINFO}: verdict failed (failed)`);
    expect(text.stdout).toMatch(/Diagnosis: image-pull in \S+/);
    expect(text.stdout).toMatch(/Fix PR: {4}http\S+\/pull\/\d+ \(opened\)/);
    expect(text.stdout.trim().split('\n').pop()).toBe(`✗ ${sha.slice(0, 12)} failed for ${PODINFO}`);

    expect(doc.code).toBe(1);
    const parsed = JSON.parse(doc.stdout);
    expect(parsed).toMatchObject({ schema: 'gort.follow/v1', sha, result: 'failed', exitCode: 1 });
    expect(parsed.entities).toHaveLength(1);
    expect(parsed.entities[0]).toMatchObject({
      entityRef: PODINFO,
      outcome: 'failed',
      failed: true,
      diagnosis: { category: 'image-pull' },
      fixPr: { status: 'opened' },
    });
    // back to a good state for the next test
    await env.waitForRun(await env.push('fix'), done);
  });

  it('exits 3 for a push nobody follows, and 2 without a valid token', async () => {
    await git('commit', '--quiet', '--allow-empty', '-m', 'Work on a branch nobody follows');
    await git('push', '--quiet', 'origin', 'HEAD:refs/heads/experiment');
    const nobody = await gort(['follow', '--wait-for-runs', '8s', '--poll-interval', '1s'], { cwd: clone, token: await env.token() });
    expect(nobody.code).toBe(3);
    expect(nobody.stdout).toMatch(/No entity follows [0-9a-f]{12}/);

    const refused = await gort(['follow', '--wait-for-runs', '2s'], { cwd: clone, token: 'not-a-token' });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refused the token \(401\)/);
  });

  describe('MCP (Streamable HTTP, user tokens)', () => {
    const connect = async (user?: string) => {
      const client = new Client({ name: 'gort-e2e', version: '1.0.0' });
      const transport = new StreamableHTTPClientTransport(new URL(`${env.backend.baseUrl}/api/mcp-actions/v1`), {
        requestInit: { headers: { Authorization: `Bearer ${await env.token(env.backend, user)}` } },
      });
      await client.connect(transport);
      return client;
    };
    const call = async (client: Client, name: string, args: Record<string, unknown>) => {
      const result = (await client.callTool({ name, arguments: args })) as {
        isError?: boolean;
        content: Array<{ type: string; text: string }>;
        structuredContent?: any;
      };
      return { isError: Boolean(result.isError), text: result.content.map(c => c.text).join(''), data: result.structuredContent };
    };

    it('lists the GORT tools with their hints and calls them for a readable entity', async () => {
      const client = await connect();
      try {
        const { tools } = await client.listTools();
        const gortTools = Object.fromEntries(tools.filter(t => t.name.startsWith('gort.')).map(t => [t.name, t]));
        expect(Object.keys(gortTools).sort()).toEqual([
          'gort.diagnose',
          'gort.get-run',
          'gort.get-status',
          'gort.list-runs',
          'gort.run-now',
        ]);
        expect(gortTools['gort.get-status'].annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false, idempotentHint: true });
        expect(gortTools['gort.run-now'].annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });

        const status = await call(client, 'gort.get-status', { entityRef: PODINFO });
        expect(status.isError).toBe(false);
        expect(status.data).toMatchObject({
          entityRef: PODINFO,
          objects: [{ object: 'Kustomization/flux-system/podinfo', state: 'ready' }],
        });

        const runs = await call(client, 'gort.list-runs', { entityRef: PODINFO, limit: 10 });
        const failedRun = runs.data.items.find((r: any) => r.outcome === 'failed');
        expect(failedRun).toMatchObject({ category: 'image-pull' });
        const run = await call(client, 'gort.get-run', { runId: failedRun.id });
        expect(run.data).toMatchObject({
          id: failedRun.id,
          diagnosis: { category: 'image-pull' },
          evidenceSummary: { count: expect.any(Number) },
          fixPrDetail: { status: expect.stringMatching(/opened|updated/) },
        });
        expect(run.data.evidenceSummary.count).toBeGreaterThan(0);

        // what `kubectl get gitrepositories -A -o yaml` printed, pasted into the assistant
        const diagnosed = await call(client, 'gort.diagnose', { yaml: FAILING_SOURCE_YAML });
        expect(diagnosed.isError).toBe(false);
        expect(diagnosed.data).toMatchObject({
          healthy: false,
          diagnosis: { category: 'source-auth', object: 'GitRepository/flux-system/infra' },
        });
        expect(diagnosed.data.explanations[0]).toMatchObject({
          object: 'GitRepository/flux-system/infra',
          conditions: [{ matched: { category: 'source-auth' } }],
        });
        expect(diagnosed.text).not.toContain('A1b2C3d4E5');

        const started = await call(client, 'gort.run-now', { entityRef: PODINFO });
        expect(started.isError).toBe(false);
        expect(started.data).toMatchObject({ runId: expect.any(String), sha: expect.stringMatching(/^[0-9a-f]{40}$/) });
      } finally {
        await client.close();
      }
    });

    it('refuses an entity the user may not read, as "not found", in every action', async () => {
      const client = await connect(OTHER_USER);
      try {
        const { tools } = await client.listTools();
        expect(tools.map(t => t.name)).toContain('gort.get-status');
        for (const [name, args] of [
          ['gort.get-status', { entityRef: PODINFO }],
          ['gort.list-runs', { entityRef: PODINFO }],
          ['gort.run-now', { entityRef: PODINFO }],
        ] as const) {
          const result = await call(client, name, args);
          expect({ name, isError: result.isError, text: result.text }).toEqual({
            name,
            isError: true,
            text: `NotFoundError: No entity ${PODINFO} is followed by GORT`,
          });
        }
        const podinfoRun = (await env.runs(PODINFO))[0];
        const run = await call(client, 'gort.get-run', { runId: podinfoRun.id });
        expect(run).toMatchObject({ isError: true, text: `NotFoundError: No run ${podinfoRun.id}` });
        // their own entity answers
        const own = await call(client, 'gort.get-status', { entityRef: PAYMENTS });
        expect(own.isError).toBe(false);
        expect(own.data.entityRef).toBe(PAYMENTS);
      } finally {
        await client.close();
      }
    });
  });
});
