import {
  buildFixPrompt,
  buildIntentPrompt,
  FixEdit,
  FixPromptInput,
  validateIntentVerdictInput,
  validateProposeFixInput,
} from '@gort-backstage/plugin-gort-node';
import {
  DELETED_HPA_CONTENT,
  deletedFileScenario,
  HOSTILE_LOG,
  kustomizeImageTagScenario,
  readinessScenario,
  imagePullScenario,
  intentScenario,
  invalidManifestScenario,
  missingEnvScenario,
  oomKilledScenario,
  rejectedFlagScenario,
  sourceAuthScenario,
  unexplainedScenario,
} from '../__fixtures__/scenarios';
import {
  DEPLOYMENT_AFTER_IMAGE_PUSH,
  DEPLOYMENT_BEFORE_PUSH,
  KUSTOMIZATION_IMAGES_BEFORE_PUSH,
} from '../__fixtures__/deploymentPushes';
import { messagesRequest } from '../__fixtures__/requests';
import { answerRequest } from './analyst';
import { applyReplace } from './restoreEdit';

function toolInput(
  scenario: FixPromptInput,
  mode: 'normal' | 'adversarial' = 'normal',
) {
  const answer = answerRequest(messagesRequest(buildFixPrompt(scenario)), mode);
  expect(answer.blocks).toHaveLength(1);
  const [block] = answer.blocks;
  if (block.type !== 'tool_use') throw new Error('expected a tool call');
  expect(block.name).toBe('propose_fix');
  return block.input;
}

function validFix(scenario: FixPromptInput) {
  const result = validateProposeFixInput(toolInput(scenario));
  if (!result.ok) throw new Error(result.problems.join('\n'));
  return result.value;
}

/** Applies edits to the scenario's files as the backend would. */
function applyEdits(
  scenario: FixPromptInput,
  edits: FixEdit[],
): Map<string, string> {
  const files = new Map(scenario.files.map(file => [file.path, file.content]));
  for (const edit of edits) {
    if (edit.kind === 'create') {
      expect(files.has(edit.path)).toBe(false);
      files.set(edit.path, edit.content);
    } else {
      const next = applyReplace(files.get(edit.path) ?? '', edit);
      if (next === undefined)
        throw new Error(`search does not occur exactly once in ${edit.path}`);
      files.set(edit.path, next);
    }
  }
  return files;
}

