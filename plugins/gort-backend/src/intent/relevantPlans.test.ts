import { isGortFixPlan, isPlanPath, planNamesApp, plansChangedByPush } from './relevantPlans';

describe('relevant plans', () => {
  it('takes markdown files under the docs paths changed by the push', () => {
    expect(
      plansChangedByPush(
        [
          { path: 'docs/plans/podinfo.md', status: 'modified' },
          { path: 'docs/plans/old.md', status: 'removed' },
          { path: 'apps/podinfo/deployment.yaml', status: 'modified' },
          { path: 'docs/other/x.md', status: 'added' },
        ],
        ['docs/plans/'],
      ),
    ).toEqual(['docs/plans/podinfo.md']);
    expect(isPlanPath('docs/plans/a/b.md', ['./docs/plans'])).toBe(true);
  });

  it('matches names as words only', () => {
    expect(planNamesApp('Run podinfo with 2 replicas', ['podinfo'])).toBe(true);
    expect(planNamesApp('Run podinfo-canary', ['podinfo'])).toBe(false);
    expect(planNamesApp('nothing here', ['podinfo'])).toBe(false);
  });

  it('recognises GORT fix plans', () => {
    expect(isGortFixPlan('docs/plans/gort-fix-3f9c2a7.md')).toBe(true);
    expect(isGortFixPlan('docs/plans/podinfo.md')).toBe(false);
  });
});
