export { startGitHubServer } from './server';
export type { GitHubServer, GitHubServerOptions } from './server';
export type { SandboxUser } from './apiContext';
export type { RateLimitSimulation } from './rateLimit';
export type { WebhookConfig, WebhookDelivery, DeliveryAttempt } from './webhooks/WebhookDeliverer';
export { WebhookDeliverer } from './webhooks/WebhookDeliverer';
export { buildPushPayload } from './webhooks/pushPayload';
export type { SandboxGitHubApp } from './appAuth';
