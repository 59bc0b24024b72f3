import { formatGoDuration, parseGoDuration } from './duration';
import { objectHealth } from './health';
import { imageNotFoundMessage, parseImage, runContainer } from './images';
import { dryRun, typeCheck } from './manifestValidation';
import { parseQuantity } from './quantity';
import { schedulePod } from './scheduling';
import { substituteVariables } from './substitute';
import { SCHEMAS } from './manifestSchema';
import { kubectlErrorMessage } from './kustomizeBuild';

const deployment = (overrides: any = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'apps' },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
    ...overrides,
  },
});

describe('Go durations', () => {
  it.each([
    ['1m', 60_000],
    ['30s', 30_000],
    ['1h0m0s', 3_600_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2m0.5s', 120_500],
    ['0', 0],
  ])('parses %s', (text, ms) => expect(parseGoDuration(text)).toBe(ms));

  it.each(['', '5', '1d', 'm1', '1m x'])('rejects %p', text =>
    expect(parseGoDuration(text)).toBeUndefined(),
  );

  it.each([
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [20_001.5, '20.0015s'],
    [157.881, '157.881ms'],
    [120_013.489487, '2m0.013489487s'],
  ])('formats %d ms as %s', (ms, text) =>
    expect(formatGoDuration(ms)).toBe(text),
  );
});

describe('post-build substitution', () => {
  it('substitutes, applies defaults and keeps escaped references', () => {
    expect(
      substituteVariables(
        'a: ${A}\nb: ${B:=x}\nc: $${C}\nd: ${D:-y}',
        { A: '1' },
        true,
      ),
    ).toBe('a: 1\nb: x\nc: ${C}\nd: y');
  });
  it('fails on an unset variable in strict mode only', () => {
    expect(() => substituteVariables('${MISSING}', {}, true)).toThrow(
      'envsubst error: variable substitution failed: variable not set (strict mode): "MISSING"',
    );
    expect(substituteVariables('x${MISSING}y', {}, false)).toBe('xy');
  });
});

describe('dry-run validation', () => {
  it('accepts a valid Deployment', () =>
    expect(dryRun(deployment(), undefined)).toBeUndefined());

  it('types fields like a server-side apply patch', () => {
    expect(dryRun(deployment({ replicas: 'two' }), undefined)?.message).toBe(
      'failed to create typed patch object (apps/web; apps/v1, Kind=Deployment): .spec.replicas: expected numeric (int or float), got string',
    );
    const unknown = deployment();
    unknown.spec.template.spec.containers[0] = {
      ...unknown.spec.template.spec.containers[0],
      imagePolicy: 'Always',
    } as any;
    expect(dryRun(unknown, undefined)).toEqual({
      reason: 'BadRequest',
      message:
        'failed to create typed patch object (apps/web; apps/v1, Kind=Deployment): .spec.template.spec.containers[name="web"].imagePolicy: field not declared in schema',
    });
    expect(
      typeCheck(
        { limits: { memory: 'lots' } },
        (SCHEMAS['apps/Deployment'] as any).object.spec.object.template.object
          .spec.object.containers.list.object.resources,
        '.r',
      ),
    ).toMatch(
      /^\.r\.limits\.memory: quantities must match the regular expression/,
    );
  });

  it('validates fields and selectors', () => {
    const mismatched = deployment({
      selector: { matchLabels: { app: 'other' } },
    });
    expect(dryRun(mismatched, undefined)).toEqual({
      reason: 'Invalid',
      message:
        'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`',
    });
  });

  it('refuses immutable changes against the live object', () => {
    const live = deployment();
    const changed = deployment({
      selector: { matchLabels: { app: 'web', tier: 'front' } },
    });
    changed.spec.template.metadata.labels = {
      app: 'web',
      tier: 'front',
    } as any;
    expect(dryRun(changed, live)?.message).toBe(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"front"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
    const svc = (ip?: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', namespace: 'apps' },
      spec: { clusterIP: ip, ports: [{ port: 80 }] },
    });
    expect(dryRun(svc('10.96.0.9'), svc('10.96.0.8'))?.message).toBe(
      'Service "s" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.9"}: may not change once set',
    );
  });
});

describe('images, containers and scheduling', () => {
  it('normalises image references', () => {
    expect(parseImage('nginx')).toMatchObject({
      repository: 'docker.io/library/nginx',
      tag: 'latest',
    });
    expect(parseImage('ghcr.io/stefanprodan/podinfo:6.5.0')).toMatchObject({
      repository: 'ghcr.io/stefanprodan/podinfo',
      tag: '6.5.0',
    });
    expect(parseImage('localhost:5000/app')).toMatchObject({
      repository: 'localhost:5000/app',
      tag: 'latest',
    });
    expect(imageNotFoundMessage('nginx:9')).toContain(
      'failed to resolve reference "docker.io/library/nginx:9": docker.io/library/nginx:9: not found',
    );
  });

  it('decides what a container does from its spec', () => {
    const now = new Date();
    const podinfo = { name: 'p', image: 'ghcr.io/stefanprodan/podinfo:6.5.0' };
    expect(runContainer(podinfo, now).kind).toBe('runs');
    expect(
      runContainer(
        { ...podinfo, image: 'ghcr.io/stefanprodan/podinfo:9.9.9' },
        now,
      ).kind,
    ).toBe('image-not-found');
    expect(
      runContainer({ ...podinfo, args: ['--port=8080', '--bogus'] }, now),
    ).toMatchObject({
      kind: 'exits',
      exitCode: 2,
      logs: expect.arrayContaining(['Error: unknown flag: --bogus']),
    });
    expect(
      runContainer(
        { ...podinfo, resources: { limits: { memory: '16Mi' } } },
        now,
      ),
    ).toMatchObject({ kind: 'exits', exitCode: 137, reason: 'OOMKilled' });
  });

  it('parses quantities and schedules by requests', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('64Mi')).toBe(64 * 2 ** 20);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('lots')).toBeUndefined();
    expect(
      schedulePod('p', {
        containers: [
          { resources: { requests: { cpu: '16', memory: '64Gi' } } },
        ],
      }),
    ).toEqual({
      scheduled: false,
      message:
        '0/3 nodes are available: 3 Insufficient cpu, 3 Insufficient memory. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    });
    expect(
      schedulePod('p', {
        containers: [{ resources: { limits: { cpu: '1' } } }],
      }),
    ).toMatchObject({ scheduled: true });
  });
});

