import type { Run, Watcher } from '@gort-backstage/plugin-gort-common';
import type { AiProvider, ScmRepository } from '@gort-backstage/plugin-gort-node';
import { AiClient } from '../ai/AiClient';
import { TokenBudget } from '../ai/TokenBudget';
import { IntentValidator } from './IntentValidator';

const run = {
  id: 'run-1',
  entityRef: 'component:default/podinfo',
  repo: 'acme/fleet',
  branch: 'main',
  sha: 'b'.repeat(40),
  beforeSha: 'a'.repeat(40),
  objects: [],
} as unknown as Run;
const watcher: Watcher = { entityRef: run.entityRef, objects: [], docsPaths: ['docs/plans/'], mode: 'fix-pr', problems: [], updatedAt: '' };

describe('IntentValidator', () => {
  const calls: string[] = [];
  const provider: AiProvider = {
    name: 'recording',
    model: 'm',
    callTool: async () => {
      calls.push('callTool');
      throw new Error('the AI must not be asked without plans');
    },
  };
  const validator = new IntentValidator({ aiClient: new AiClient({ provider, maxTokens: 1000 }), readerFor: () => undefined });
  const validate = (repo: Partial<ScmRepository> | undefined, repoError?: string) =>
    validator.validate({ run, watcher, targets: [], repo: repo as ScmRepository, repoError, budget: new TokenBudget(10_000), progress: async () => {} });

  it('shows an SCM refusal on the verdict instead of "no plan document is relevant"', async () => {
    const refused = Object.assign(new Error('Resource not accessible by integration'), { status: 403 });
    const outcome = await validate({
      fullName: 'acme/fleet',
      compare: async () => [],
      listFiles: async () => Promise.reject(refused),
    });
    expect(outcome.intent).toMatchObject({
      mode: 'runtime-health',
      error: 'could not read the plan documents from acme/fleet: Resource not accessible by integration: runtime health only',
    });
    expect(calls).toEqual([]);
  });

  it('shows why no repository could be opened', async () => {
    const outcome = await validate(undefined, 'could not open acme/fleet on the SCM: No integrations.github entry for host ghe.acme.test');
    expect(outcome.intent.error).toBe('could not open acme/fleet on the SCM: No integrations.github entry for host ghe.acme.test: runtime health only');
  });

  it('still says when the repository simply has no relevant plan', async () => {
    const outcome = await validate({ fullName: 'acme/fleet', compare: async () => [], listFiles: async () => ['README.md'] });
    expect(outcome.intent.error).toBe('no plan document is relevant to this push: runtime health only');
  });
});
