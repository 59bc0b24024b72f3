/*
 * `npm run bench`: the webhook and runs API figures on SQLite and on
 * PostgreSQL (when BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is
 * set), then the pipeline figures (detection delay, Kubernetes load),
 * then the Kubernetes load across three clusters from 10 to 1,000 watchers.
 * GORT_BENCH=ingestion, =pipeline or =multicluster runs one part only
 * (=webhook: the webhook figures of the ingestion part, without seeding
 * runs); GORT_BENCH_ENGINES (e.g. `postgres`) picks the engines;
 * GORT_BENCH_RUNS_SQLITE and GORT_BENCH_RUNS_POSTGRES change how many runs
 * are seeded.
 */
import { engineFigures, EngineFigures, printSummary } from './ingestion.bench';
import { multiClusterFigures } from './multiCluster.bench';
import { pipelineFigures } from './pipeline.bench';

async function main() {
  const part = process.env.GORT_BENCH ?? 'all';
  if (part === 'all' || part === 'ingestion' || part === 'webhook') {
    const engines = (process.env.GORT_BENCH_ENGINES ?? 'sqlite,postgres').split(',').map(e => e.trim());
    const runsApi = part !== 'webhook';
    const figures: EngineFigures[] = [];
    if (engines.includes('sqlite')) {
      figures.push(await engineFigures('sqlite', Number(process.env.GORT_BENCH_RUNS_SQLITE ?? 100_000), runsApi));
    }
    if (!engines.includes('postgres')) {
      // not asked for
    } else if (process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING) {
      figures.push(await engineFigures('postgres', Number(process.env.GORT_BENCH_RUNS_POSTGRES ?? 1_000_000), runsApi));
    } else {
      console.log('PostgreSQL figures skipped: BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set');
    }
    printSummary(figures);
  }
  if (part === 'all' || part === 'pipeline') await pipelineFigures();
  if (part === 'all' || part === 'multicluster') await multiClusterFigures();
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
