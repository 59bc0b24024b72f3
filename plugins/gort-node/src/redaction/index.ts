export { redact, redactObject, findSecrets, REDACTION_WINDOW, REDACTION_OVERLAP } from './redact';
export { applyFindings, marker } from './findings';
export type { Finding } from './findings';
export { SecretlintScanner, defaultSecretScanner, redactThoroughly } from './secretlintScanner';
export type { SecretScanner } from './secretlintScanner';
