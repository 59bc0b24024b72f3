import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { gortApiRef } from '../../api';
import { DENY, fakeGortApi } from '../../__fixtures__/fakeGortApi';
import { RunNowButton } from './RunNowButton';

// usePermission caches decisions per permission for the whole test file, so
// the denied case lives here and the allowed one in EntityGortContent's tests.
describe('RunNowButton', () => {
  it('is disabled with an explanation when gort.run.create is denied', async () => {
    const api = fakeGortApi();
    const onStarted = jest.fn();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [gortApiRef, api],
          [permissionApiRef, mockApis.permission({ authorize: DENY })],
        ]}
      >
        <RunNowButton
          entityRef="component:default/podinfo"
          onStarted={onStarted}
        />
      </TestApiProvider>,
    );
    const wrapper = await screen.findByTestId('run-now-denied');
    const button = screen.getByRole('button', { name: 'Run now' });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(
      /You need the gort.run.create permission/,
    );
    await userEvent.hover(wrapper);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /gort.run.create/,
    );
    await waitFor(() => expect(api.createRun).not.toHaveBeenCalled());
    expect(onStarted).not.toHaveBeenCalled();
  });
});
