import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, ConsoleMessage, Page } from 'playwright-core';
import {
  ALLOWED_OVERLAY_KEYS,
  APP_CONFIG_FILE,
  leafKeys,
} from '../harness/appConfigOverlay';
import { REPO_ROOT } from '../harness/backendProcess';

/** Screenshots land here (ignored by git); docs/testing.md describes them. */
export const ARTIFACTS = join(REPO_ROOT, 'e2e-artifacts', 'screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's Chromium with the flags these machines need (playwright cannot download browsers here). */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export { CHROMIUM };

/** What Backstage shows when the app or an extension failed. */
const FAILURE_TEXTS = [
  /App startup failed/, // frontend-defaults: the app could not be built
  /Something Went Wrong/, // core-components ErrorBoundary
  /Error in [\w-]+/, // the extension boundary's panel, and the error API's alert
];

/** Where our code lives, as it shows in bundle URLs and component stacks. */
const OUR_SOURCE = /plugins\/gort[\w-]*\/src|packages\/app\/src|gort-backstage/;

/**
 * Whether a console error comes from our code: a failed request to GORT's
 * API, a message that names GORT, console.error called from our bundle, or a
 * React warning whose culprit is our component (the first component of its
 * stack with a source location, or the one "Check the render method of"
 * names). React warnings that Material UI v4 raises inside its own
 * components (findDOMNode, defaultProps) are not ours.
 */
export function isFromOurCode(text: string, url: string): boolean {
  if (/\/api\/gort\b/.test(url) || OUR_SOURCE.test(url)) return true;
  const [first, ...stack] = text.split('\n');
  if (/gort/i.test(first)) return true;
  const frames = stack.filter(line => /^\s*at \S+ \(/.test(line));
  if (frames.length && OUR_SOURCE.test(frames[0])) return true;
  const culprit = text.match(/render method of `([^`]+)`/)?.[1];
  return Boolean(
    culprit &&
      frames.some(
        line => line.includes(`at ${culprit} (`) && OUR_SOURCE.test(line),
      ),
  );
}

/** Collects uncaught exceptions (all fail) and console errors of a page, split by origin. */
export class PageProblems {
  readonly ours: string[] = [];
  readonly others: string[] = [];

  constructor(page: Page) {
    page.on('pageerror', error =>
      this.ours.push(
        `uncaught: ${String(error.stack ?? error).slice(0, 1500)}`,
      ),
    );
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() !== 'error') return;
      const text = message.text();
      const url = message.location().url ?? '';
      const entry = `${text.split('\n').slice(0, 4).join('\n').slice(0, 600)}${
        url ? ` (${url})` : ''
      }`;
      (isFromOurCode(text, url) ? this.ours : this.others).push(entry);
    });
  }
}

/**
 * Fails when the page shows Backstage's start-up failure or an error
 * boundary, or when our code logged an error; saves a screenshot first.
 */
export async function expectHealthy(
  page: Page,
  problems: PageProblems,
  stepName: string,
): Promise<void> {
  const text = await page.locator('body').innerText();
  const shown = FAILURE_TEXTS.filter(pattern => pattern.test(text)).map(
    pattern => text.match(pattern)![0],
  );
  if (shown.length || problems.ours.length) {
    await page
      .screenshot({
        path: join(ARTIFACTS, `failed-${stepName}.png`),
        fullPage: true,
      })
      .catch(() => {});
    throw new Error(
      `${stepName}: the page shows ${JSON.stringify(
        shown,
      )}; errors from our code:\n${problems.ours.join(
        '\n',
      )}\n--- page text ---\n${text.slice(0, 2000)}`,
    );
  }
}

/** Runs a step; on failure saves a screenshot named after it and adds the page's errors. */
export async function step<T>(
  page: Page,
  problems: PageProblems,
  name: string,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await page
      .screenshot({
        path: join(ARTIFACTS, `failed-${name}.png`),
        fullPage: true,
      })
      .catch(() => {});
    throw new Error(
      `${name}: ${error}\nerrors from our code:\n${problems.ours.join(
        '\n',
      )}\nother console errors:\n${problems.others.slice(-5).join('\n')}`,
    );
  }
}

/**
 * What the README promises after `npm start`: guest sign-in, then the
 * catalog, the podinfo GitOps tab, its overview card and the org page, each
 * without a start-up failure, an error boundary or an error from our code.
 * `shots` prefixes screenshot names (undefined: none).
 */
export async function walkThroughTheDemo(
  page: Page,
  problems: PageProblems,
  appUrl: string,
  shots?: string,
) {
  const shot = async (name: string) => {
    if (shots !== undefined)
      await page.screenshot({
        path: join(ARTIFACTS, `${shots}${name}.png`),
        fullPage: true,
      });
  };
  await step(page, problems, 'sign-in', async () => {
    await page.goto(appUrl);
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 120_000 });
    await page
      .waitForURL(url => !url.pathname.includes('sign'), { timeout: 30_000 })
      .catch(() => {});
  });

  await step(page, problems, 'catalog', async () => {
    // the catalog is the home page (app-config.yaml); guest owns nothing, so list all
    await page
      .getByRole('heading', { name: /catalog/i })
      .first()
      .waitFor({ timeout: 120_000 });
    const all = page
      .getByRole('button', { name: /^all/i })
      .or(page.getByText(/^All$/))
      .first();
    if (await all.isVisible().catch(() => false)) await all.click();
    await page
      .getByRole('link', { name: 'podinfo', exact: true })
      .first()
      .waitFor({ timeout: 60_000 });
  });
  await expectHealthy(page, problems, 'catalog');
  await shot('catalog');

  await step(page, problems, 'gitops-tab', async () => {
    await page.goto(`${appUrl}/catalog/default/component/podinfo/gitops`);
    await page
      .getByRole('heading', { name: 'Watched Flux objects' })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('table', { name: 'GORT runs' })
      .waitFor({ timeout: 60_000 });
  });
  await expectHealthy(page, problems, 'gitops-tab');
  await shot('gitops-tab');

  await step(page, problems, 'overview-card', async () => {
    await page.goto(`${appUrl}/catalog/default/component/podinfo`);
    await page.getByText('GitOps (GORT)').first().waitFor({ timeout: 60_000 });
  });
  await expectHealthy(page, problems, 'overview-card');
  await shot('overview-card');

  await step(page, problems, 'org-page', async () => {
    await page.goto(`${appUrl}/gitops`);
    const table = page.getByRole('table', { name: 'GitOps deployments' });
    await table.getByText('podinfo').first().waitFor({ timeout: 60_000 });
  });
  await expectHealthy(page, problems, 'org-page');
  await shot('org-page');
}

/**
 * The backend ran on app-config.yaml itself, plus an overlay that changes
 * nothing but ports, base URLs and the database directory.
 */
export function expectAppConfigWithPortsOnly(config: {
  files: string[];
  overlay?: Record<string, unknown>;
}) {
  expect(config.files[0]).toBe(APP_CONFIG_FILE);
  expect(config.files).toHaveLength(2);
  const keys = leafKeys(config.overlay ?? {});
  expect(keys.length).toBeGreaterThan(0);
  expect(
    keys.filter(
      key => !(ALLOWED_OVERLAY_KEYS as readonly string[]).includes(key),
    ),
  ).toEqual([]);
}
