import { parseDuration } from '@gort-backstage/plugin-gort-common';
import { execFile } from 'node:child_process';
import { UsageError } from '../../errors';
import type { CliIo } from '../../io';
import { COLOR, PLAIN } from '../diagnose/report';
import { createGortApi, GortApi, GortApiError } from './client';
import {
  Git,
  gitConfig,
  processGit,
  pushFollowAlias,
  resolveCommit,
} from './git';
import { EntityJourney, journeyOf, latestPerEntity } from './journey';
import {
  formatChanges,
  formatFrame,
  formatSummary,
  FOLLOW_JSON_SCHEMA,
  FollowDocument,
} from './render';
import { exitCodeOf, FOLLOW_EXIT, followResult, FollowResult } from './result';

export interface FollowArgs {
  ref?: string;
  backendUrl?: string;
  tokenCommand?: string;
  /** How long to wait for the first run to appear (a late webhook). */
  waitForRuns: string;
  /** How long to follow in all. */
  timeout: string;
  pollInterval: string;
  json: boolean;
  install: boolean;
  alias: string;
  gortCommand: string;
}

/** What `gort follow` touches, injected so it is testable. */
export interface FollowEnvironment {
  io: CliIo;
  git: Git;
  /** Runs a shell command (the token command); resolves with its stdout. */
  shell(command: string): Promise<string>;
  api(backendUrl: string, token: string): GortApi;
  now(): number;
  sleep(ms: number): Promise<void>;
}

export function processFollowEnvironment(io: CliIo): FollowEnvironment {
  return {
    io,
    git: processGit(),
    shell: command =>
      new Promise((resolve, reject) => {
        execFile(
          'sh',
          ['-c', command],
          { timeout: 60_000 },
          (error, stdout, stderr) => {
            if (error)
              reject(
                new Error((stderr || error.message).trim().split('\n')[0]),
              );
            else resolve(stdout.trim());
          },
        );
      }),
    api: (backendUrl, token) => createGortApi({ backendUrl, token }),
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
  };
}

function durationOption(name: string, value: string): number {
  const ms = parseDuration(value);
  if (ms === undefined)
    throw new UsageError(
      `--${name}: expected a duration such as 30s, 2m or 1h30m, not "${value}"`,
    );
  return ms;
}