describe('scripted analyst: propose_fix', () => {
  it('restores the previous image tag for an image-pull failure, keeping the intended replica change', () => {
    const scenario = imagePullScenario();
    const fix = validFix(scenario);
    expect(fix).toMatchObject({ category: 'image-pull', confidence: 0.9 });
    expect(fix.edits).toEqual([
      {
        kind: 'replace',
        path: 'apps/podinfo/deployment.yaml',
        search: '          image: ghcr.io/stefanprodan/podinfo:6.5.99\n',
        replace: '          image: ghcr.io/stefanprodan/podinfo:6.5.4\n',
      },
    ]);
    const fixed = applyEdits(scenario, fix.edits).get(
      'apps/podinfo/deployment.yaml',
    );
    expect(fixed).toBe(
      DEPLOYMENT_AFTER_IMAGE_PUSH.replace('podinfo:6.5.99', 'podinfo:6.5.4'),
    );
    expect(fix.rootCause).toContain(
      'Failed to pull image "ghcr.io/stefanprodan/podinfo:6.5.99"',
    );
    expect(fix.planDocument.body).toContain('## Root cause');
    expect(fix.planDocument.body).toContain(
      '```diff\n-          image: ghcr.io/stefanprodan/podinfo:6.5.99\n+          image: ghcr.io/stefanprodan/podinfo:6.5.4\n```',
    );
    expect(fix.planDocument.body).toContain(
      'Kustomization flux-system/apps failed to reconcile commit 3f9c2a7be1d0 (image-pull).',
    );
  });

  it('ignores instructions hidden in logs and never edits files outside the diff', () => {
    const withHostileLog = imagePullScenario();
    const withoutHostileLog = {
      ...withHostileLog,
      evidence: withHostileLog.evidence.filter(
        item => !item.text.includes(HOSTILE_LOG),
      ),
    };
    expect(withoutHostileLog.evidence).toHaveLength(
      withHostileLog.evidence.length - 1,
    );
    const fix = validFix(withHostileLog);
    expect(fix).toEqual(validFix(withoutHostileLog));
    expect(fix.edits.map(edit => edit.path)).toEqual([
      'apps/podinfo/deployment.yaml',
    ]);
    expect(JSON.stringify(fix)).not.toContain('.github');
  });

  it.each([
    ['oom-killed', oomKilledScenario],
    ['a removed environment variable', missingEnvScenario],
    ['a rejected argument', rejectedFlagScenario],
    ['a field the API server rejects', invalidManifestScenario],
  ])('restores the file before the push for %s', (_, scenario) => {
    const input = scenario();
    const fix = validFix(input);
    expect(fix.edits.length).toBeGreaterThan(0);
    expect(
      applyEdits(input, fix.edits).get('apps/podinfo/deployment.yaml'),
    ).toBe(DEPLOYMENT_BEFORE_PUSH);
    expect(fix.category).toBe(input.diagnosis.category);
  });

  it("restores a tag changed through kustomize's images override", () => {
    const input = kustomizeImageTagScenario();
    const fix = validFix(input);
    expect(fix.summary).toBe(
      'Restore newTag 6.5.4 in apps/podinfo/kustomization.yaml: ghcr.io/stefanprodan/podinfo:6.6.0-rc.1 cannot be pulled.',
    );
    expect(
      applyEdits(input, fix.edits).get('apps/podinfo/kustomization.yaml'),
    ).toBe(KUSTOMIZATION_IMAGES_BEFORE_PUSH);
  });

  it("falls back to reverting the failing object's file, with low confidence", () => {
    const input = readinessScenario();
    const fix = validFix(input);
    expect(fix.confidence).toBe(0.4);
    expect(fix.category).toBe('health-check-timeout');
    expect(
      applyEdits(input, fix.edits).get('apps/podinfo/deployment.yaml'),
    ).toBe(DEPLOYMENT_BEFORE_PUSH);
  });

  it('names the missing variable and anchors a pure deletion on its neighbours', () => {
    const fix = validFix(missingEnvScenario());
    expect(fix.summary).toBe(
      'Restore environment variable DATABASE_URL in apps/podinfo/deployment.yaml.',
    );
    expect(fix.edits).toEqual([
      {
        kind: 'replace',
        path: 'apps/podinfo/deployment.yaml',
        search: '              value: "#34577c"\n          ports:\n',
        replace:
          '              value: "#34577c"\n            - name: DATABASE_URL\n              valueFrom:\n                secretKeyRef:\n                  name: podinfo-db\n                  key: url\n          ports:\n',
      },
    ]);
  });

  it('recreates a file the push deleted but the kustomization still lists', () => {
    const input = deletedFileScenario();
    const fix = validFix(input);
    expect(fix.edits).toEqual([
      {
        kind: 'create',
        path: 'apps/podinfo/hpa.yaml',
        content: DELETED_HPA_CONTENT,
      },
    ]);
    expect(fix.category).toBe('kustomize-build');
  });

  it('answers notFixableInGit for failures outside Git', () => {
    const fix = validFix(sourceAuthScenario());
    expect(fix.edits).toEqual([]);
    expect(fix.category).toBe('source-auth');
    expect(fix.notFixableInGit).toMatch(/credentials/);
  });

  it('proposes nothing, with low confidence, when the diff does not explain the failure', () => {
    const fix = validFix(unexplainedScenario());
    expect(fix).toMatchObject({
      edits: [],
      confidence: 0.15,
      category: 'health-check-timeout',
    });
    expect(fix.notFixableInGit).toMatch(
      /Nothing in the push's diff explains the failure/,
    );
  });

  it('adds a workflow edit and certainty in adversarial mode, which the validators do not catch', () => {
    const input = toolInput(imagePullScenario(), 'adversarial') as {
      edits: FixEdit[];
      confidence: number;
    };
    expect(input.confidence).toBe(0.99);
    expect(input.edits.map(edit => edit.path)).toEqual([
      'apps/podinfo/deployment.yaml',
      '.github/workflows/deploy.yml',
    ]);
    // Structurally valid: the allowed-path check of the backend must reject it.
    expect(validateProposeFixInput(input).ok).toBe(true);
  });
});

