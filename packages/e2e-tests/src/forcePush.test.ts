import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SANDBOX_DEFAULTS } from '@gort-backstage/sandbox';
import type { Run } from '@gort-backstage/plugin-gort-common';
import { GortEnvironment } from './harness/gortEnvironment';

/*
 * Force-pushes and deliveries that arrive late or not at all, through the
 * real backend and the sandbox GitHub: the order of pushes that before/after
 * cannot decide is settled in the run processor with GitHub's compare, and an
 * older commit never supersedes a newer one.
 */
jest.setTimeout(600_000);

const execGit = promisify(execFile);
const finished = (run: Run) => ['done', 'error', 'superseded'].includes(run.state);

describe('force-pushes and late deliveries', () => {
  let env: GortEnvironment;
  let work: string;
  let clone: string;
  let edits = 0;

  const git = async (...args: string[]) =>
    (
      await execGit('git', args, {
        cwd: clone,
        env: {
          ...process.env,
          GIT_AUTHOR_NAME: 'Dev',
          GIT_AUTHOR_EMAIL: 'dev@acme.example',
          GIT_COMMITTER_NAME: 'Dev',
          GIT_COMMITTER_EMAIL: 'dev@acme.example',
        },
      })
    ).stdout.trim();

  /** A harmless commit (Flux applies the same objects) on the clone's HEAD. */
  const commit = async (message: string) => {
    await writeFile(join(clone, 'NOTES.md'), `${message} ${++edits}\n`);
    await git('add', 'NOTES.md');
    await git('commit', '--quiet', '-m', message);
    return git('rev-parse', 'HEAD');
  };

  /** Pushes and returns the push delivery the sandbox GitHub sent for `sha`. */
  const push = async (sha: string, ...flags: string[]) => {
    await git('push', '--quiet', ...flags, 'origin', 'HEAD:main');
    await env.sandbox.github.waitForDeliveries();
    const delivery = env.sandbox.github.deliveries().find(d => d.event === 'push' && (d.payload as any).after === sha);
    if (!delivery) throw new Error(`no push delivery for ${sha}`);
    return delivery;
  };

  const webhookUrl = () => `${env.backend.baseUrl}/api/gort/webhook`;
  /** Deliveries fail from now on (GORT answers 401 to the wrong signature), as when it was down. */
  const loseDeliveries = () => env.sandbox.github.setWebhook({ url: webhookUrl(), secret: 'not-the-secret' });
  const restoreDeliveries = () => env.sandbox.github.setWebhook({ url: webhookUrl(), secret: SANDBOX_DEFAULTS.webhookSecret });

  beforeAll(async () => {
    env = await GortEnvironment.start();
    work = await mkdtemp(join(tmpdir(), 'gort-force-push-'));
    clone = join(work, 'repo');
    const url = new URL(env.sandbox.repoCloneUrl);
    url.username = 'dev';
    url.password = env.sandbox.token;
    await execGit('git', ['clone', '--quiet', url.toString(), clone]);
  });
  afterAll(async () => {
    await env?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('orders a force-push after a lost delivery by compare, and ends the late pushes of older commits as superseded', async () => {
    const base = await git('rev-parse', 'HEAD');
    const b = await commit('B on the seed');
    await push(b);
    expect(await env.waitForRun(b, finished)).toMatchObject({ state: 'done', outcome: 'succeeded' });

    // C on B: its delivery fails.
    loseDeliveries();
    const c = await commit('C on B');
    const lostC = await push(c);
    expect(lostC.ok).toBe(false);
    restoreDeliveries();

    // The branch is rewritten: C' on the seed, force-pushed over C. Its `before` is C,
    // which no run knows, so before/after cannot place it against B: GitHub's compare does.
    await git('reset', '--quiet', '--hard', base);
    const rewritten = await commit("C' on the seed, force-pushed");
    const forced = await push(rewritten, '--force');
    expect(forced.payload).toMatchObject({ forced: true, before: c, after: rewritten });
    const tip = await env.waitForRun(rewritten, finished);
    expect(tip).toMatchObject({ state: 'done', outcome: 'succeeded' });
    expect(tip.timeline.map(e => e.message)).toContain(
      `Compared with ${b.slice(0, 7)}: diverged (ahead by 1, behind by 1) after a force-push; the later push is the branch's new tip`,
    );

    // The delivery of C, redelivered now: C' replaced C on the branch (its before), so C is older.
    const redeliveredC = await env.sandbox.github.redeliver(lostC.id);
    expect(redeliveredC.statusCode).toBe(202);
    const lateC = await env.waitForRun(c, finished);
    expect(lateC).toMatchObject({ state: 'superseded', outcome: 'superseded', supersededBy: tip.id });

    // D and E on C': both deliveries fail; F on E arrives. F's before is E, which no
    // run knows: the compare with C' finds F ahead by 3.
    loseDeliveries();
    const d = await commit("D on C'");
    const lostD = await push(d);
    const e = await commit('E on D');
    await push(e);
    restoreDeliveries();
    const f = await commit('F on E');
    await push(f);
    const newest = await env.waitForRun(f, finished);
    expect(newest).toMatchObject({ state: 'done', outcome: 'succeeded' });
    expect(newest.timeline.map(x => x.message)).toContain(`Compared with ${rewritten.slice(0, 7)}: ahead by 3 commit(s), so this push is the branch's new tip`);

    // D, redelivered late: nothing in before/after relates it to F; the compare finds it behind.
    expect((await env.sandbox.github.redeliver(lostD.id)).statusCode).toBe(202);
    const lateD = await env.waitForRun(d, finished);
    expect(lateD).toMatchObject({ state: 'superseded', outcome: 'superseded', supersededBy: newest.id });
    expect(lateD.timeline.at(-1)!.message).toBe(
      `Superseded by ${f.slice(0, 7)}, a newer commit: Compared with ${f.slice(0, 7)}: behind by 2 commit(s), so this push is an older commit and does not supersede it`,
    );
    // F keeps its verdict.
    expect(await env.run(newest.id)).toMatchObject({ state: 'done', outcome: 'succeeded' });
  });
});
