import { parseEntityRef } from '@backstage/catalog-model';
import type { Run, RunState, RunSummary } from '@gort-backstage/plugin-gort-common';
import { neutraliseCell, neutraliseText } from '@gort-backstage/plugin-gort-node';

/**
 * What a run looks like on the pushed commit: pure functions from a run to a
 * GitHub check run (https://docs.github.com/en/rest/checks/runs) or commit
 * status (https://docs.github.com/en/rest/commits/statuses).
 */

/** The conclusions GORT sets (GitHub's list also has cancelled, skipped, stale). */
export type CheckConclusion = 'success' | 'failure' | 'timed_out' | 'action_required' | 'neutral';

export interface CommitVerdict {
  status: 'in_progress' | 'completed';
  conclusion?: CheckConclusion;
  /** One line: the stage while in progress, the verdict once completed. */
  title: string;
  /** Markdown, neutralised: verdict, category, stage, links (and evidence when allowed). */
  summary: string;
}

export type CommitStatusState = 'pending' | 'success' | 'failure' | 'error';

export const CHECK_NAME_PREFIX = 'gort/';

/** `gort/<entity>[/<cluster>]`; the entity is its name for a default-namespace component, else `kind:namespace/name`. */
export function checkName(entityRef: string, cluster?: string): string {
  const ref = parseEntityRef(entityRef);
  const entity =
    ref.kind.toLowerCase() === 'component' && ref.namespace === 'default'
      ? ref.name
      : `${ref.kind.toLowerCase()}:${ref.namespace}/${ref.name}`;
  return `${CHECK_NAME_PREFIX}${entity}${cluster ? `/${cluster}` : ''}`;
}

/** The stage shown while a run is in progress. */
const STAGES: Partial<Record<RunState, string>> = {
  queued: 'Queued',
  waiting_for_source: 'Waiting for Flux to fetch the commit',
  reconciling: 'Waiting for Flux to apply the commit',
  succeeded: 'Applied; checking intent',
  validating: 'Applied; checking intent against the plans',
  failed: 'Failed; diagnosing',
  timed_out: 'Timed out; diagnosing',
  diagnosing: 'Diagnosing the failure',
};

export function stageOf(state: RunState): string {
  return STAGES[state] ?? state;
}

type RunVerdictFacts = Pick<RunSummary, 'state' | 'outcome' | 'intentMet' | 'fixPr' | 'category'>;

function hasOpenFixPr(run: Pick<RunSummary, 'fixPr'>): boolean {
  const fix = run.fixPr;
  return Boolean(fix && (fix.status === 'opened' || fix.status === 'updated') && fix.url && fix.prState !== 'closed' && fix.prState !== 'merged');
}

/** The check conclusion and one-line verdict of a finished run. */
export function conclusionOf(run: RunVerdictFacts): { conclusion: CheckConclusion; verdict: string } {
  const category = run.category ? ` (${run.category})` : '';
  const awaiting = hasOpenFixPr(run);
  switch (run.state === 'superseded' ? 'superseded' : run.outcome) {
    case 'succeeded':
      if (run.intentMet === false) {
        return awaiting
          ? { conclusion: 'action_required', verdict: 'Applied, but intent not met: a fix PR awaits review' }
          : { conclusion: 'failure', verdict: 'Applied, but intent not met' };
      }
      return { conclusion: 'success', verdict: run.intentMet ? 'Applied and healthy; intent met' : 'Applied and healthy' };
    case 'failed':
      return awaiting
        ? { conclusion: 'action_required', verdict: `Flux failed${category}: a fix PR awaits review` }
        : { conclusion: 'failure', verdict: `Flux failed${category}` };
    case 'timed_out':
      return awaiting
        ? { conclusion: 'action_required', verdict: `Timed out waiting for Flux${category}: a fix PR awaits review` }
        : { conclusion: 'timed_out', verdict: `Timed out waiting for Flux${category}` };
    case 'superseded':
      return { conclusion: 'neutral', verdict: 'Superseded by a later push' };
    case 'suspended':
      return { conclusion: 'neutral', verdict: 'A Flux object is suspended: nothing was applied' };
    case 'unobservable':
      return { conclusion: 'neutral', verdict: 'No verdict possible: the Flux source does not follow this commit' };
    case 'partial':
      return { conclusion: 'neutral', verdict: 'Applied where it could be judged; a cluster could not be read' };
    default:
      return { conclusion: 'neutral', verdict: 'GORT could not follow this push (see the run page)' };
  }
}

export function isFinished(run: Pick<Run, 'state'>): boolean {
  return run.state === 'done' || run.state === 'superseded' || run.state === 'error';
}

export interface VerdictContent {
  /** The run page in Backstage (details_url, target_url). */
  runUrl: string;
  /** Include redacted evidence summaries (opt-in). */
  evidence: boolean;
}

const EVIDENCE_ITEMS = 5;

/**
 * The verdict of one cluster of a run whose objects are on several: the
 * run's own unless the run did not succeed and this cluster's objects did
 * (success here) or could not be read (neutral).
 */
function clusterConclusion(run: Run, cluster: string | undefined): { conclusion: CheckConclusion; verdict: string } | undefined {
  if (!cluster || run.outcome === 'succeeded' || run.state === 'superseded') return undefined;
  const entry = run.clusters?.find(c => c.cluster === cluster);
  if (entry?.state === 'succeeded') return { conclusion: 'success', verdict: `Applied and healthy in ${cluster}; another cluster did not succeed` };
  if (entry?.state === 'unreachable') return { conclusion: 'neutral', verdict: `Cluster ${cluster} could not be read` };
  return undefined;
}

