#!/usr/bin/env node
// Extracts the condition reasons the Flux controllers write from their
// sources, with repo@commit:path#Lline for each, into upstream-reasons.json.
//
// Usage: node extractReasons.mjs <owner/repo>=<git dir> ...
// (git dirs are bare clones; nothing is read from a work tree).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The files whose reasons (constants and literals) the conformance suite may use. */
const FILES = {
  'fluxcd/pkg': ['apis/meta/conditions.go', 'apis/acl/conditions.go'],
  'fluxcd/kustomize-controller': [
    'internal/controller/kustomization_controller.go',
    'api/v1/kustomization_types.go',
    // Older API versions: dumps in issue threads come from older Flux releases.
    'api/v1beta1/condition_types.go',
    'api/v1beta2/condition_types.go',
  ],
  'fluxcd/helm-controller': [
    'api/v2/condition_types.go',
    'api/v2beta1/condition_types.go',
    'api/v2beta2/condition_types.go',
    'internal/controller/helmrelease_controller.go',
    'internal/reconcile/atomic_release.go',
    'internal/reconcile/install.go',
    'internal/reconcile/upgrade.go',
    'internal/reconcile/test.go',
    'internal/reconcile/rollback_remediation.go',
    'internal/reconcile/uninstall_remediation.go',
    'internal/reconcile/uninstall.go',
    'internal/reconcile/unlock.go',
  ],
  'fluxcd/source-controller': [
    'api/v1/condition_types.go',
    'api/v1/gitrepository_types.go',
    'api/v1/helmchart_types.go',
    'api/v1/helmrepository_types.go',
    'api/v1/ocirepository_types.go',
    'api/v1/bucket_types.go',
    'api/v1beta2/condition_types.go',
    'api/v1beta1/condition_types.go',
    'api/v1beta1/helmchart_types.go',
    'api/v1beta1/gitrepository_types.go',
    'internal/helm/chart/errors.go',
    'internal/controller/gitrepository_controller.go',
    'internal/controller/ocirepository_controller.go',
    'internal/controller/helmchart_controller.go',
    'internal/controller/helmrepository_controller.go',
    'internal/controller/bucket_controller.go',
  ],
};

const CONSTANT = /\b(\w+Reason)\s*(?:string\s*)?=\s*"([A-Za-z]+)"/;
// conditions.MarkFalse(obj, meta.ReadyCondition, "SourceNotReady", ...),
// conditions.MarkStalled(obj, "RetriesExceeded", ...), MarkUnknown(..., "AwaitingTests", ...)
// ErrChartReference = BuildErrorReason{Reason: "InvalidChartReference", ...}
const BUILD_ERROR = /BuildErrorReason\{Reason:\s*"([A-Za-z]+)"/;
const LITERAL = /conditions\.Mark(?:True|False|Unknown|Stalled|Reconciling)\([^"]*?"([A-Z][A-Za-z]+)"/;

const out = [];
for (const arg of process.argv.slice(2)) {
  const [repo, gitDir] = arg.split('=');
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD']).toString().trim();
  for (const path of FILES[repo] ?? []) {
    let text;
    try {
      text = execFileSync('git', ['--git-dir', gitDir, 'show', `HEAD:${path}`]).toString();
    } catch {
      continue;
    }
    text.split('\n').forEach((line, i) => {
      const m = CONSTANT.exec(line) ?? BUILD_ERROR.exec(line) ?? LITERAL.exec(line);
      if (!m) return;
      const reason = m.length === 3 ? m[2] : m[1];
      out.push({ reason, source: `${repo}@${commit}:${path}#L${i + 1}` });
    });
  }
}
const byReason = new Map();
for (const entry of out) {
  if (!byReason.has(entry.reason)) byReason.set(entry.reason, []);
  byReason.get(entry.reason).push(entry.source);
}
const reasons = Object.fromEntries(
  [...byReason.entries()].sort(([a], [b]) => a.localeCompare(b)),
);
const here = dirname(fileURLToPath(import.meta.url));
writeFileSync(join(here, 'upstream-reasons.json'), `${JSON.stringify(reasons, null, 2)}\n`);
console.log(`${byReason.size} reasons from ${out.length} sites`);
