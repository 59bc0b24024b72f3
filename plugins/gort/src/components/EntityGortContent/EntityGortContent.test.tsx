import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { EntityGortContent } from './EntityGortContent';

function entityWith(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'podinfo', annotations },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

async function renderFor(entity: Entity) {
  await renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityGortContent />
    </EntityProvider>,
  );
}

describe('EntityGortContent', () => {
  it('shows the missing-annotation state without gort.io/flux-app', async () => {
    await renderFor(entityWith({}));
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(screen.getAllByText(/gort\.io\/flux-app/).length).toBeGreaterThan(0);
  });

  it('lists the watched Flux objects and the settings', async () => {
    await renderFor(
      entityWith({
        'gort.io/flux-app': 'flux-system/podinfo, prod:HelmRelease/apps/podinfo',
        'github.com/project-slug': 'acme/podinfo-gitops',
        'gort.io/reconcile-timeout': '15m',
      }),
    );
    expect(screen.getByText('Watched Flux objects')).toBeInTheDocument();
    expect(screen.getByText('Kustomization')).toBeInTheDocument();
    expect(screen.getByText('HelmRelease')).toBeInTheDocument();
    expect(screen.getByText('prod')).toBeInTheDocument();
    expect(screen.getAllByText('acme/podinfo-gitops')).toHaveLength(2);
    expect(screen.getByText('15m')).toBeInTheDocument();
    expect(screen.queryByText(/annotations need attention/)).not.toBeInTheDocument();
  });

  it('explains each annotation problem', async () => {
    await renderFor(
      entityWith({
        'gort.io/flux-app': 'Deployment/apps/podinfo',
        'gort.io/target-repo': 'acme/gitops',
        'gort.io/mode': 'yolo',
      }),
    );
    expect(screen.getByText(/GORT annotations need attention \(2\)/)).toBeInTheDocument();
    expect(screen.getByText(/kind "Deployment" is not supported/)).toBeInTheDocument();
    expect(screen.getByText(/must be one of fix-pr, diagnose-only, off/)).toBeInTheDocument();
    expect(screen.getByText(/No valid Flux object is named/)).toBeInTheDocument();
  });
});
