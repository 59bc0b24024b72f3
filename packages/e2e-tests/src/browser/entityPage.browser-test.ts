import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from '../harness/backendProcess';
import { GortEnvironment } from '../harness/gortEnvironment';
import {
  ARTIFACTS,
  CHROMIUM,
  expectAppConfigWithPortsOnly,
  expectHealthy,
  launchChromium,
  PageProblems,
  step,
  walkThroughTheDemo,
} from './demoSession';

jest.setTimeout(600_000);

const APP_DIST = join(REPO_ROOT, 'packages', 'app', 'dist', 'index.html');

async function until(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 200));
  }
}

/** The production build (packages/app/dist) served by the backend, on app-config.yaml. */
describe('the built app served by the backend, in a real browser', () => {
  let env: GortEnvironment;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  const figures: string[] = [];

  beforeAll(async () => {
    if (!existsSync(APP_DIST)) {
      throw new Error(
        'packages/app/dist is missing: `npm run e2e:browser` builds the app first',
      );
    }
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install Debian's chromium package (CI does)`,
      );
    }
    env = await GortEnvironment.startWithAppConfig({ healthCheckCapMs: 6000 });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    problems = new PageProblems(page);
  });

  afterAll(async () => {
    if (figures.length) process.stdout.write(`\n${figures.join('\n')}\n`);
    if (problems?.others.length) {
      process.stdout.write(
        `\nconsole errors not from our code:\n${problems.others.join('\n')}\n`,
      );
    }
    await browser?.close();
    await env?.close();
  });

  const tabUrl = () =>
    `${env.backend.baseUrl}/catalog/default/component/podinfo/gitops`;

  it('runs on app-config.yaml with only ports, base URLs and the database directory changed', () => {
    expectAppConfigWithPortsOnly(env.config);
  });

  it('signs in as guest and shows the catalog, the GitOps tab, the overview card and the org page', async () => {
    await walkThroughTheDemo(page, problems, env.backend.baseUrl, 'built-app-');
  });

  it('shows a successful run, then a breaking push going live to failed, its diagnosis and fix PR', async () => {
    const okSha = await env.push('fix');
    await env.waitForRun(okSha, run => run.state === 'done');

    const started = Date.now();
    await page.goto(tabUrl());
    await page
      .getByRole('heading', { name: 'Watched Flux objects' })
      .waitFor({ timeout: 60_000 });
    await page
      .getByRole('table', { name: 'GORT runs' })
      .getByText(okSha.slice(0, 7))
      .first()
      .waitFor();
    figures.push(
      `GitOps tab load (navigation to runs table visible): ${
        Date.now() - started
      } ms`,
    );
    const runNow = page.getByRole('button', { name: 'Run now' });
    await until(
      () => runNow.isEnabled(),
      30_000,
      '"Run now" to be enabled (permission gort.run.create)',
    );
    const fcp = await page.evaluate(
      () =>
        performance.getEntriesByName('first-contentful-paint')[0]?.startTime ??
        -1,
    );
    figures.push(`first contentful paint: ${Math.round(fcp)} ms`);
    await page.screenshot({
      path: join(ARTIFACTS, 'gitops-tab-success.png'),
      fullPage: true,
    });

    // A breaking push: the open tab updates without a reload.
    const badSha = await env.push('bad-image');
    const runs = page.getByRole('table', { name: 'GORT runs' });
    const badRow = runs
      .getByRole('row')
      .filter({ hasText: badSha.slice(0, 7) });
    await badRow.waitFor({ timeout: 60_000 });
    await step(page, problems, 'failed-run-row', async () => {
      await badRow
        .getByText(/failed/i)
        .first()
        .waitFor({ timeout: 120_000 });
      await badRow.getByText('image-pull').first().waitFor({ timeout: 60_000 });
    });
    await page.screenshot({
      path: join(ARTIFACTS, 'gitops-tab-failed.png'),
      fullPage: true,
    });
    await expectHealthy(page, problems, 'gitops-tab-failed');

    // Run detail.
    await badRow
      .getByRole('link', { name: new RegExp(`^Run ${badSha.slice(0, 7)}`) })
      .click();
    await page.getByRole('heading', { name: 'Diagnosis' }).waitFor();
    await page.getByRole('heading', { name: 'Timeline' }).waitFor();
    await page
      .getByText(/ImagePullBackOff|ErrImagePull/)
      .first()
      .waitFor();
    await page.screenshot({
      path: join(ARTIFACTS, 'run-detail.png'),
      fullPage: true,
    });
    await expectHealthy(page, problems, 'run-detail');

    // The fix pull request links to the PR on (the sandbox's) GitHub.
    const run = await env.waitForRun(
      badSha,
      r => r.state === 'done' && Boolean(r.fixPr),
    );
    expect(run.fixPr).toMatchObject({ status: 'opened' });
    const prLink = page
      .getByRole('link', { name: new RegExp(`#${run.fixPr!.number}\\b`) })
      .first();
    await prLink.waitFor({ timeout: 30_000 });
    const href = await prLink.getAttribute('href');
    expect(href).toBe(run.fixPr!.url);
    const prNumber = Number(href!.split('/').pop());
    const pr = await fetch(
      `${env.sandbox.githubUrl}/repos/acme/podinfo-gitops/pulls/${prNumber}`,
      {
        headers: { Authorization: `token ${env.sandbox.token}` },
      },
    ).then(res => res.json());
    expect(pr).toMatchObject({
      number: run.fixPr!.number,
      state: 'open',
      head: { ref: expect.stringMatching(/^gort\/fix\//) },
    });
  });

  it("shows the failed run in the owner's notifications page", async () => {
    await page.goto(`${env.backend.baseUrl}/notifications`);
    await step(page, problems, 'notifications-page', () =>
      page
        .getByText(/component:default\/podinfo: Flux failed \(image-pull\)/)
        .first()
        .waitFor({ timeout: 60_000 }),
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'notifications-page.png'),
      fullPage: true,
    });
    await expectHealthy(page, problems, 'notifications-page');
  });

  it('shows the failed run on the overview card and the org-wide page', async () => {
    await page.goto(`${env.backend.baseUrl}/catalog/default/component/podinfo`);
    await page.getByText('GitOps (GORT)').first().waitFor({ timeout: 60_000 });
    await page.screenshot({
      path: join(ARTIFACTS, 'overview-card.png'),
      fullPage: true,
    });
    await expectHealthy(page, problems, 'overview-card-after-runs');

    await page.goto(`${env.backend.baseUrl}/gitops`);
    const table = page.getByRole('table', { name: 'GitOps deployments' });
    await step(page, problems, 'org-page', () =>
      table.getByText('podinfo').first().waitFor({ timeout: 60_000 }),
    );
    await page.screenshot({
      path: join(ARTIFACTS, 'org-page.png'),
      fullPage: true,
    });
    await expectHealthy(page, problems, 'org-page-after-runs');
  });
});