async function settings(args: FollowArgs, env: FollowEnvironment) {
  const backendUrl =
    args.backendUrl ??
    env.io.env.GORT_BACKEND_URL ??
    (await gitConfig(env.git, 'gort.backendUrl'));
  if (!backendUrl) {
    throw new UsageError(
      'no backend: pass --backend-url, set GORT_BACKEND_URL, or `git config gort.backendUrl https://backstage.example.com`',
    );
  }
  if (!/^https?:\/\//.test(backendUrl))
    throw new UsageError(
      `--backend-url: expected an http(s) URL, not "${backendUrl}"`,
    );
  let token = env.io.env.GORT_TOKEN;
  const tokenCommand =
    args.tokenCommand ??
    env.io.env.GORT_TOKEN_COMMAND ??
    (await gitConfig(env.git, 'gort.tokenCommand'));
  if (!token && tokenCommand) {
    try {
      token = await env.shell(tokenCommand);
    } catch (error) {
      throw new GortApiError(
        `the token command failed: ${(error as Error).message}`,
        'auth',
      );
    }
  }
  if (!token) {
    throw new GortApiError(
      'no token: run `backstage-cli auth login --backend-url <url>` once, then set GORT_TOKEN="$(backstage-cli auth print-token)" or --token-command "backstage-cli auth print-token"',
      'auth',
    );
  }
  return { backendUrl, token };
}

async function install(
  args: FollowArgs,
  env: FollowEnvironment,
): Promise<number> {
  const { io, git } = env;
  if (!/^[A-Za-z][A-Za-z0-9-]*$/.test(args.alias))
    throw new UsageError(`--alias: not a git alias name: "${args.alias}"`);
  try {
    await git(['rev-parse', '--git-dir']);
  } catch {
    throw new UsageError('--install: not in a git repository');
  }
  await git([
    'config',
    '--local',
    `alias.${args.alias}`,
    pushFollowAlias(args.gortCommand),
  ]);
  if (args.backendUrl)
    await git(['config', '--local', 'gort.backendUrl', args.backendUrl]);
  if (args.tokenCommand)
    await git(['config', '--local', 'gort.tokenCommand', args.tokenCommand]);
  const lines = [
    `Installed: \`git ${args.alias} [push arguments]\` pushes, then runs \`${args.gortCommand} follow\` for HEAD.`,
    ...(args.backendUrl ? [`gort.backendUrl = ${args.backendUrl}`] : []),
    ...(args.tokenCommand ? [`gort.tokenCommand = ${args.tokenCommand}`] : []),
    `Remove it with: git config --local --unset alias.${args.alias}`,
  ];
  io.stdout.write(`${lines.join('\n')}\n`);
  return FOLLOW_EXIT.succeeded;
}

/** `gort follow`: the live journey of a pushed commit; returns the exit code. */
export async function runFollow(
  args: FollowArgs,
  env: FollowEnvironment,
): Promise<number> {
  if (args.install) return install(args, env);
  const { io } = env;
  const waitForRunsMs = durationOption('wait-for-runs', args.waitForRuns);
  const timeoutMs = durationOption('timeout', args.timeout);
  const pollMs = durationOption('poll-interval', args.pollInterval);
  const ref = args.ref ?? 'HEAD';
  let sha: string;
  try {
    sha = await resolveCommit(env.git, ref);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  try {
    const { backendUrl, token } = await settings(args, env);
    return await follow(
      sha,
      env.api(backendUrl, token),
      { waitForRunsMs, timeoutMs, pollMs, json: args.json },
      env,
    );
  } catch (error) {
    if (error instanceof GortApiError) {
      io.stderr.write(`gort: ${error.message}\n`);
      return FOLLOW_EXIT.unreachable;
    }
    throw error;
  }
}

const MAX_CONSECUTIVE_NETWORK_ERRORS = 3;

async function follow(
  sha: string,
  api: GortApi,
  options: {
    waitForRunsMs: number;
    timeoutMs: number;
    pollMs: number;
    json: boolean;
  },
  env: FollowEnvironment,
): Promise<number> {
  const { io } = env;
  const tty = Boolean(io.stdout.isTTY) && !options.json;
  const style = tty && !io.env.NO_COLOR ? COLOR : PLAIN;
  const start = env.now();
  const journeys = new Map<string, EntityJourney>();
  let drawnLines = 0;
  let networkErrors = 0;
  let answered = false;
  let result: FollowResult | undefined;
  if (!options.json && !tty) io.stdout.write(`gort follow ${sha}\n`);

  for (;;) {
    const previous = new Map(journeys);
    try {
      const { items } = await api.commitRuns(sha);
      for (const summary of latestPerEntity(items)) {
        const known = journeys.get(summary.entityRef);
        if (known?.runId === summary.id && known.finished) continue;
        const run = await api.run(summary.id);
        if (run) journeys.set(run.entityRef, journeyOf(run));
      }
      networkErrors = 0;
      answered = true;
    } catch (error) {
      // a backend that answered before may blip (a restart, a deploy); one
      // that never answered is a wrong URL or down: exit 2 at once
      const transient =
        answered &&
        error instanceof GortApiError &&
        (error.kind === 'network' || (error.status ?? 0) >= 500);
      networkErrors += 1;
      if (!transient || networkErrors >= MAX_CONSECUTIVE_NETWORK_ERRORS)
        throw error;
    }
    const elapsed = env.now() - start;
    const list = [...journeys.values()].sort((a, b) =>
      a.entityRef.localeCompare(b.entityRef),
    );
    if (tty) {
      const frame = formatFrame(
        sha,
        list,
        style,
        `waiting for runs (up to ${Math.round(
          options.waitForRunsMs / 1000,
        )}s for the webhook)…`,
      );
      // cursor up to the first line of the previous frame, clear to the end
      io.stdout.write(
        `${drawnLines > 0 ? `\u001b[${drawnLines}F\u001b[0J` : ''}${frame}`,
      );
      drawnLines = frame.split('\n').length - 1;
    } else if (!options.json) {
      io.stdout.write(formatChanges(previous, list));
    }
    result = followResult(
      list,
      list.length === 0
        ? elapsed >= options.waitForRunsMs
        : elapsed >= options.timeoutMs,
    );
    if (result) {
      const exitCode = exitCodeOf(result);
      if (options.json) {
        const document: FollowDocument = {
          schema: FOLLOW_JSON_SCHEMA,
          sha,
          result,
          exitCode,
          elapsedSeconds: Math.round(elapsed / 100) / 10,
          entities: list,
        };
        io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
      } else {
        io.stdout.write(formatSummary(result, sha, list, style));
      }
      return exitCode;
    }
    await env.sleep(options.pollMs);
  }
}
