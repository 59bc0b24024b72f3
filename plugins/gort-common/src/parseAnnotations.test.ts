import {
  isValidBranchName,
  parseFluxObjectRef,
  parseGortAnnotations,
  parseRepoRef,
} from './parseAnnotations';
import { isGortAvailable } from './isGortAvailable';

describe('parseFluxObjectRef', () => {
  it.each([
    ['flux-system/podinfo', { kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
    ['HelmRelease/apps/podinfo', { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }],
    ['helmrelease/apps/podinfo', { kind: 'HelmRelease', namespace: 'apps', name: 'podinfo' }],
    [
      'prod-eu:Kustomization/flux-system/app.v2',
      { cluster: 'prod-eu', kind: 'Kustomization', namespace: 'flux-system', name: 'app.v2' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parseFluxObjectRef(text)).toEqual({ object: expected });
  });

  it.each([
    ['podinfo', /not of the form/],
    ['Deployment/apps/podinfo', /kind "Deployment" is not supported/],
    ['/podinfo', /namespace is missing/],
    ['apps/', /name is missing/],
    ['Apps/podinfo', /not a valid Kubernetes namespace/],
    ['apps/Pod_Info', /not a valid Kubernetes object name/],
    ['bad cluster:apps/podinfo', /cluster name/],
    ['a/b/c/d', /not of the form/],
  ])('explains what is wrong with %s', (text, message) => {
    const result = parseFluxObjectRef(text);
    expect('error' in result && result.error).toMatch(message);
  });
});

describe('parseRepoRef', () => {
  it('accepts slugs and GitHub URLs', () => {
    expect(parseRepoRef('acme/podinfo-gitops')).toEqual({ owner: 'acme', repo: 'podinfo-gitops' });
    expect(parseRepoRef('https://github.com/acme/gitops.git')).toEqual({ owner: 'acme', repo: 'gitops' });
  });

  it('rejects anything else', () => {
    expect(parseRepoRef('acme')).toBeUndefined();
    expect(parseRepoRef('acme/../etc')).toBeUndefined();
    expect(parseRepoRef('-acme/repo')).toBeUndefined();
    expect(parseRepoRef('acme/..')).toBeUndefined();
  });
});

describe('isValidBranchName', () => {
  it('follows git ref rules', () => {
    expect(isValidBranchName('main')).toBe(true);
    expect(isValidBranchName('release/1.2')).toBe(true);
    expect(isValidBranchName('feature..x')).toBe(false);
    expect(isValidBranchName('with space')).toBe(false);
    expect(isValidBranchName('-rf')).toBe(false);
    expect(isValidBranchName('x.lock')).toBe(false);
  });
});

describe('parseGortAnnotations', () => {
  it('applies the defaults of the design contract', () => {
    const { settings, problems } = parseGortAnnotations({
      'gort.io/flux-app': 'flux-system/podinfo',
      'github.com/project-slug': 'acme/podinfo-gitops',
    });
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      objects: [{ kind: 'Kustomization', namespace: 'flux-system', name: 'podinfo' }],
      docsPaths: ['docs/plans/'],
      targetRepo: { owner: 'acme', repo: 'podinfo-gitops' },
      fixRepo: { owner: 'acme', repo: 'podinfo-gitops' },
      branch: undefined,
      reconcileTimeoutMs: undefined,
      mode: 'fix-pr',
      ai: 'on',
    });
  });

  it('reads the AI switch, and fails closed on a value it does not know', () => {
    const base = { 'gort.io/flux-app': 'flux-system/podinfo', 'github.com/project-slug': 'acme/podinfo-gitops' };
    expect(parseGortAnnotations({ ...base, 'gort.io/ai': 'off' }).settings.ai).toBe('off');
    expect(parseGortAnnotations({ ...base, 'gort.io/ai': ' ON ' }).settings.ai).toBe('on');
    const typo = parseGortAnnotations({ ...base, 'gort.io/ai': 'of' });
    expect(typo.settings.ai).toBe('off');
    expect(typo.problems).toEqual([{ annotation: 'gort.io/ai', value: 'of', message: expect.stringMatching(/using off/) }]);
  });

  it('reads every annotation', () => {
    const { settings, problems } = parseGortAnnotations({
      'gort.io/flux-app': 'flux-system/infra, HelmRelease/apps/podinfo',
      'gort.io/docs-paths': 'docs/plans, ./design/intent/',
      'gort.io/target-repo': 'acme/gitops',
      'gort.io/fix-repo': 'acme/gitops-fixes',
      'gort.io/branch': 'refs/heads/production',
      'gort.io/reconcile-timeout': '1h30m',
      'gort.io/mode': 'diagnose-only',
      'github.com/project-slug': 'acme/ignored',
    });
    expect(problems).toEqual([]);
    expect(settings.objects).toHaveLength(2);
    expect(settings.docsPaths).toEqual(['docs/plans/', 'design/intent/']);
    expect(settings.targetRepo).toEqual({ owner: 'acme', repo: 'gitops' });
    expect(settings.fixRepo).toEqual({ owner: 'acme', repo: 'gitops-fixes' });
    expect(settings.branch).toBe('production');
    expect(settings.reconcileTimeoutMs).toBe(5_400_000);
    expect(settings.mode).toBe('diagnose-only');
  });

  it('reports each bad value precisely and keeps the good ones', () => {
    const { settings, problems } = parseGortAnnotations({
      'gort.io/flux-app': 'flux-system/ok, Deployment/apps/x, flux-system/ok',
      'gort.io/docs-paths': '../secrets',
      'gort.io/target-repo': 'not-a-repo',
      'gort.io/branch': 'a..b',
      'gort.io/reconcile-timeout': 'ten minutes',
      'gort.io/mode': 'yolo',
    });
    expect(settings.objects).toEqual([
      { kind: 'Kustomization', namespace: 'flux-system', name: 'ok' },
    ]);
    expect(settings.docsPaths).toEqual(['docs/plans/']);
    expect(settings.mode).toBe('fix-pr');
    expect(problems.map(p => [p.annotation, p.value])).toEqual([
      ['gort.io/flux-app', 'Deployment/apps/x'],
      ['gort.io/flux-app', 'flux-system/ok'],
      ['gort.io/docs-paths', '../secrets'],
      ['gort.io/target-repo', 'not-a-repo'],
      ['gort.io/branch', 'a..b'],
      ['gort.io/reconcile-timeout', 'ten minutes'],
      ['gort.io/mode', 'yolo'],
    ]);
    expect(problems[5].message).toMatch(/90s, 10m or 1h30m/);
  });

  it('asks for a repository when none can be found', () => {
    const { problems } = parseGortAnnotations({ 'gort.io/flux-app': 'a/b' });
    expect(problems).toEqual([
      expect.objectContaining({ annotation: 'gort.io/target-repo', message: expect.stringMatching(/no repository/) }),
    ]);
  });

  it('rejects timeouts outside 10s..24h', () => {
    const { problems } = parseGortAnnotations({
      'gort.io/flux-app': 'a/b',
      'gort.io/target-repo': 'o/r',
      'gort.io/reconcile-timeout': '2s',
    });
    expect(problems[0].message).toMatch(/between 10s and 24h/);
  });
});

describe('isGortAvailable', () => {
  const entity = (annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', annotations },
  });
  it('needs a non-empty flux-app annotation', () => {
    expect(isGortAvailable(entity({ 'gort.io/flux-app': 'a/b' }))).toBe(true);
    expect(isGortAvailable(entity({ 'gort.io/flux-app': ' ' }))).toBe(false);
    expect(isGortAvailable(entity({}))).toBe(false);
  });
});
