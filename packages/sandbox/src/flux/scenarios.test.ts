import { SCENARIOS, ScenarioNotApplicable } from './scenarios';
import { readRepoFiles } from './seed';

describe('scenarios', () => {
  it('each breaking scenario changes the seed and names a category', async () => {
    const seed = await readRepoFiles();
    for (const scenario of Object.values(SCENARIOS)) {
      const changed = scenario.apply(seed, { seed });
      if (scenario.name === 'fix') {
        expect(changed).toEqual(seed);
        continue;
      }
      expect(changed).not.toEqual(seed);
      expect(scenario.category).toBeDefined();
      expect(scenario.commitMessage.length).toBeGreaterThan(5);
    }
  });

  it('refuses to apply where there is nothing to change', async () => {
    const seed = await readRepoFiles();
    const broken = SCENARIOS['invalid-field'].apply(seed, { seed });
    expect(() => SCENARIOS['invalid-field'].apply(broken, { seed })).toThrow(ScenarioNotApplicable);
  });
});
