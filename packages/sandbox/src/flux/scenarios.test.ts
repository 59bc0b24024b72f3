import { SCENARIOS, ScenarioNotApplicable } from './scenarios';
import { readRepoFiles } from './seed';

describe('scenarios', () => {
  it('each breaking scenario changes the seed and names a category', async () => {
    const seed = await readRepoFiles();
    for (const scenario of Object.values(SCENARIOS).filter(
      s => s.name !== 'fix' && !s.succeeds,
    )) {
      const changed = scenario.apply(seed, { seed });
      expect(changed).not.toEqual(seed);
      expect(scenario.category).toBeDefined();
      expect(scenario.commitMessage.length).toBeGreaterThan(5);
    }
  });

  it('each succeeding scenario changes the seed and names no category', async () => {
    const seed = await readRepoFiles();
    const succeeding = Object.values(SCENARIOS).filter(s => s.succeeds);
    expect(succeeding.length).toBeGreaterThan(0);
    for (const scenario of succeeding) {
      expect(scenario.apply(seed, { seed })).not.toEqual(seed);
      expect(scenario.category).toBeUndefined();
    }
  });

  it('fix restores the seed', async () => {
    const seed = await readRepoFiles();
    const broken = SCENARIOS.oom.apply(seed, { seed });
    expect(SCENARIOS.fix.apply(broken, { seed })).toEqual(seed);
  });

  it('refuses to apply where there is nothing to change', async () => {
    const seed = await readRepoFiles();
    const broken = SCENARIOS['invalid-field'].apply(seed, { seed });
    expect(() => SCENARIOS['invalid-field'].apply(broken, { seed })).toThrow(
      ScenarioNotApplicable,
    );
  });
});
