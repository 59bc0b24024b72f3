import { resolve } from 'node:path';
import { SCENARIOS } from '../flux';
import { DEMO_CLUSTERS, DEMO_REPO, SANDBOX_DEFAULTS, startSandbox } from '../sandbox';
import { demoPush } from './demoPush';

const USAGE = `usage:
  gort-sandbox start            run the Kubernetes, GitHub and Anthropic stand-ins
  gort-sandbox push SCENARIO    commit a scenario to the demo repository and push it

environment:
  GORT_SANDBOX_DATA      data folder (default .sandbox-data in the repository)
  GORT_SANDBOX_WEBHOOK   where push webhooks go (default ${SANDBOX_DEFAULTS.webhookUrl})

scenarios: ${Object.keys(SCENARIOS).join(', ')}
`;

function dataDir(): string {
  // eslint-disable-next-line no-restricted-syntax
  return process.env.GORT_SANDBOX_DATA ?? resolve(__dirname, '..', '..', '..', '..', '.sandbox-data');
}

async function start(): Promise<number> {
  const sandbox = await startSandbox({
    dataDir: dataDir(),
    webhook: {
      url: process.env.GORT_SANDBOX_WEBHOOK ?? SANDBOX_DEFAULTS.webhookUrl,
      secret: SANDBOX_DEFAULTS.webhookSecret,
    },
    kubeTls: true,
    // As app-config.yaml names them: demo in gort.clusters, staging and prod through kubernetes.clusterLocatorMethods.
    clusters: DEMO_CLUSTERS,
  });
  process.stdout.write(
    [
      'GORT sandbox is running:',
      ...sandbox.clusters.map(
        c => `  Kubernetes API   ${c.kubeUrl}  cluster ${c.name}, Flux on ${c.path} (token ${sandbox.token}; kubeconfig ${sandbox.kubeconfigPath})`,
      ),
      `  GitHub REST+git  ${sandbox.githubUrl}  (token ${sandbox.token}; repository ${sandbox.repoCloneUrl})`,
      `  Anthropic API    ${sandbox.anthropicUrl}  (key ${sandbox.anthropicApiKey})`,
      `  push webhooks -> ${process.env.GORT_SANDBOX_WEBHOOK ?? SANDBOX_DEFAULTS.webhookUrl}`,
      '',
      `  kubectl --kubeconfig ${sandbox.kubeconfigPath} get kustomizations -A`,
      '  npm run demo:push -- bad-image      (then: npm run demo:push -- fix)',
      '',
    ].join('\n'),
  );
  await new Promise<void>(resolveStop => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await sandbox.close();
  return 0;
}

async function push(scenario: string | undefined): Promise<number> {
  if (!scenario) {
    process.stderr.write(USAGE);
    return 2;
  }
  const cloneUrl =
    process.env.GORT_SANDBOX_REPO ??
    `http://127.0.0.1:${SANDBOX_DEFAULTS.githubPort}/${DEMO_REPO.owner}/${DEMO_REPO.repo}.git`;
  const result = await demoPush({ cloneUrl, token: SANDBOX_DEFAULTS.token, scenario });
  const expected = SCENARIOS[scenario].category;
  process.stdout.write(
    `pushed ${result.sha.slice(0, 7)} "${result.message}"${expected ? ` (GORT should diagnose ${expected})` : ''}\n`,
  );
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [command, argument] = argv;
  try {
    if (command === 'start') return await start();
    if (command === 'push') return await push(argument);
    process.stderr.write(USAGE);
    return command === undefined || command === '--help' ? 0 : 2;
  } catch (error) {
    process.stderr.write(`gort-sandbox: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
}
