import type { GortScmProvider, ScmRepository, ScmRepositoryRef } from '@gort-backstage/plugin-gort-node';
import { GitHubClientFactory } from './createGitHubClient';
import { GitHubRepo } from './GitHubRepo';

/** The built-in SCM: GitHub (or GitHub Enterprise) through `integrations.github`. */
export class GitHubScmProvider implements GortScmProvider {
  readonly id = 'github';

  constructor(private readonly clients: GitHubClientFactory) {}

  async repository({ owner, repo }: ScmRepositoryRef): Promise<ScmRepository> {
    return new GitHubRepo(await this.clients.forRepo(owner, repo), owner, repo);
  }
}
