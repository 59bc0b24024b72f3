import { renderInTestApp } from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { backendError } from '../../__fixtures__/fakeGortApi';
import { GortErrorState } from './GortErrorState';

describe('GortErrorState', () => {
  it('renders the not-found content only for a 404', async () => {
    const notFound = await backendError(404, 'NotFoundError', 'missing');
    await renderInTestApp(
      <GortErrorState error={notFound} notFound={<p>not followed</p>} />,
    );
    expect(screen.getByText('not followed')).toBeInTheDocument();
  });

  it('treats a gateway error like an unreachable backend', async () => {
    const gateway = await backendError(
      503,
      'ServiceUnavailable',
      'upstream connect error',
    );
    await renderInTestApp(<GortErrorState error={gateway} />);
    expect(
      screen.getByText(/The GORT backend cannot be reached/),
    ).toBeInTheDocument();
    expect(screen.getByText(/upstream connect error/)).toBeInTheDocument();
  });
});
