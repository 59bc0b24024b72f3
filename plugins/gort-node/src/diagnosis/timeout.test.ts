import type { KubeObject } from '../kube/objects';
import { diagnoseTimeout, isOutsideRepository } from './timeout';
import {
  gitRepository,
  kustomization,
  waitingPod,
} from './__testUtils__/builders';

const PUSHED = '3f2a9c1d0e8b7a6f5e4d3c2b1a0f9e8d7c6b5a49';
const OLDER = 'aa11bb22cc33dd44ee55ff6677889900aabbccdd';

function withStatus(
  obj: KubeObject,
  status: Record<string, unknown>,
  spec?: Record<string, unknown>,
): KubeObject {
  return {
    ...obj,
    spec: { ...obj.spec, ...spec },
    status: { ...obj.status, ...status },
  };
}

const readySource = (revision: string, branch = 'main') =>
  withStatus(
    gitRepository('platform', {
      ready: 'True',
      reason: 'Succeeded',
      message: `stored artifact for revision '${branch}@sha1:${revision}'`,
    }),
    { artifact: { revision: `${branch}@sha1:${revision}` } },
    { ref: { branch } },
  );

const progressing = (attempted: string) =>
  withStatus(
    kustomization('apps', {
      namespace: 'flux-system',
      ready: 'Unknown',
      reason: 'Progressing',
      message: `Running health checks for revision main@sha1:${attempted} with a timeout of 5m0s`,
    }),
    { lastAttemptedRevision: `main@sha1:${attempted}` },
  );

describe('diagnoseTimeout: where the run was stuck', () => {
  it('a failing source: its own diagnosis, outside the repository', () => {
    const source = gitRepository('platform', {
      reason: 'GitOperationFailed',
      message:
        "failed to checkout and determine revision: unable to clone 'https://git.example.org/team/infra.git': authentication required",
    });
    const d = diagnoseTimeout([progressing(OLDER), source], {
      sha: PUSHED,
      branch: 'main',
      target: 'Kustomization/flux-system/apps',
    });
    expect(d).toMatchObject({
      category: 'source-auth',
      object: 'GitRepository/flux-system/platform',
    });
    expect(d.summary).toMatch(
      /^The run timed out at its source GitRepository\/flux-system\/platform/,
    );
    expect(d.related).toContain('Kustomization/flux-system/apps');
    expect(isOutsideRepository(d)).toBe(true);
  });

  it('the pushed commit was force-pushed away: says so, nothing to fix in Git', () => {
    const head = '99aa88bb77cc66dd55ee44ff33aa22bb11cc00dd';
    const d = diagnoseTimeout([progressing(OLDER), readySource(head)], {
      sha: PUSHED,
      branch: 'main',
      branchHead: head,
    });
    expect(d).toMatchObject({
      category: 'source-not-found',
      object: 'GitRepository/flux-system/platform',
      rule: 'timeout>commit-not-on-branch',
    });
    expect(d.summary).toContain(
      '3f2a9c1 is no longer the head of branch main (now 99aa88b',
    );
    expect(d.summary).toContain('force-pushed');
    expect(d.fix).toMatch(/^not fixable in Git: /);
    expect(isOutsideRepository(d)).toBe(true);
    expect(d.evidence.map(e => e.message).join('\n')).toContain(
      'artifact revision main@sha1:99aa88bb',
    );
  });

  it('the source still serves an older revision of a commit still on the branch', () => {
    const d = diagnoseTimeout([progressing(OLDER), readySource(OLDER)], {
      sha: PUSHED,
      branch: 'main',
      branchHead: PUSHED,
    });
    expect(d).toMatchObject({
      category: 'source-unavailable',
      rule: 'timeout>source-behind',
    });
    expect(d.summary).toContain(
      'still serves aa11bb2, not the pushed 3f2a9c1 (still the head of branch main)',
    );
    expect(d.summary).toContain('stored artifact for revision');
    expect(isOutsideRepository(d)).toBe(true);
  });

  it('the source follows another branch than the push: fixable in Git', () => {
    const d = diagnoseTimeout(
      [progressing(OLDER), readySource(OLDER, 'release')],
      {
        sha: PUSHED,
        branch: 'main',
      },
    );
    expect(d).toMatchObject({
      category: 'source-not-found',
      rule: 'timeout>source-follows-other-branch',
    });
    expect(isOutsideRepository(d)).toBe(false);
  });

  it('the source serves the commit and the Kustomization waits for a workload: the workload decides', () => {
    const deployment: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } } },
      status: {},
    };
    const d = diagnoseTimeout(
      [
        progressing(PUSHED),
        readySource(PUSHED),
        deployment,
        waitingPod(
          'shop',
          'web',
          'ImagePullBackOff',
          'Back-off pulling image "registry.example.org/web:9.9.9"',
        ),
      ],
      { sha: PUSHED, branch: 'main', branchHead: PUSHED },
    );
    expect(d.category).toBe('image-pull');
    expect(d.summary).toMatch(
      /^The run timed out while Kustomization\/flux-system\/apps waited for its objects/,
    );
    expect(isOutsideRepository(d)).toBe(false);
  });

  it('the source serves the commit and nothing explains the wait: health-check-timeout', () => {
    const d = diagnoseTimeout([progressing(PUSHED), readySource(PUSHED)], {
      sha: PUSHED,
    });
    expect(d).toMatchObject({
      category: 'health-check-timeout',
      object: 'Kustomization/flux-system/apps',
    });
    expect(d.summary).toContain('Running health checks for revision');
  });

  it('a suspended Kustomization never starts', () => {
    const suspended = withStatus(progressing(OLDER), {}, { suspend: true });
    const d = diagnoseTimeout([suspended, readySource(PUSHED)], {
      sha: PUSHED,
    });
    expect(d.rule).toBe('timeout>applier-suspended');
    expect(d.summary).toContain('suspended');
  });
});
