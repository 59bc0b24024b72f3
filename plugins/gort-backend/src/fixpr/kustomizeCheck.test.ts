import { findKustomizeCommand, kustomizeBuildCheck } from './kustomizeCheck';

const files = {
  'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n',
  'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: "1"\n',
};

describe('kustomizeBuildCheck', () => {
  it('is skipped without a binary or without a kustomization file', async () => {
    expect(await kustomizeBuildCheck(files, 'apps', { command: null })).toMatchObject({ ok: true, detail: expect.stringMatching(/^skipped: no kustomize/) });
    expect(await findKustomizeCommand('')).toBeUndefined();
    expect(await kustomizeBuildCheck({ 'apps/cm.yaml': files['apps/cm.yaml'] }, 'apps', { command: ['kubectl', 'kustomize'] })).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/no kustomization.yaml/),
    });
  });

  it('builds the tree with the binary on PATH, when there is one', async () => {
    const command = await findKustomizeCommand();
    if (!command) return; // nothing to run here; covered by the skip case
    expect(await kustomizeBuildCheck(files, 'apps', { command })).toMatchObject({ ok: true, detail: expect.stringMatching(/succeeded/) });
    const broken = { ...files, 'apps/kustomization.yaml': files['apps/kustomization.yaml'].replace('cm.yaml', 'missing.yaml') };
    const result = await kustomizeBuildCheck(broken, 'apps', { command });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/missing\.yaml/);
    expect(result.detail).not.toMatch(/gort-kustomize-/);
  });
});
