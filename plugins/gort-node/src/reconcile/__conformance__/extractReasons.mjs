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

/**
 * Older releases whose reasons are gone from the current sources but appear in
 * dumps posted in issue threads: read at these commits (if the git dir has them).
 */
const OLDER = {
  'fluxcd/helm-controller': [
    // v1.4.0-v1.4.1 (Flux 2.7.0-2.7.1): RetryOnFailure wrote Ready=False RetryAfterInterval,
    // replaced by Reconciling=True ProgressingWithRetry in 9120241 (v1.4.2).
    { commit: '0325b55b05c0756c2f7805eebb9a25f1b2ce6dba', paths: ['internal/reconcile/atomic_release.go'] },
  ],
  'fluxcd/source-controller': [
    // source-controller v0.22-v0.30 (Flux 0.28-0.35): NewGeneration, NoArtifact, VerificationError.
    // v0.26 (Flux 0.32): a libgit2 GitRepository without managed transport stalled.
    { commit: 'f5ada743d5d3301113dde20c3aadb03f7543adba', paths: ['controllers/gitrepository_controller.go'] },
    {
      commit: 'aae9d917fbc9ae5eef1fb10b6d5cc8a2c4a03ec4',
      paths: [
        'api/v1beta2/condition_types.go',
        'controllers/ocirepository_controller.go',
        'controllers/helmchart_controller.go',
        'controllers/gitrepository_controller.go',
      ],
    },
  ],
};

const CONSTANT = /\b(\w*(?:Reason|VerificationError))\s*(?:string\s*)?=\s*"([A-Za-z]+)"/;
// conditions.MarkFalse(obj, meta.ReadyCondition, "SourceNotReady", ...),
// conditions.MarkStalled(obj, "RetriesExceeded", ...), MarkUnknown(..., "AwaitingTests", ...)
// ErrChartReference = BuildErrorReason{Reason: "InvalidChartReference", ...}
const BUILD_ERROR = /BuildErrorReason\{Reason:\s*"([A-Za-z]+)"/;
// serror.NewStalling(errors.New("..."), "Libgit2TransportNotEnabled")
const SERROR = /errors\.New\("[^"]*"\),\s*"([A-Z][A-Za-z0-9]+)"/;
const LITERAL = /conditions\.Mark(?:True|False|Unknown|Stalled|Reconciling)\([^"]*?"([A-Z][A-Za-z]+)"/;

const out = [];
function extract(repo, gitDir, commit, paths) {
  for (const path of paths) {
    let text;
    try {
      text = execFileSync('git', ['--git-dir', gitDir, 'show', `${commit}:${path}`]).toString();
    } catch {
      continue;
    }
    text.split('\n').forEach((line, i) => {
      const m = CONSTANT.exec(line) ?? BUILD_ERROR.exec(line) ?? LITERAL.exec(line) ?? SERROR.exec(line);
      if (!m) return;
      const reason = m.length === 3 ? m[2] : m[1];
      out.push({ reason, source: `${repo}@${commit}:${path}#L${i + 1}` });
    });
  }
}
for (const arg of process.argv.slice(2)) {
  const [repo, gitDir] = arg.split('=');
  const commit = execFileSync('git', ['--git-dir', gitDir, 'rev-parse', 'HEAD']).toString().trim();
  extract(repo, gitDir, commit, FILES[repo] ?? []);
  for (const older of OLDER[repo] ?? []) extract(repo, gitDir, older.commit, older.paths);
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
