import type { WatcherInput } from '../database/WatcherStore';
import { applyTenancy, entityLabelValue, TenancyPolicy, WatchedObjectFacts } from './tenancy';

const watcher = (overrides: Partial<WatcherInput> = {}): WatcherInput => ({
  entityRef: 'component:default/payments',
  owners: ['group:default/payments-team'],
  objects: [{ kind: 'Kustomization', namespace: 'payments', name: 'payments' }],
  targetRepo: { owner: 'acme', repo: 'payments-gitops' },
  fixRepo: { owner: 'acme', repo: 'payments-gitops' },
  docsPaths: ['docs/plans/'],
  mode: 'fix-pr',
  problems: [],
  ...overrides,
});

const policy: TenancyPolicy = {
  mapped: true,
  grants: [
    {
      owners: ['group:default/payments-team'],
      clusters: ['*'],
      namespaces: ['payments', 'payments-*'],
      repositories: ['acme/payments-*'],
    },
  ],
  entityLabel: 'gort.io/entity',
  allowSeparateFixRepo: false,
  extraDocsPaths: ['docs/**'],
};
const noFacts = () => undefined;

describe('applyTenancy', () => {
  it('keeps a watcher inside its owner grant untouched', () => {
    const w = watcher({ objects: [{ cluster: 'prod', kind: 'HelmRelease', namespace: 'payments-eu', name: 'api' }] });
    expect(applyTenancy(w, policy, noFacts, 'prod')).toBe(w);
  });

  it("drops another team's Flux object and repository with problems, so no run can start", () => {
    const result = applyTenancy(
      watcher({
        objects: [
          { kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' },
          { kind: 'Kustomization', namespace: 'payments', name: 'payments' },
        ],
        targetRepo: { owner: 'acme', repo: 'podinfo-gitops' },
        fixRepo: { owner: 'acme', repo: 'podinfo-gitops' },
      }),
      policy,
      noFacts,
      'demo',
    );
    expect(result.objects).toEqual([{ kind: 'Kustomization', namespace: 'payments', name: 'payments' }]);
    expect(result.targetRepo).toBeUndefined();
    expect(result.fixRepo).toBeUndefined();
    expect(result.problems.map(p => [p.annotation, p.value])).toEqual([
      ['gort.io/flux-app', 'Kustomization/flux-system/podinfo'],
      ['gort.io/target-repo', 'acme/podinfo-gitops'],
    ]);
    expect(result.problems[0].message).toMatch(/group:default\/payments-team may not watch .*gort.tenancy.owners.*gort.io\/entity=component.default.payments/);
  });

  it('lets an object labelled for the entity vouch for itself and its source repository', () => {
    const facts = (): WatchedObjectFacts => ({
      labels: { 'gort.io/entity': entityLabelValue('component:default/payments') },
      sourceRepo: { owner: 'other', repo: 'shared-gitops' },
    });
    const w = watcher({
      objects: [{ kind: 'Kustomization', namespace: 'shared', name: 'payments' }],
      targetRepo: { owner: 'other', repo: 'shared-gitops' },
      fixRepo: { owner: 'other', repo: 'shared-gitops' },
    });
    expect(applyTenancy(w, policy, facts, 'demo')).toBe(w);
    // a label naming another entity vouches for nothing
    const otherLabel = () => ({ labels: { 'gort.io/entity': 'component.default.podinfo' } });
    expect(applyTenancy(w, policy, otherLabel, 'demo').objects).toEqual([]);
  });

  it('sends fix PRs to the target repository unless a separate fix repo is allowed and granted', () => {
    const w = watcher({ fixRepo: { owner: 'acme', repo: 'payments-fixes' } });
    const refused = applyTenancy(w, policy, noFacts, 'demo');
    expect(refused.fixRepo).toEqual({ owner: 'acme', repo: 'payments-gitops' });
    expect(refused.problems[0]).toMatchObject({ annotation: 'gort.io/fix-repo', value: 'acme/payments-fixes' });
    expect(refused.problems[0].message).toMatch(/allowSeparateFixRepo/);

    const allowed = { ...policy, allowSeparateFixRepo: true };
    expect(applyTenancy(w, allowed, noFacts, 'demo').fixRepo).toEqual({ owner: 'acme', repo: 'payments-fixes' });
    const elsewhere = watcher({ fixRepo: { owner: 'evil', repo: 'x' } });
    expect(applyTenancy(elsewhere, allowed, noFacts, 'demo').fixRepo).toEqual({ owner: 'acme', repo: 'payments-gitops' });
    // without an owner mapping the fix repo rule still holds
    expect(applyTenancy(w, { ...policy, mapped: false }, noFacts, 'demo').fixRepo).toEqual({
      owner: 'acme',
      repo: 'payments-gitops',
    });
  });

  it('refuses docs paths outside the spec.path trees, the default and the allowed folders', () => {
    const facts = () => ({ specPath: './apps/payments' });
    const result = applyTenancy(
      watcher({ docsPaths: ['./', '.github/', 'apps/payments/plans/', 'docs/intent/', 'apps/other/'] }),
      policy,
      facts,
      'demo',
    );
    expect(result.docsPaths).toEqual(['apps/payments/plans/', 'docs/intent/']);
    expect(result.problems.map(p => p.value)).toEqual(['./', '.github/', 'apps/other/']);
    // nothing left: the default
    const root = applyTenancy(watcher({ docsPaths: ['./'] }), { ...policy, extraDocsPaths: [] }, facts, 'demo');
    expect(root.docsPaths).toEqual(['docs/plans/']);
    // an admin may allow the whole repository
    expect(applyTenancy(watcher({ docsPaths: ['./'] }), { ...policy, extraDocsPaths: ['.'] }, facts, 'demo').problems).toEqual([]);
  });

  it('allows any object and repository when no owner mapping is configured', () => {
    const w = watcher({ objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }] });
    expect(applyTenancy(w, { ...policy, mapped: false, grants: [] }, noFacts, 'demo')).toBe(w);
  });
});
