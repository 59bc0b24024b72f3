import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import type { GortScmProvider } from '@gort-backstage/plugin-gort-node';
import { selectProvider } from '../extensions/selectProvider';
import { GitHubClientFactory } from './github/createGitHubClient';
import { GitHubScmProvider } from './github/GitHubScmProvider';

export const DEFAULT_SCM_PROVIDER = 'github';

/** The SCM `gort.scm.provider` names: the built-in GitHub or one a module added. */
export function selectScmProvider(options: { config: Config; logger: LoggerService; added?: GortScmProvider[] }): GortScmProvider {
  const { config, logger } = options;
  const github = new GitHubScmProvider(
    GitHubClientFactory.fromConfig(config, { onRateLimited: message => logger.warn(`GitHub: ${message}`) }),
  );
  return selectProvider([github, ...(options.added ?? [])], {
    kind: 'SCM',
    configKey: 'gort.scm.provider',
    id: config.getOptionalString('gort.scm.provider') ?? DEFAULT_SCM_PROVIDER,
  });
}
