import { execFile } from 'node:child_process';
import { startKubeApiServer, KubeApiServer } from './server';
import { createKubectlHome, KUBECTL, KubectlHome } from './testKubectl';

const hasKubectl = KUBECTL !== undefined;
// kubectl sends bearer tokens only over HTTPS, so this suite serves TLS with a throwaway certificate.
const token = 'kubectl-token';

let api: KubeApiServer;
let home: KubectlHome;

const kubectl = (...args: string[]) => home.run(api.url, token, ...args);

function seed() {
  const s = api.store;
  s.create(
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } },
  );
  s.create(
    { apiVersion: 'v1', kind: 'Namespace' },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'podinfo' } },
  );
  const ks = s.create(
    { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
    {
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: 'podinfo', namespace: 'flux-system' },
      spec: {
        interval: '10m',
        path: './clusters/demo/podinfo',
        prune: true,
        sourceRef: { kind: 'GitRepository', name: 'flux-system' },
      },
    },
  );
  s.update(
    { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
    {
      ...ks,
      status: {
        observedGeneration: 1,
        conditions: [
          {
            type: 'Ready',
            status: 'False',
            reason: 'HealthCheckFailed',
            message:
              "health check failed after 20.0s: timeout waiting for: [Deployment/podinfo/podinfo status: 'InProgress']",
            lastTransitionTime: ks.metadata.creationTimestamp,
          },
        ],
      },
    },
    { subresource: 'status' },
  );
  s.create(
    { apiVersion: 'v1', kind: 'Event' },
    {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'podinfo.1', namespace: 'flux-system' },
      involvedObject: {
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        name: 'podinfo',
        namespace: 'flux-system',
        uid: ks.metadata.uid,
      },
      reason: 'HealthCheckFailed',
      type: 'Warning',
      message: 'health check failed after 20.0s',
      count: 1,
      firstTimestamp: ks.metadata.creationTimestamp,
      lastTimestamp: ks.metadata.creationTimestamp,
      source: { component: 'kustomize-controller' },
      reportingComponent: 'kustomize-controller',
    },
  );
  const pod = s.create(
    { apiVersion: 'v1', kind: 'Pod' },
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'podinfo-abc', namespace: 'podinfo' },
      spec: {
        containers: [
          { name: 'podinfo', image: 'ghcr.io/stefanprodan/podinfo:6.5.0' },
        ],
      },
    },
  );
  s.update(
    { apiVersion: 'v1', kind: 'Pod' },
    {
      ...pod,
      status: {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'podinfo',
            ready: false,
            restartCount: 3,
            image: 'ghcr.io/stefanprodan/podinfo:6.5.0',
            state: { waiting: { reason: 'CrashLoopBackOff' } },
            lastState: { terminated: { exitCode: 2, reason: 'Error' } },
          },
        ],
      },
    },
    { subresource: 'status' },
  );
  s.logs.append(
    'podinfo',
    'podinfo-abc',
    'podinfo',
    'Error: unknown flag: --bogus',
  );
  s.logs.restart('podinfo', 'podinfo-abc', 'podinfo');
  s.logs.append(
    'podinfo',
    'podinfo-abc',
    'podinfo',
    'line 1',
    'Error: unknown flag: --bogus again',
  );
}

(hasKubectl ? describe : describe.skip)(
  'real kubectl against the API stand-in',
  () => {
    beforeAll(async () => {
      home = await createKubectlHome('kubectl-home-');
      api = await startKubeApiServer({ port: 0, token, tls: home.tls });
      seed();
    });
    afterAll(async () => {
      await api.close();
      home.cleanup();
    });

    it('lists Kustomizations across namespaces with Flux columns', async () => {
      const out = await kubectl(
        'get',
        'kustomizations.kustomize.toolkit.fluxcd.io',
        '-A',
      );
      expect(out).toMatch(/NAMESPACE\s+NAME\s+AGE\s+READY\s+STATUS/);
      expect(out).toMatch(
        /flux-system\s+podinfo\s+\S+\s+False\s+health check failed/,
      );
      expect(await kubectl('get', 'ks', '-n', 'flux-system')).toContain(
        'podinfo',
      );
    });

    it('prints YAML', async () => {
      const out = await kubectl(
        'get',
        'ks',
        'podinfo',
        '-n',
        'flux-system',
        '-o',
        'yaml',
      );
      expect(out).toContain('apiVersion: kustomize.toolkit.fluxcd.io/v1');
      expect(out).toContain('reason: HealthCheckFailed');
    });

    it('describes a Kustomization with its events', async () => {
      const out = await kubectl(
        'describe',
        'kustomization',
        'podinfo',
        '-n',
        'flux-system',
      );
      expect(out).toMatch(/Name:\s+podinfo/);
      expect(out).toMatch(/Events:[\s\S]*Warning\s+HealthCheckFailed/);
    });

    it('shows pods and their current and previous logs', async () => {
      expect(await kubectl('get', 'pods', '-n', 'podinfo')).toMatch(
        /podinfo-abc\s+0\/1\s+CrashLoopBackOff\s+3/,
      );
      expect(await kubectl('logs', 'podinfo-abc', '-n', 'podinfo')).toBe(
        'line 1\nError: unknown flag: --bogus again\n',
      );
      expect(
        await kubectl('logs', 'podinfo-abc', '-n', 'podinfo', '--previous'),
      ).toBe('Error: unknown flag: --bogus\n');
      expect(
        await kubectl('logs', 'podinfo-abc', '-n', 'podinfo', '--tail', '1'),
      ).toBe('Error: unknown flag: --bogus again\n');
    });

    it('patches and annotates', async () => {
      await kubectl(
        'patch',
        'ks',
        'podinfo',
        '-n',
        'flux-system',
        '--type',
        'merge',
        '-p',
        '{"spec":{"suspend":true}}',
      );
      await kubectl(
        'annotate',
        '--overwrite',
        'ks',
        'podinfo',
        '-n',
        'flux-system',
        'reconcile.fluxcd.io/requestedAt=now1',
      );
      const ks = api.store.get(
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
        'flux-system',
        'podinfo',
      );
      expect(ks.spec.suspend).toBe(true);
      expect(ks.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toBe(
        'now1',
      );
      expect(ks.metadata.generation).toBe(2);
    });

    it('watches with get -w', async () => {
      const child = execFile(
        KUBECTL!,
        home.args(
          api.url,
          token,
            'get',
            'ks',
            '-n',
            'flux-system',
            '-w',
        ),
        { env: home.env },
      );
      let output = '';
      child.stdout!.on('data', chunk => {
        output += chunk;
      });
      await new Promise(r => setTimeout(r, 1500));
      api.store.patch(
        { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization' },
        'flux-system',
        'podinfo',
        'merge',
        {
          status: {
            conditions: [
              {
                type: 'Ready',
                status: 'True',
                reason: 'ReconciliationSucceeded',
                message: 'Applied revision: main@sha1:abc',
              },
            ],
          },
        },
        { subresource: 'status' },
      );
      await new Promise(r => setTimeout(r, 1000));
      child.kill();
      expect(output).toMatch(/podinfo\s+\S+\s+False\s+health check failed/);
      expect(output).toMatch(
        /podinfo\s+\S+\s+True\s+Applied revision: main@sha1:abc/,
      );
    });
  },
);

if (!hasKubectl) {
  // eslint-disable-next-line no-console
  console.warn('kubectl tests skipped: kubectl is not on PATH');
}
