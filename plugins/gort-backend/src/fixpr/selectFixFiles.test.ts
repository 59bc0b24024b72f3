import { pathsNamedIn, selectFixFiles } from './selectFixFiles';

const tree = [
  'apps/podinfo/deployment.yaml',
  'apps/podinfo/kustomization.yaml',
  'apps/podinfo/service.yaml',
  'apps/kustomization.yaml',
  'infra/redis.yaml',
  'README.md',
];

describe('selectFixFiles', () => {
  it('takes changed files in the tree, their kustomizations and evidence-named files', () => {
    const files = selectFixFiles({
      specPath: './apps',
      diff: [
        { path: 'apps/podinfo/deployment.yaml', status: 'modified' },
        { path: 'README.md', status: 'modified' },
        { path: 'apps/podinfo/old.yaml', status: 'removed' },
      ],
      treeFiles: tree,
      evidenceText: 'error in infra/redis.yaml line 3',
      max: 10,
    });
    expect(files).toEqual(['apps/podinfo/deployment.yaml', 'apps/kustomization.yaml', 'apps/podinfo/kustomization.yaml', 'infra/redis.yaml']);
  });

  it('stops at the bound', () => {
    expect(selectFixFiles({ specPath: 'apps', diff: [{ path: 'apps/podinfo/service.yaml' }], treeFiles: tree, evidenceText: '', max: 1 })).toEqual([
      'apps/podinfo/service.yaml',
    ]);
  });
});

describe('pathsNamedIn', () => {
  it('finds only existing paths', () => {
    expect(pathsNamedIn('see ./apps/podinfo/service.yaml and nope/x.yaml', new Set(tree))).toEqual(['apps/podinfo/service.yaml']);
  });
});
