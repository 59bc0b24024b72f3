import { render, waitFor } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('boots to sign-in with the GORT plugin installed', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };

    const rendered = render(App.createRoot());

    // The app (with the GORT extensions wired in) boots to guest sign-in.
    await waitFor(
      () => {
        expect(rendered.baseElement.textContent).toMatch(
          /Enter as a Guest User/,
        );
      },
      { timeout: 10_000 },
    );
  });
});
