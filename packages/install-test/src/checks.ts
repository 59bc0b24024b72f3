import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { waitFor } from './exec';
import { PODINFO, RunningApp } from './startApp';

async function guestToken(backendUrl: string): Promise<string> {
  const res = await fetch(`${backendUrl}/api/auth/guest/refresh`, {
    method: 'POST',
  });
  const token = (await res.json())?.backstageIdentity?.token;
  if (!token) throw new Error(`guest sign-in answered ${res.status}`);
  return token;
}

export interface RecordedApi {
  watchers: unknown;
  status: unknown;
  runs: unknown;
}

/**
 * `/api/gort/watchers` answers with the podinfo watcher once the catalog has
 * been read, and the entity's live Flux status comes from the sandbox
 * cluster. The answers are kept for the legacy-app test.
 */
export async function checkBackend(app: RunningApp): Promise<RecordedApi> {
  const token = await guestToken(app.backendUrl);
  const get = async (path: string) => {
    const res = await fetch(`${app.backendUrl}/api/gort${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok)
      throw new Error(
        `GET /api/gort${path} answered ${res.status}: ${await res.text()}`,
      );
    return res.json();
  };
  const watchers = await waitFor(
    'the podinfo watcher in /api/gort/watchers',
    90_000,
    async () => {
      const body = await get('/watchers');
      return body.items?.some(
        (w: { entityRef?: string }) => w.entityRef === PODINFO.ref,
      )
        ? body
        : undefined;
    },
  );
  const status = await waitFor(
    'the live Flux status of podinfo',
    90_000,
    async () => {
      const body = await get(`/entities/${PODINFO.path}/status`);
      return JSON.stringify(body).includes('podinfo') ? body : undefined;
    },
  );
  const runs = await get(`/runs?entityRef=${encodeURIComponent(PODINFO.ref)}`);
  return { watchers, status, runs };
}

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The GitOps tab of podinfo in Debian's Chromium: signs in as guest, opens
 * the tab from the entity page and waits for the watched Flux objects. Fails
 * on an app startup failure, an error boundary or a page error.
 */
export async function checkGitOpsTab(
  app: RunningApp,
  artifacts: string,
  chromiumPath: string,
): Promise<void> {
  await mkdir(artifacts, { recursive: true });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_FLAGS,
  });
  const problems: string[] = [];
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1000 },
  });
  page.on('pageerror', error =>
    problems.push(`page error: ${String(error.stack ?? error).slice(0, 600)}`),
  );
  try {
    await page.goto(`${app.appUrl}/catalog/${PODINFO.path}`, {
      timeout: 120_000,
    });
    // create-app's sign-in page offers the guest provider
    await page
      .getByRole('button', { name: /^enter$/i })
      .click({ timeout: 120_000 });
    // the overview card (entity-card:gort) with the live state from the cluster
    await page.getByText('GitOps (GORT)').first().waitFor({ timeout: 120_000 });
    await page
      .getByText(/Ready \(1 object\)/)
      .first()
      .waitFor({ timeout: 60_000 });
    // the tab (entity-content:gort) in the entity page's header
    await page
      .locator(`a[href$="/catalog/${PODINFO.path}/gitops"]`)
      .filter({ hasText: 'GitOps' })
      .first()
      .click();
    await page.waitForURL(url =>
      url.pathname.endsWith(`/catalog/${PODINFO.path}/gitops`),
    );
    await page
      .getByRole('heading', { name: 'Watched Flux objects' })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('table')
      .filter({ hasText: 'podinfo' })
      .first()
      .waitFor({ timeout: 60_000 });
    const text = await page.locator('body').innerText();
    for (const failure of [
      'App startup failed',
      'Something went wrong',
      'Error: ',
    ]) {
      if (text.includes(failure)) problems.push(`the page shows "${failure}"`);
    }
    await page.screenshot({
      path: join(artifacts, 'gitops-tab.png'),
      fullPage: true,
    });
  } catch (error) {
    await page
      .screenshot({
        path: join(artifacts, 'gitops-tab-failed.png'),
        fullPage: true,
      })
      .catch(() => {});
    problems.unshift(String(error));
  } finally {
    await browser.close();
  }
  if (problems.length)
    throw new Error(`GitOps tab in the fresh app:\n  ${problems.join('\n  ')}`);
}
