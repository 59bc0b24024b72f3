import { Config } from '@backstage/config';
import { DefaultGithubCredentialsProvider, GithubIntegration, ScmIntegrations } from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';

// The plugins add behaviour (throttling, retries), not methods.
const GortOctokit: typeof Octokit = Octokit.plugin(throttling, retry) as unknown as typeof Octokit;
export type GitHubOctokit = Octokit;

export interface GitHubClientOptions {
  /** Retries of a rate-limited request before giving up. */
  rateLimitRetries?: number;
  /** Retries of a failed request (5xx, network). */
  requestRetries?: number;
  onRateLimited?: (message: string) => void;
}

/**
 * Octokit clients per repository, authenticated with the credentials of the
 * matching `integrations.github` entry (token or GitHub App installation).
 */
export class GitHubClientFactory {
  private readonly credentials: DefaultGithubCredentialsProvider;

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly host: string,
    private readonly options: GitHubClientOptions = {},
  ) {
    this.credentials = DefaultGithubCredentialsProvider.fromIntegrations(integrations);
  }

  /**
   * `gort.fixPr.githubHost` picks the integration; without it the only
   * GitHub integration other than github.com is used, else github.com.
   */
  static fromConfig(config: Config, options: GitHubClientOptions = {}): GitHubClientFactory {
    const integrations = ScmIntegrations.fromConfig(config);
    const configured = config.getOptionalString('gort.fixPr.githubHost');
    // github.com is always listed, configured or not; another single host is the one meant.
    const others = integrations.github.list().filter(i => i.config.host !== 'github.com');
    const host = configured ?? (others.length === 1 ? others[0].config.host : 'github.com');
    return new GitHubClientFactory(integrations, host, options);
  }

  private integration(): GithubIntegration {
    const integration = this.integrations.github.byHost(this.host);
    if (!integration) throw new Error(`No integrations.github entry for host ${this.host}`);
    return integration;
  }

  /** The web URL of a repository (what credentials are looked up by). */
  repoUrl(owner: string, repo: string): string {
    return `https://${this.host}/${owner}/${repo}`;
  }

  async forRepo(owner: string, repo: string): Promise<GitHubOctokit> {
    return (await this.clientFor(owner, repo)).octokit;
  }

  /**
   * The client and how it is authenticated: `app` with a GitHub App
   * installation token (check runs allowed), `token` with a personal or
   * OAuth token (commit statuses only).
   */
  async clientFor(owner: string, repo: string): Promise<{ octokit: GitHubOctokit; credentialType: 'app' | 'token' }> {
    const integration = this.integration();
    const { token, type } = await this.credentials.getCredentials({ url: this.repoUrl(owner, repo) });
    return { octokit: this.octokitWith(integration, token), credentialType: type };
  }

  private octokitWith(integration: GithubIntegration, token: string | undefined): GitHubOctokit {
    const { rateLimitRetries = 2, requestRetries = 2, onRateLimited } = this.options;
    return new GortOctokit({
      auth: token,
      baseUrl: integration.config.apiBaseUrl,
      userAgent: 'gort-backstage',
      retry: { retries: requestRetries },
      throttle: {
        onRateLimit: (retryAfter: number, options: any, _octokit: unknown, retryCount: number) => {
          onRateLimited?.(`rate limited on ${options.method} ${options.url}, retry after ${retryAfter}s`);
          return retryCount < rateLimitRetries;
        },
        onSecondaryRateLimit: (retryAfter: number, options: any, _octokit: unknown, retryCount: number) => {
          onRateLimited?.(`secondary rate limit on ${options.method} ${options.url}, retry after ${retryAfter}s`);
          return retryCount < rateLimitRetries;
        },
      },
    });
  }
}