describe('health', () => {
  it('follows kstatus for Deployments and Jobs', () => {
    const d = {
      kind: 'Deployment',
      metadata: { generation: 2 },
      spec: { replicas: 2 },
    };
    expect(
      objectHealth({
        ...d,
        status: {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 2,
        },
      }),
    ).toBe('InProgress');
    expect(
      objectHealth({
        ...d,
        status: {
          observedGeneration: 2,
          replicas: 3,
          updatedReplicas: 2,
          availableReplicas: 2,
        },
      }),
    ).toBe('InProgress');
    expect(
      objectHealth({
        ...d,
        status: {
          observedGeneration: 2,
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 2,
        },
      }),
    ).toBe('Current');
    expect(
      objectHealth({
        kind: 'Job',
        metadata: {},
        status: { conditions: [{ type: 'Failed', status: 'True' }] },
      }),
    ).toBe('Failed');
    expect(objectHealth(undefined)).toBe('NotFound');
  });
});

describe('kubectl error output', () => {
  it('extracts the Go-quoted error', () => {
    const stderr =
      'E1123 09:26:51.707082   24621 run.go:72] "command failed" err="accumulating resources: from \'d.yaml\': yaml: line 4: did not find expected key \\"x\\""\n';
    expect(kubectlErrorMessage(stderr)).toBe(
      'accumulating resources: from \'d.yaml\': yaml: line 4: did not find expected key "x"',
    );
    expect(kubectlErrorMessage('error: must build at directory\n')).toBe(
      'must build at directory',
    );
  });
});
