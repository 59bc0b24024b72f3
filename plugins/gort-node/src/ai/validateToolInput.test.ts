import {
  MAX_REPORTED_PROBLEMS,
  validateIntentVerdictInput,
  validateProposeFixInput,
} from './validateToolInput';
import { PROPOSE_FIX_TOOL, REPORT_INTENT_VERDICT_TOOL } from './tools';

const goodFix = {
  summary: 'Restore the podinfo image tag 6.5.4',
  rootCause:
    'The push changed the image to 6.5.99, which does not exist in the registry.',
  category: 'image-pull',
  confidence: 0.9,
  edits: [
    {
      kind: 'replace',
      path: 'apps/podinfo/deployment.yaml',
      search: 'image: ghcr.io/stefanprodan/podinfo:6.5.99',
      replace: 'image: ghcr.io/stefanprodan/podinfo:6.5.4',
    },
    { kind: 'create', path: 'docs/plans/fix.md', content: '# Fix\n' },
  ],
  planDocument: {
    title: 'Restore podinfo image',
    body: 'The tag 6.5.99 does not exist.',
  },
};

describe('validateProposeFixInput', () => {
  it('accepts a well-formed proposal', () => {
    const result = validateProposeFixInput(goodFix);
    expect(result).toEqual({ ok: true, value: goodFix });
  });

  it('accepts a not-fixable answer without edits', () => {
    const result = validateProposeFixInput({
      ...goodFix,
      category: undefined,
      edits: [],
      notFixableInGit:
        'The GitRepository secret is wrong; rotate the deploy key.',
    });
    expect(result.ok).toBe(true);
  });

  it('lists precise problems', () => {
    const result = validateProposeFixInput({
      summary: '',
      rootCause: 42,
      category: 'broken-stuff',
      confidence: 1.5,
      edits: [
        { kind: 'replace', path: '/etc/passwd', search: 'a', replace: 'a' },
        { kind: 'delete', path: 'x' },
        {
          kind: 'create',
          path: 'apps/../.github/workflows/x.yml',
          content: 'on: push',
          mode: '755',
        },
      ],
      extra: true,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems).toEqual([
      'extra: is not an allowed property',
      'summary: must not be empty',
      'rootCause: must be a string, got a number',
      'category: must be a failure taxonomy id, got "broken-stuff"',
      'confidence: must be between 0 and 1, got 1.5',
      'edits[0]: search and replace are identical, the edit changes nothing',
      'edits[0].path: must be relative to the repository root',
      'edits[1].kind: must be "replace" or "create", got "delete"',
      'edits[2].mode: is not an allowed property',
      'edits[2].path: must not contain "." or ".." segments',
      'planDocument: is required',
    ]);
  });

  it('rejects edits together with notFixableInGit, and duplicate creations', () => {
    const result = validateProposeFixInput({
      ...goodFix,
      edits: [goodFix.edits[1], goodFix.edits[1]],
      notFixableInGit: 'cluster capacity',
    });
    expect(!result.ok && result.problems).toEqual([
      'edits[1].path: "docs/plans/fix.md" is already edited by an earlier edit',
      'notFixableInGit: is set, so edits must be empty',
    ]);
  });

  it('bounds the number of problems reported', () => {
    const edits = Array.from({ length: 20 }, () => ({
      kind: 'replace',
      path: '',
      search: '',
    }));
    const result = validateProposeFixInput({ ...goodFix, edits });
    expect(result.ok).toBe(false);
    const problems = !result.ok ? result.problems : [];
    expect(problems).toHaveLength(MAX_REPORTED_PROBLEMS + 1);
    expect(problems[MAX_REPORTED_PROBLEMS]).toMatch(
      /^… and \d+ more problems$/,
    );
  });

  it('rejects values that are not objects', () => {
    expect(validateProposeFixInput('fix it')).toEqual({
      ok: false,
      problems: ['must be an object, got a string'],
    });
    expect(validateProposeFixInput(null).ok).toBe(false);
  });

  it('enforces the size limits of the schema', () => {
    const result = validateProposeFixInput({
      ...goodFix,
      summary: 'x'.repeat(2_001),
    });
    expect(!result.ok && result.problems).toEqual([
      'summary: must have at most 2000 characters, got 2001',
    ]);
  });
});

describe('validateIntentVerdictInput', () => {
  const goodVerdict = {
    met: false,
    confidence: 0.8,
    findings: [
      {
        expectation: '3 replicas',
        observed: '1 of 1 ready',
        status: 'not_met',
      },
      {
        expectation: 'image podinfo 6.5.x',
        observed: 'podinfo:6.5.4',
        status: 'met',
      },
    ],
  };

  it('accepts a well-formed verdict', () => {
    expect(validateIntentVerdictInput(goodVerdict)).toEqual({
      ok: true,
      value: goodVerdict,
    });
  });

  it('lists precise problems', () => {
    const result = validateIntentVerdictInput({
      met: true,
      confidence: -1,
      findings: [
        { expectation: '3 replicas', observed: '', status: 'not_met' },
        { expectation: 'x', observed: 'y', status: 'probably' },
        'met',
      ],
    });
    expect(!result.ok && result.problems).toEqual([
      'confidence: must be between 0 and 1, got -1',
      'findings[0].observed: must not be empty',
      'findings[1].status: must be one of met, not_met, unknown; got "probably"',
      'findings[2]: must be an object, got a string',
      'met: is true although a finding is not_met',
    ]);
  });

  it('requires all fields', () => {
    expect(validateIntentVerdictInput({})).toEqual({
      ok: false,
      problems: [
        'met: is required',
        'confidence: is required',
        'findings: is required',
      ],
    });
  });
});

describe('tool schemas', () => {
  it('declare the required properties the validators enforce', () => {
    expect(PROPOSE_FIX_TOOL.input_schema.required).toEqual([
      'summary',
      'rootCause',
      'confidence',
      'edits',
      'planDocument',
    ]);
    expect(REPORT_INTENT_VERDICT_TOOL.input_schema.required).toEqual([
      'met',
      'confidence',
      'findings',
    ]);
    expect(JSON.parse(JSON.stringify(PROPOSE_FIX_TOOL))).toEqual(
      PROPOSE_FIX_TOOL,
    );
  });
});
