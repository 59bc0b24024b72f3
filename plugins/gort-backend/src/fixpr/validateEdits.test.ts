import { defaultAllowedGlobs } from './allowedPaths';
import { validateEdits, yamlProblems } from './validateEdits';

const DEPLOYMENT = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\nspec:\n  replicas: 1\n';
const files = new Map<string, string | undefined>([
  ['apps/podinfo/deployment.yaml', DEPLOYMENT],
  ['apps/podinfo/twice.yaml', 'a: 1\n---\na: 1\n'],
]);
const globs = defaultAllowedGlobs('./apps', ['docs/plans/']);

function failed(result: ReturnType<typeof validateEdits>) {
  return result.checks.filter(c => !c.ok).map(c => c.check);
}

describe('defaultAllowedGlobs', () => {
  it('covers the spec.path tree and the docs paths', () => {
    expect(globs).toEqual(['apps/**', 'docs/plans/**']);
    expect(defaultAllowedGlobs('./', [])).toEqual(['**']);
  });
});

describe('validateEdits', () => {
  it('applies valid edits and reports every check', () => {
    const result = validateEdits(
      [
        { kind: 'replace', path: 'apps/podinfo/deployment.yaml', search: 'replicas: 1', replace: 'replicas: 2' },
        { kind: 'create', path: 'docs/plans/note.md', content: '# note\n' },
      ],
      files,
      globs,
    );
    expect(result.ok).toBe(true);
    expect(result.checks.map(c => c.check)).toEqual(['edits', 'paths', 'allowed-paths', 'apply', 'yaml', 'no-clear-text-secrets', 'edit-policy']);
    expect(result.changed['apps/podinfo/deployment.yaml']).toContain('replicas: 2');
  });

  it('never allows .github/, even when a glob would', () => {
    const result = validateEdits([{ kind: 'create', path: '.github/workflows/deploy.yml', content: 'on: push\n' }], files, ['**']);
    expect(failed(result)).toEqual(['allowed-paths']);
  });

  it('rejects paths outside the globs, absolute paths and .. segments', () => {
    expect(failed(validateEdits([{ kind: 'create', path: 'infra/x.yaml', content: 'a: 1\n' }], files, globs))).toEqual(['allowed-paths']);
    expect(failed(validateEdits([{ kind: 'create', path: '/etc/passwd', content: 'x' }], files, globs))).toEqual(['paths']);
    expect(failed(validateEdits([{ kind: 'create', path: 'apps/../secrets.yaml', content: 'x' }], files, globs))).toEqual(['paths']);
  });

  it('requires the search text exactly once, an existing file to replace and a new file to create', () => {
    const twice = validateEdits([{ kind: 'replace', path: 'apps/podinfo/twice.yaml', search: 'a: 1', replace: 'a: 2' }], files, globs);
    expect(failed(twice)).toEqual(['apply']);
    expect(twice.checks.find(c => c.check === 'apply')?.detail).toMatch(/occurs 2 times/);
    expect(failed(validateEdits([{ kind: 'replace', path: 'apps/podinfo/deployment.yaml', search: 'replicas: 9', replace: 'x' }], files, globs))).toEqual(['apply']);
    expect(failed(validateEdits([{ kind: 'replace', path: 'apps/none.yaml', search: 'a', replace: 'b' }], files, globs))).toEqual(['apply']);
    expect(failed(validateEdits([{ kind: 'create', path: 'apps/podinfo/deployment.yaml', content: 'a: 1\n' }], files, globs))).toEqual(['apply']);
    expect(failed(validateEdits([], files, globs))).toEqual(['edits']);
  });

  it('applies several edits of one file in order', () => {
    const result = validateEdits(
      [
        { kind: 'replace', path: 'apps/podinfo/deployment.yaml', search: 'replicas: 1', replace: 'replicas: 3' },
        { kind: 'replace', path: 'apps/podinfo/deployment.yaml', search: 'replicas: 3', replace: 'replicas: 4' },
      ],
      files,
      globs,
    );
    expect(result.ok).toBe(true);
    expect(result.changed['apps/podinfo/deployment.yaml']).toContain('replicas: 4');
  });

  it('rejects YAML that does not parse, in any document', () => {
    const result = validateEdits([{ kind: 'create', path: 'apps/bad.yaml', content: 'a: 1\n---\nb: [1, 2\n' }], files, globs);
    expect(failed(result)).toEqual(['yaml']);
    expect(result.checks.find(c => c.check === 'yaml')?.detail).toMatch(/document 2/);
  });

  it('rejects clear-text Secrets and SOPS files without a real MAC, accepts really encrypted ones', () => {
    const clear = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  password: hunter2\n';
    const enc = (v: string) => `ENC[AES256_GCM,data:${v},iv:aXZpdml2aXZp,tag:dGFndGFn,type:str]`;
    const macless = 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ENC[AES256_GCM,data:abc]\nsops:\n  version: 3.8.1\n';
    const sops = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: ${enc('YWJj')}\nsops:\n  age:\n  - recipient: age1abc\n    enc: x\n  mac: ${enc('bWFj')}\n  version: 3.8.1\n`;
    expect(failed(validateEdits([{ kind: 'create', path: 'apps/secret.yaml', content: clear }], files, globs))).toEqual(['no-clear-text-secrets', 'edit-policy']);
    expect(failed(validateEdits([{ kind: 'create', path: 'apps/secret.yaml', content: macless }], files, globs))).toEqual(['edit-policy']);
    expect(validateEdits([{ kind: 'create', path: 'apps/secret.yaml', content: sops }], files, globs).ok).toBe(true);
    expect(yamlProblems(`a: 1\n---\n${clear}`).secrets[0]).toMatch(/document 2: Secret db/);
  });

  it('labels instead of refusing when the edit policy is configured so', () => {
    const binding = 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}\nsubjects: []\n';
    const edits = [{ kind: 'create' as const, path: 'apps/rbac.yaml', content: binding }];
    expect(failed(validateEdits(edits, files, globs))).toEqual(['edit-policy']);
    const labelled = validateEdits(edits, files, globs, { policy: 'label' });
    expect(labelled.ok).toBe(true);
    expect(labelled.needsSecurityReview).toBe(true);
    expect(labelled.checks.find(c => c.check === 'edit-policy')).toMatchObject({ status: 'review' });
    expect(labelled.review.kindsChanged).toEqual(['rbac.authorization.k8s.io/v1 ClusterRoleBinding']);
  });
});
