import fs from 'node:fs';
import path from 'node:path';
import { classify } from './classify';
import { RULE_EXAMPLES } from './rules.examples';
import { RULES } from './rules';
import { formatSource, TemplateSource } from './templates';

/** `repo@commit:path#Lline` → the cited upstream line, as committed. */
const extracts: Record<string, string> = JSON.parse(
  fs.readFileSync(
    path.join(__dirname, '__templates__', 'extracts.json'),
    'utf8',
  ),
);

/** The literal pieces of a template fragment between its format verbs. */
function literalPieces(fragment: string): string[] {
  return fragment
    .split(/%[-+# 0-9.]*[a-zA-Z]/)
    .map(p => p.trim())
    .filter(p => p.length >= 3);
}

const messageRules = RULES.filter(r => r.pattern || r.sources.length > 0);

describe('rules cite the templates that write their messages', () => {
  it.each(messageRules.map(r => [r.name, r] as const))(
    '%s: cites at least one upstream line, each quoting its fragment',
    (_name, rule) => {
      expect(rule.sources.length).toBeGreaterThan(0);
      for (const source of rule.sources) {
        expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
        expect(source.line).toBeGreaterThan(0);
        const line = extracts[formatSource(source)];
        expect({ source: formatSource(source), line }).toEqual({
          source: formatSource(source),
          line: expect.stringContaining(source.fragment),
        });
      }
    },
  );

  it.each(messageRules.map(r => [r.name, r] as const))(
    '%s: its examples are classified by it and contain every cited fragment',
    (name, rule) => {
      const examples = RULE_EXAMPLES[name] ?? [];
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const found = classify({ ...example, subject: 'Kind/ns/subject' });
        expect({ message: example.message, rule: found?.rule.name }).toEqual({
          message: example.message,
          rule: name,
        });
      }
      const text = examples
        .map(e => `${e.message}\n${e.reason ?? ''}`)
        .join('\n')
        .toLowerCase();
      for (const source of rule.sources as TemplateSource[]) {
        for (const piece of literalPieces(source.fragment)) {
          expect({
            fragment: source.fragment,
            piece,
            found: text.includes(piece.toLowerCase()),
          }).toEqual({
            fragment: source.fragment,
            piece,
            found: true,
          });
        }
      }
    },
  );

  it('has no examples for rules that do not exist', () => {
    const names = new Set(RULES.map(r => r.name));
    expect(Object.keys(RULE_EXAMPLES).filter(n => !names.has(n))).toEqual([]);
  });

  it('keeps no extract that no rule cites', () => {
    const cited = new Set(
      RULES.flatMap(r => r.sources.map(s => formatSource(s))),
    );
    expect(Object.keys(extracts).filter(k => !cited.has(k))).toEqual([]);
  });
});

describe('reason rules name reasons the Flux controllers set', () => {
  /** Every condition reason in the controllers' sources, extracted by the conformance suite. */
  const upstreamReasons: Record<string, string[]> = JSON.parse(
    fs.readFileSync(
      path.join(
        __dirname,
        '..',
        'reconcile',
        '__conformance__',
        'upstream-reasons.json',
      ),
      'utf8',
    ),
  );
  const fluxReasonRules = RULES.filter(
    r => r.reasons && !(r.scopes ?? []).every(s => s === 'workload'),
  );

  it.each(fluxReasonRules.map(r => [r.name, r] as const))(
    '%s: its reasons appear in upstream-reasons.json',
    (_name, rule) => {
      expect(
        (rule.reasons ?? []).filter(reason => !(reason in upstreamReasons)),
      ).toEqual([]);
    },
  );
});
