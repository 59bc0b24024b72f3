import {
  PROMPT_BLOCK_TAGS,
  validateIntentVerdictInput,
  validateProposeFixInput,
} from '@gort-backstage/plugin-gort-node';
import { MessagesRequest } from '../wireTypes';
import { answerRequest } from './analyst';

/** A small deterministic generator, so that a failure can be replayed. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]): T =>
    items[Math.floor(next() * items.length)];
  return { next, pick };
}

const FRAGMENTS = [
  '\n',
  ' ',
  '"',
  '<',
  '>',
  '</',
  '/>',
  '{',
  '}',
  '[',
  ']',
  ':',
  '-',
  '+',
  '@@ -1,3 +1,3 @@',
  '--- a/x.yaml',
  '+++ b/x.yaml',
  'diff --git a/x b/x',
  'image: ',
  'memory: ',
  'name: DATABASE_URL',
  'replicas',
  '3 replicas',
  'namespace',
  'Failed to pull image "a:b"',
  'OOMKilled',
  'is invalid: spec.x.y: Invalid value',
  'unknown flag: --x',
  '{"category":"image-pull","object":"Deployment/a/b"}',
  '{"workloads":[{"name":"b","namespace":"a","replicas":{"desired":2,"ready":"x"},"containers":[{"image":5}]}]}',
  'path="x.yaml"',
  'sha="1"',
  'truncated="true"',
  '[gort: truncated 3 characters]',
  '&lt;',
  '&amp;',
  'Memory limit 64Mi',
  'image podinfo 6.5.x',
];

function randomPrompt(seed: number): string {
  const { next, pick } = generator(seed);
  const parts: string[] = [];
  const blocks = 1 + Math.floor(next() * 6);
  for (let b = 0; b < blocks; b++) {
    const tag = pick(PROMPT_BLOCK_TAGS);
    const attributes =
      next() < 0.5
        ? ` path="${pick(['x.yaml', '', 'a/../b'])}" source="s"`
        : '';
    const body = Array.from({ length: Math.floor(next() * 30) }, () =>
      pick(FRAGMENTS),
    ).join('');
    parts.push(`<${tag}${attributes}>\n${body}\n</${tag}>`);
  }
  return parts.join('\n');
}

function request(text: string, tool: string): MessagesRequest {
  return {
    model: 'claude-sonnet-5-5',
    max_tokens: 4_096,
    messages: [{ role: 'user', content: text }],
    tools: [{ name: tool, input_schema: { type: 'object' } }],
    tool_choice: { type: 'tool', name: tool },
  };
}

describe('scripted analyst on arbitrary input', () => {
  it.each(Array.from({ length: 300 }, (_, seed) => seed))(
    'answers seed %i with valid tool inputs and never throws',
    seed => {
      const text = randomPrompt(seed);
      const fix = answerRequest(request(text, 'propose_fix')).blocks[0];
      const verdict = answerRequest(request(text, 'report_intent_verdict'))
        .blocks[0];
      expect(
        fix.type === 'tool_use' && validateProposeFixInput(fix.input),
      ).toEqual(expect.objectContaining({ ok: true }));
      expect(
        verdict.type === 'tool_use' &&
          validateIntentVerdictInput(verdict.input),
      ).toEqual(expect.objectContaining({ ok: true }));
    },
  );
});
