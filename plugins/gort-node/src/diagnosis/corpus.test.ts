import fs from 'node:fs';
import path from 'node:path';
import { isFailureCategory } from '@gort-backstage/plugin-gort-common';
import { CorpusCase, evaluateCorpus, formatReport, splitOf } from './corpus';

const cases: CorpusCase[] = JSON.parse(
  fs.readFileSync(path.join(__dirname, '__corpus__', 'messages.json'), 'utf8'),
);

describe('real failure corpus', () => {
  it('is well formed: ids unique, categories valid, sources given, alsoAccepted rare and explained', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
    expect(new Set(cases.map(c => c.id)).size).toBe(cases.length);
    expect(new Set(cases.map(c => c.message)).size).toBe(cases.length);
    for (const c of cases) {
      expect(isFailureCategory(c.category)).toBe(true);
      expect(c.category).not.toBe('unknown');
      expect(c.source.length).toBeGreaterThan(10);
      for (const a of c.alsoAccepted ?? []) {
        expect(isFailureCategory(a.category)).toBe(true);
        expect(a.reason.length).toBeGreaterThan(10);
      }
    }
    const withAlso = cases.filter(c => (c.alsoAccepted ?? []).length > 0);
    expect(withAlso.length / cases.length).toBeLessThanOrEqual(0.1);
  });

  it('splits by a hash of the message text, about 30% held out', () => {
    const held = cases.filter(c => splitOf(c.message) === 'heldout').length;
    expect(held / cases.length).toBeGreaterThan(0.2);
    expect(held / cases.length).toBeLessThan(0.4);
    expect(splitOf('the same text')).toBe(splitOf('the same text'));
  });

  it('classifies the corpus (accuracy printed; unknown counts as wrong)', () => {
    const report = evaluateCorpus(cases);
    // eslint-disable-next-line no-console
    console.log(formatReport(report));
    const rate = (a: { correct: number; total: number }) => a.correct / a.total;
    expect(rate(report.bySplit.heldout)).toBeGreaterThanOrEqual(0.97);
    expect(rate(report.overall)).toBeGreaterThanOrEqual(0.95);
  });
});
