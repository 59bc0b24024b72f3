/*
 * Copied into the fresh app as packages/app/src/gortLegacyExports.test.tsx
 * and run there by its own `backstage-cli package test`: the legacy exports
 * of the installed @gort-backstage/plugin-gort (its built dist/), rendered in
 * a legacy test app from @backstage/test-utils, fed with the answers the
 * fresh app's backend gave for podinfo.
 */
/* eslint-disable @backstage/no-undeclared-imports, @backstage/no-mixed-plugin-imports, no-restricted-syntax --
   this file runs inside the fresh app, whose packages/app declares these */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  EntityGortCard,
  EntityGortContent,
  GortApi,
  gortApiRef,
  isGortAvailable,
} from '@gort-backstage/plugin-gort';
import { screen } from '@testing-library/react';

// The extensions load lazily; on a loaded 2-core machine that takes seconds.
jest.setTimeout(60_000);
const slow = { timeout: 30_000 };

const recorded = JSON.parse(
  readFileSync(join(__dirname, 'gort-recorded.json'), 'utf8'),
);

const podinfo = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'podinfo',
    namespace: 'default',
    annotations: {
      'gort.io/flux-app': 'flux-system/podinfo',
      'github.com/project-slug': 'acme/podinfo-gitops',
    },
  },
  spec: { type: 'service', lifecycle: 'production', owner: 'platform-team' },
};

const recordedApi: GortApi = {
  listWatchers: async () => recorded.watchers.items,
  getEntityStatus: async () => recorded.status,
  listEntityStatuses: async () => ({ items: [recorded.status] } as any),
  listRuns: async () => recorded.runs,
  getRun: async () => {
    throw new Error('no run is opened in this test');
  },
  createRun: async () => {
    throw new Error('no run is created in this test');
  },
};

async function renderInLegacyApp(element: JSX.Element) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [gortApiRef, recordedApi],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={podinfo}>{element}</EntityProvider>
    </TestApiProvider>,
    // a legacy app mounts the catalog's entity pages here
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('the legacy exports of the installed @gort-backstage/plugin-gort', () => {
  it('isGortAvailable tells annotated entities apart', () => {
    expect(isGortAvailable(podinfo)).toBe(true);
    expect(isGortAvailable({ ...podinfo, metadata: { name: 'plain' } })).toBe(
      false,
    );
  });

  it('EntityGortContent shows the watched Flux objects', async () => {
    await renderInLegacyApp(<EntityGortContent />);
    expect(
      await screen.findByRole(
        'heading',
        { name: 'Watched Flux objects' },
        slow,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Kustomization\/flux-system\/podinfo/).length,
    ).toBeGreaterThan(0);
  });

  it('EntityGortCard shows the status on the overview', async () => {
    await renderInLegacyApp(<EntityGortCard />);
    expect(
      await screen.findByText('GitOps (GORT)', {}, slow),
    ).toBeInTheDocument();
    // the live state the backend reported: one Ready Kustomization
    expect(await screen.findByText(/\(1 object\)/, {}, slow)).toHaveTextContent(
      'Ready (1 object)',
    );
  });
});
