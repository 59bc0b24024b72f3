export { redact, redactObject } from './redact';