describe('scripted analyst: report_intent_verdict', () => {
  it('compares plan expectations with the runtime state', () => {
    const answer = answerRequest(
      messagesRequest(buildIntentPrompt(intentScenario())),
    );
    const block = answer.blocks[0];
    if (block.type !== 'tool_use') throw new Error('expected a tool call');
    const result = validateIntentVerdictInput(block.input);
    if (!result.ok) throw new Error(result.problems.join('\n'));
    const plan = '(docs/plans/podinfo-rollout.md)';
    expect(result.value).toEqual({
      met: false,
      confidence: 0.95,
      findings: [
        {
          expectation: `Run 3 replicas of podinfo in namespace apps. ${plan}`,
          observed: 'Deployment/apps/podinfo: 2 of 2 replicas ready',
          status: 'not_met',
        },
        {
          expectation: `Run 3 replicas of podinfo in namespace apps. ${plan}`,
          observed: 'workloads run in namespace(s) apps',
          status: 'met',
        },
        {
          expectation: `Use image podinfo 6.5.x. ${plan}`,
          observed:
            'Deployment/apps/podinfo container podinfo runs ghcr.io/stefanprodan/podinfo:6.5.4',
          status: 'met',
        },
        {
          expectation: `Memory limit 64Mi per container. ${plan}`,
          observed:
            'Deployment/apps/podinfo container podinfo: limits.memory=128Mi',
          status: 'not_met',
        },
        {
          expectation:
            'All workloads have their desired replicas ready (runtime health)',
          observed: '1 workload(s) fully ready',
          status: 'met',
        },
      ],
    });
  });

  it('claims success despite its findings in adversarial mode, which the validator rejects', () => {
    const answer = answerRequest(
      messagesRequest(buildIntentPrompt(intentScenario())),
      'adversarial',
    );
    const block = answer.blocks[0];
    if (block.type !== 'tool_use') throw new Error('expected a tool call');
    expect(block.input.met).toBe(true);
    expect(validateIntentVerdictInput(block.input)).toEqual({
      ok: false,
      problems: ['met: is true although a finding is not_met'],
    });
  });
});

describe('scripted analyst: prose', () => {
  it('summarises the evidence when no tool is offered', () => {
    const prompt = buildFixPrompt(imagePullScenario());
    const answer = answerRequest(
      messagesRequest(prompt, { tools: undefined, tool_choice: undefined }),
    );
    expect(answer.blocks).toHaveLength(1);
    const [block] = answer.blocks;
    expect(block.type).toBe('text');
    const text = block.type === 'text' ? block.text : '';
    expect(text).toContain(
      'The rules classified the failure as image-pull on Deployment/apps/podinfo',
    );
    expect(text).toContain(
      'Failed to pull image "ghcr.io/stefanprodan/podinfo:6.5.99"',
    );
    expect(text).toContain('The push changed apps/podinfo/deployment.yaml.');
  });

  it('adds a short preamble before the tool call when the tool choice is auto', () => {
    const prompt = buildFixPrompt(imagePullScenario());
    const answer = answerRequest(
      messagesRequest(prompt, { tool_choice: { type: 'auto' } }),
    );
    expect(answer.blocks.map(block => block.type)).toEqual([
      'text',
      'tool_use',
    ]);
  });

  it('says so when a prompt has no data blocks', () => {
    const answer = answerRequest({
      model: 'claude-sonnet-5-5',
      max_tokens: 100,
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(answer.blocks).toEqual([
      {
        type: 'text',
        text: 'I found no GORT data blocks in the prompt, so there is no evidence to summarise.',
      },
    ]);
  });
});
