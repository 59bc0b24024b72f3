export * from './createGitHubClient';
export * from './GitHubRepo';
