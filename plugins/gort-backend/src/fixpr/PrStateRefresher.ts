import { LoggerService } from '@backstage/backend-plugin-api';
import { RunStore } from '../database/RunStore';
import type { GortScmProvider } from '@gort-backstage/plugin-gort-node';
import { FixPrStore } from './FixPrStore';

/**
 * Reads the live state of GORT's open fix PRs from the SCM and stores it on
 * the PR records and on the runs they answer (scheduled task).
 */
export class PrStateRefresher {
  constructor(
    private readonly options: {
      store: FixPrStore;
      runStore: RunStore;
      scm: GortScmProvider;
      logger: LoggerService;
    },
  ) {}

  /** Returns how many PRs changed state. */
  async refresh(): Promise<number> {
    const { store, runStore, scm, logger } = this.options;
    let changed = 0;
    for (const record of await store.listOpen()) {
      try {
        const [owner, repo] = record.repo.split('/');
        const pr = await (await scm.repository({ owner, repo })).getPullRequest(record.number);
        const state = pr?.state ?? 'closed';
        if (state === 'open') continue;
        await store.setState(record.id, state);
        for (const runId of record.runIds) {
          const run = await runStore.getRun(runId);
          if (run?.fixPr && run.fixPr.number === record.number) await runStore.updateFixPr(runId, { ...run.fixPr, prState: state });
        }
        changed++;
      } catch (error) {
        logger.warn(`Could not refresh GORT fix PR ${record.repo}#${record.number}: ${error}`);
      }
    }
    return changed;
  }
}
