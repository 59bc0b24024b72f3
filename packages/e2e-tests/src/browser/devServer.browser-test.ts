import { Browser, Page } from 'playwright-core';
import { freePort } from '../harness/backendProcess';
import { GortEnvironment } from '../harness/gortEnvironment';
import { AppDevServer } from './appDevServer';
import {
  expectAppConfigWithPortsOnly,
  launchChromium,
  PageProblems,
  walkThroughTheDemo,
} from './demoSession';

jest.setTimeout(900_000);

/** What `npm start` serves on port 3000: the app's development server, next to the backend. */
describe('`npm start` in a real browser (the app dev server, app-config.yaml)', () => {
  let env: GortEnvironment;
  let devServer: AppDevServer | undefined;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let appUrl: string;

  beforeAll(async () => {
    appUrl = `http://127.0.0.1:${await freePort()}`;
    env = await GortEnvironment.startWithAppConfig({ appBaseUrl: appUrl });
    devServer = new AppDevServer(appUrl, env.config.files);
    await devServer.start();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    problems = new PageProblems(page);
  });

  afterAll(async () => {
    if (problems?.others.length) {
      process.stdout.write(
        `\nconsole errors not from our code:\n${problems.others.join('\n')}\n`,
      );
    }
    await browser?.close();
    await devServer?.stop();
    await env?.close();
  });

  it('runs on app-config.yaml with only ports, base URLs and the database directory changed', () => {
    expectAppConfigWithPortsOnly(env.config);
  });

  // eslint-disable-next-line jest/expect-expect -- walkThroughTheDemo asserts every step
  it('signs in as guest and shows the catalog, the GitOps tab, the overview card and the org page', async () => {
    await walkThroughTheDemo(page, problems, appUrl, 'dev-server-');
  });
});
