import { entityPageUrl, fixBranchName, fixPrBody, isGortFixMerge, planDocumentPath } from './prContent';

describe('fix PR content', () => {
  const sha = '3f9c2a7be1d04c5f8e6a9b0c1d2e3f4a5b6c7d8e';

  it('names branches, plan documents and the entity page', () => {
    expect(fixBranchName('component:default/podinfo', sha)).toMatch(/^gort\/fix\/podinfo-[0-9a-f]{8}\/3f9c2a7$/);
    // the same name in another namespace or kind: another branch
    const branches = ['component:default/podinfo', 'component:team-b/podinfo', 'resource:default/podinfo'].map(ref => fixBranchName(ref, sha));
    expect(new Set(branches).size).toBe(3);
    expect(fixBranchName('Component:default/PodInfo', sha)).toBe(fixBranchName('component:default/podinfo', sha));
    expect(planDocumentPath(['./docs/plans/', 'docs/other'], sha)).toBe('docs/plans/gort-fix-3f9c2a7.md');
    expect(entityPageUrl('https://backstage.example.test/', 'component:team-a/podinfo')).toBe(
      'https://backstage.example.test/catalog/team-a/component/podinfo/gitops',
    );
  });

  it('recognises merges of GORT fix branches', () => {
    expect(isGortFixMerge('Merge pull request #12 from acme/gort/fix/podinfo/3f9c2a7\n\nfix')).toBe(true);
    expect(isGortFixMerge('Merge pull request #12 from acme/feature/x')).toBe(false);
  });

  it('writes a body with diagnosis, redacted evidence, checks, link and fingerprint', () => {
    const body = fixPrBody({
      entityRef: 'component:default/podinfo',
      sha,
      repo: 'acme/fleet',
      category: 'image-pull',
      summary: 'Restore the image tag',
      rootCause: 'The tag does not exist',
      evidence: [{ source: 'Pod events', message: 'pull failed; Authorization: Bearer ghp_abcdefghijklmnopqrstuvwxyz0123456789' }],
      checks: [{ check: 'yaml', ok: true, detail: '1 YAML file(s) parse' }, { check: 'kustomize-build', ok: false, detail: 'a | b' }],
      files: ['apps/podinfo/deployment.yaml'],
      entityUrl: 'https://b.test/catalog/default/component/podinfo/gitops',
      fingerprint: 'abc123',
    });
    expect(body).toContain('`image-pull`');
    expect(body).not.toContain('ghp_abcdefghijklmnopqrstuvwxyz0123456789');
    expect(body).toContain('| ✅ passed yaml | 1 YAML file\\(s\\) parse |');
    expect(body).toContain('| ❌ failed kustomize-build | a \\| b |');
    expect(body).toContain('Validation ❌');
    expect(body).toContain('> *AI-written (AI), unverified:*');
    expect(body).toContain('https://b.test/catalog/default/component/podinfo/gitops');
    expect(body).toContain('<!-- gort-fingerprint: abc123 -->');
  });
});
