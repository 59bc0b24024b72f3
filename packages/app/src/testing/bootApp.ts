// eslint-disable-next-line @backstage/no-undeclared-imports -- a helper imported by the tests only
import { render, waitFor } from '@testing-library/react';
import App from '../App';

/** Gives the app its configuration, as the CLI injects it (APP_CONFIG). */
export function setAppConfig(app: Record<string, unknown>) {
  process.env = {
    NODE_ENV: 'test',
    APP_CONFIG: [
      {
        data: {
          app: { title: 'Test', ...app },
          backend: { baseUrl: 'http://localhost:7007' },
        },
        context: 'test',
      },
    ] as any,
  };
}

/**
 * Renders the app and waits for `text`, failing on Backstage's start-up
 * error page. createApp reads configuration and features once: one call per
 * test file.
 */
export async function bootAppTo(text: RegExp) {
  const rendered = render(App.createRoot());
  await waitFor(
    () => {
      expect(rendered.baseElement.textContent).not.toMatch(
        /App startup failed/,
      );
      expect(rendered.baseElement.textContent).toMatch(text);
    },
    { timeout: 10_000 },
  );
  return rendered;
}
