import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import path from 'node:path';
import {
  findKustomizeCommand,
  kustomizeBuildCheck,
  kustomizeTreeDirs,
  kustomizeTreeFiles,
  nonLocalKustomizeReferences,
  runHardenedKustomize,
} from './kustomizeCheck';

const files = {
  'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n',
  'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "1"\n',
};

describe('kustomizeBuildCheck', () => {
  it('says skipped, never passed, without a binary or without a kustomization file', async () => {
    expect(await kustomizeBuildCheck(files, 'apps', { command: null })).toMatchObject({ ok: true, status: 'skipped', detail: expect.stringMatching(/^skipped: no kustomize/) });
    expect(await findKustomizeCommand('')).toBeUndefined();
    expect(await kustomizeBuildCheck({ 'apps/cm.yaml': files['apps/cm.yaml'] }, 'apps', { command: ['kubectl', 'kustomize'] })).toMatchObject({
      ok: true,
      status: 'skipped',
      detail: expect.stringMatching(/no kustomization.yaml/),
    });
  });

  it('has a binary, so that no build check is skipped (.ci/run refuses to start without one)', async () => {
    expect(await findKustomizeCommand()).toBeDefined();
  });

  it('refuses remote resources, bases, components and helmCharts before running', async () => {
    const remote = {
      'apps/kustomization.yaml': 'resources:\n- cm.yaml\n- https://github.com/attacker/x//base?ref=main\n- github.com/attacker/y/base\ncomponents: [/etc/c]\nhelmCharts: [{name: x, repo: "https://charts.example.org"}]\n',
      'apps/cm.yaml': files['apps/cm.yaml'],
    };
    expect(nonLocalKustomizeReferences(remote)).toHaveLength(4);
    const result = await kustomizeBuildCheck(remote, 'apps', { command: ['/bin/false-kustomize-never-run'] });
    expect(result).toMatchObject({ ok: false, status: 'failed', detail: expect.stringMatching(/^not built: /) });
    expect(nonLocalKustomizeReferences({ 'apps/kustomization.yaml': 'resources: [cm.yaml, ../base]\n' })).toEqual([]);
  });

  it('follows local bases to build the real tree', () => {
    const tree: Record<string, string> = {
      'apps/prod/kustomization.yaml': 'resources: [../base, extra.yaml]\n',
      'apps/base/kustomization.yaml': 'resources: [deploy.yaml]\ncomponents: [../../components/probe]\n',
      'components/probe/kustomization.yaml': 'kind: Component\n',
    };
    const read = (dir: string) => Object.fromEntries(Object.entries(tree).filter(([p]) => path.posix.dirname(p) === dir));
    expect(kustomizeTreeDirs('apps/prod', read, new Set(['apps/prod', 'apps/base', 'components/probe', 'apps']))).toEqual(['apps/prod', 'apps/base', 'components/probe']);
  });

  it('materialises the real tree (an overlay and its base outside the path) and builds it', async () => {
    const repo: Record<string, string> = {
      'apps/prod/kustomization.yaml': 'resources: [../base]\npatches:\n  - path: replicas.yaml\n',
      'apps/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
      'apps/base/kustomization.yaml': 'resources: [deploy.yaml]\n',
      'apps/base/deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  template:\n    spec:\n      containers:\n        - name: web\n          image: nginx\n',
      'apps/other/kustomization.yaml': 'resources: []\n',
      'README.md': '# not read\n',
    };
    const reads: string[] = [];
    const read = async (file: string) => {
      reads.push(file);
      return repo[file];
    };
    const tree = await kustomizeTreeFiles('apps/prod', Object.keys(repo), read, 10);
    expect(tree).toMatchObject({ ok: true, dirs: ['apps/prod', 'apps/base'] });
    expect(Object.keys(tree.ok ? tree.files : {}).sort()).toEqual(['apps/base/deploy.yaml', 'apps/base/kustomization.yaml', 'apps/prod/kustomization.yaml', 'apps/prod/replicas.yaml']);
    expect(reads).not.toContain('README.md');
    expect(await kustomizeTreeFiles('apps/prod', Object.keys(repo), read, 3)).toMatchObject({ ok: false, reason: expect.stringMatching(/4 files in apps\/prod, apps\/base \(more than 3\)/) });
    const command = await findKustomizeCommand();
    // kubectl is part of the toolchain (docs/testing.md): the base outside the path builds
    expect(command).toBeDefined();
    const built = await kustomizeBuildCheck(tree.ok ? tree.files : {}, 'apps/prod', { command: command ?? null });
    expect(built).toMatchObject({ ok: true, status: 'passed' });
  });

  it('builds the tree with the binary on PATH and redacts what it prints', async () => {
    const command = (await findKustomizeCommand())!;
    expect(await kustomizeBuildCheck(files, 'apps', { command })).toMatchObject({ ok: true, status: 'passed', detail: expect.stringMatching(/succeeded/) });
    const broken = { ...files, 'apps/kustomization.yaml': files['apps/kustomization.yaml'].replace('cm.yaml', 'missing-hunter2.yaml') };
    const result = await kustomizeBuildCheck(broken, 'apps', { command });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/missing-hunter2\.yaml/);
    expect(result.detail).not.toMatch(/gort-kustomize-/);
    const leaky = { ...files, 'apps/kustomization.yaml': `resources: [cm.yaml]\npatches:\n- path: ../../password=hunter2.yaml\n` };
    const refused = await kustomizeBuildCheck(leaky, 'apps', { command });
    expect(refused.ok).toBe(false);
    expect(refused.detail).not.toContain('hunter2');
  });

  it('lets kustomize reach no network: a listener on this machine sees zero connections', async () => {
    const command = (await findKustomizeCommand())!;
    const address = Object.values(networkInterfaces()).flat().find(i => i && i.family === 'IPv4' && !i.internal)?.address;
    // Go never proxies loopback, so the listener must be on a real interface to prove the dead proxy is used.
    const host = address ?? '127.0.0.1';
    let connections = 0;
    const server = createServer((_req, res) => res.end('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: remote}\n'));
    server.on('connection', () => connections++);
    await new Promise<void>(resolve => server.listen(0, '0.0.0.0', resolve));
    const port = (server.address() as { port: number }).port;
    const dir = await mkdtemp(path.join(tmpdir(), 'gort-kustomize-net-'));
    const home = await mkdtemp(path.join(tmpdir(), 'gort-kustomize-home-'));
    try {
      await writeFile(path.join(dir, 'kustomization.yaml'), `resources:\n- http://${host}:${port}/cm.yaml\n- https://${host}:${port}/org/repo//base?ref=main\n`);
      const result = await runHardenedKustomize(command, dir, home, 20_000);
      expect(result.ok).toBe(false);
      // on loopback alone the listener proves nothing (Go never proxies loopback), so only a real interface counts
      expect(address ? connections : 0).toBe(0);
    } finally {
      server.close();
      await rm(dir, { recursive: true, force: true });
      await rm(home, { recursive: true, force: true });
    }
  });
});
