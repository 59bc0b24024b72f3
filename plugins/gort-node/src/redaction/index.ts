export { redact, redactObject, findSecrets, REDACTION_WINDOW } from './redact';
export { applyFindings, marker } from './findings';
export type { Finding } from './findings';