/** The check run for one run (or one cluster of it): stage while in progress, then the verdict; neutralised text only. */
export function verdictOf(run: Run, content: VerdictContent, cluster?: string): CommitVerdict {
  const lines: string[] = [];
  if (!isFinished(run)) {
    const title = stageOf(run.state);
    lines.push(`**Stage:** ${neutraliseText(title)}`, '', `[Follow the run in Backstage](${content.runUrl})`);
    return { status: 'in_progress', title, summary: lines.join('\n') };
  }
  const { conclusion, verdict } = clusterConclusion(run, cluster) ?? conclusionOf(run);
  lines.push(`**Verdict:** ${neutraliseText(verdict)}`);
  if (run.category) lines.push(`**Category:** \`${run.category}\``);
  lines.push(`**Stage:** ${neutraliseText(run.outcome ?? run.state)}`);
  if (run.fixPr?.url && (run.fixPr.status === 'opened' || run.fixPr.status === 'updated')) {
    lines.push(`**Fix PR:** ${run.fixPr.url}${run.fixPr.number ? ` (#${run.fixPr.number})` : ''}`);
  }
  lines.push('', `[The run in Backstage](${content.runUrl})`);
  if (content.evidence) {
    const items: string[] = [];
    if (run.diagnosis?.summary) items.push(`- Diagnosis: ${neutraliseCell(run.diagnosis.summary)}`);
    if (run.failure) items.push(`- ${neutraliseCell(run.failure.object)}: ${neutraliseCell(`${run.failure.reason}: ${run.failure.message}`)}`);
    for (const item of run.evidence.slice(0, EVIDENCE_ITEMS)) items.push(`- ${neutraliseCell(item.source, 120)}: ${neutraliseCell(item.message, 300)}`);
    if (items.length > 0) lines.push('', '**Evidence (redacted):**', ...items);
  }
  return { status: 'completed', conclusion, title: verdict, summary: lines.join('\n') };
}

/** The commit status for a verdict (statuses have no action_required or timed_out). */
export function commitStatusOf(verdict: CommitVerdict): CommitStatusState {
  if (verdict.status !== 'completed') return 'pending';
  switch (verdict.conclusion) {
    case 'success':
      return 'success';
    case 'neutral':
      return 'success';
    case 'failure':
    case 'action_required':
    case 'timed_out':
      return 'failure';
    default:
      return 'error';
  }
}

/** A status `description` holds at most 140 characters. */
export function statusDescription(verdict: CommitVerdict): string {
  const text = verdict.title.replace(/\s+/g, ' ').trim();
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

/** What was posted, to skip an identical update. */
export function postedKey(verdict: CommitVerdict): string {
  return `${verdict.status}|${verdict.conclusion ?? ''}|${verdict.title}`.slice(0, 255);
}

/** Worst first: the aggregate check takes the worst conclusion of its runs. */
const SEVERITY: CheckConclusion[] = ['failure', 'timed_out', 'action_required', 'neutral', 'success'];

export const AGGREGATE_CHECK_NAME = `${CHECK_NAME_PREFIX}all`;

/**
 * One check for a whole commit (a monorepo push touching many entities):
 * in progress while any run is, then the worst conclusion, with one table
 * row per entity.
 */
export function aggregateVerdictOf(runs: RunSummary[], runUrl: (run: RunSummary) => string): CommitVerdict {
  const rows: string[] = ['| entity | verdict | category | fix PR |', '|---|---|---|---|'];
  let inProgress = 0;
  const counts = new Map<CheckConclusion, number>();
  const sorted = [...runs].sort((a, b) => a.entityRef.localeCompare(b.entityRef));
  for (const run of sorted) {
    let verdict: string;
    if (isFinished(run)) {
      const result = conclusionOf(run);
      counts.set(result.conclusion, (counts.get(result.conclusion) ?? 0) + 1);
      verdict = `${result.conclusion}: ${result.verdict}`;
    } else {
      inProgress += 1;
      verdict = `in progress: ${stageOf(run.state)}`;
    }
    const fix = run.fixPr?.url && (run.fixPr.status === 'opened' || run.fixPr.status === 'updated') ? run.fixPr.url : '';
    rows.push(`| [${neutraliseCell(run.entityRef, 200)}](${runUrl(run)}) | ${neutraliseCell(verdict, 200)} | ${run.category ?? ''} | ${fix} |`);
  }
  const tally = SEVERITY.filter(c => counts.has(c)).map(c => `${counts.get(c)} ${c}`);
  if (inProgress > 0) tally.push(`${inProgress} in progress`);
  const summary = [`**${runs.length} entities** followed for this commit: ${tally.join(', ')}`, '', ...rows].join('\n');
  if (inProgress > 0) {
    return { status: 'in_progress', title: `${inProgress} of ${runs.length} entities still waiting for Flux`, summary: summary.slice(0, 65_000) };
  }
  const conclusion = SEVERITY.find(c => counts.has(c)) ?? 'neutral';
  return { status: 'completed', conclusion, title: `${runs.length} entities: ${tally.join(', ')}`, summary: summary.slice(0, 65_000) };
}
