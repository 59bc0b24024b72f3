import type { Run, RunSummary } from '@gort-backstage/plugin-gort-common';

/** The steps of a commit's journey through Flux, in the order they happen. */
export const JOURNEY_STEPS = [
  { id: 'source', label: 'source fetched' },
  { id: 'apply', label: 'applying' },
  { id: 'health', label: 'health checks' },
  { id: 'verdict', label: 'verdict' },
  { id: 'diagnosis', label: 'diagnosis' },
  { id: 'fixPr', label: 'fix PR' },
] as const;

export type JourneyStepId = (typeof JOURNEY_STEPS)[number]['id'];

/** `skipped` is a step that does not apply to this run (no diagnosis after a success). */
export type StepStatus = 'pending' | 'active' | 'done' | 'failed' | 'skipped';

export interface JourneyStep {
  id: JourneyStepId;
  label: string;
  status: StepStatus;
  detail?: string;
}

/** Where one entity's run of the commit stands. */
export interface EntityJourney {
  entityRef: string;
  runId: string;
  state: Run['state'];
  outcome?: Run['outcome'];
  /** The run is over: nothing about it changes any more (fix PR state aside). */
  finished: boolean;
  /** The commit failed for this entity (failure, timeout, error, unmet intent). */
  failed: boolean;
  steps: JourneyStep[];
  diagnosis?: {
    category: string;
    object: string;
    summary: string;
    fix: string;
    confidence: number;
  };
  fixPr?: { status: string; message: string; url?: string; number?: number };
  intentMet?: boolean;
}

const FINISHED_STATES: ReadonlySet<string> = new Set([
  'done',
  'superseded',
  'error',
]);
const FAILED_OUTCOMES: ReadonlySet<string> = new Set([
  'failed',
  'timed_out',
  'error',
  'suspended',
]);
const WAITING_FOR_SOURCE: ReadonlySet<string> = new Set([
  'queued',
  'waiting_for_source',
]);

function firstLine(text: string, max = 200): string {
  const line = text.split('\n')[0].trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

type StepMap = Record<JourneyStepId, Omit<JourneyStep, 'id' | 'label'>>;

function sourceAndApply(run: Run, steps: StepMap): void {
  const verdicts = run.verdicts ?? [];
  const shortSha = run.sha.slice(0, 7);
  const fetched =
    !WAITING_FOR_SOURCE.has(run.state) ||
    verdicts.some(v => v.state !== 'waiting_for_source');
  const healthFailure = /health/i.test(run.failure?.reason ?? '');
  if (!fetched) {
    steps.source = {
      status: run.state === 'queued' ? 'pending' : 'active',
      detail: `waiting for Flux to fetch ${shortSha}`,
    };
    return;
  }
  steps.source = { status: 'done', detail: `${shortSha} fetched` };
  const succeeded =
    verdicts.length > 0 && verdicts.every(v => v.state === 'succeeded');
  if (run.failure && !healthFailure) {
    steps.apply = {
      status: 'failed',
      detail: `${run.failure.object}: ${run.failure.reason}`,
    };
    return;
  }
  if (succeeded || healthFailure) {
    steps.apply = { status: 'done', detail: `applied ${shortSha}` };
  } else if (run.outcome === 'timed_out') {
    steps.apply = {
      status: 'failed',
      detail: 'no verdict before the deadline',
    };
    return;
  } else if (run.state === 'reconciling') {
    const waiting = verdicts.find(v => v.state !== 'succeeded');
    steps.apply = {
      status: 'active',
      detail: waiting
        ? firstLine(`${waiting.object}: ${waiting.detail}`)
        : undefined,
    };
    return;
  } else {
    return;
  }
  if (healthFailure) {
    steps.health = {
      status: 'failed',
      detail: firstLine(`${run.failure!.object}: ${run.failure!.message}`),
    };
  } else if (verdicts.every(v => v.health === 'applied')) {
    steps.health = {
      status: 'skipped',
      detail:
        'Flux applied without waiting for health (no wait or healthChecks)',
    };
  } else {
    steps.health = { status: 'done', detail: 'healthy' };
  }
}

function verdictStep(run: Run, steps: StepMap): void {
  if (!run.outcome) {
    if (!WAITING_FOR_SOURCE.has(run.state) && run.state !== 'reconciling') {
      steps.verdict = {
        status: 'active',
        detail: run.state.replace(/_/g, ' '),
      };
    }
    return;
  }
  const intent =
    run.intent && !run.intent.met ? '; intent from the plans not met' : '';
  const failed = FAILED_OUTCOMES.has(run.outcome) || run.intent?.met === false;
  steps.verdict = {
    status: failed ? 'failed' : 'done',
    detail: `${run.outcome.replace(/_/g, ' ')}${intent}`,
  };
}

function diagnosisAndFix(run: Run, steps: StepMap, finished: boolean): void {
  if (run.diagnosis) {
    steps.diagnosis = {
      status: 'done',
      detail: `${run.diagnosis.category} in ${
        run.diagnosis.object
      }: ${firstLine(run.diagnosis.summary)}`,
    };
  } else if (run.state === 'diagnosing') {
    steps.diagnosis = { status: 'active', detail: 'collecting evidence' };
  } else if (finished) {
    steps.diagnosis = { status: 'skipped' };
  }
  if (run.fixPr) {
    const where = run.fixPr.url ? ` ${run.fixPr.url}` : '';
    steps.fixPr = {
      status: ['opened', 'updated', 'commented'].includes(run.fixPr.status)
        ? 'done'
        : 'skipped',
      detail: `${run.fixPr.status}${where}: ${firstLine(run.fixPr.message)}`,
    };
  } else if (run.state === 'validating') {
    steps.fixPr = { status: 'active', detail: 'validating a fix' };
  } else if (finished) {
    steps.fixPr = { status: 'skipped' };
  }
}

/** The journey of one run, from what `GET /runs/:id` says now. Pure. */
export function journeyOf(run: Run): EntityJourney {
  const finished = FINISHED_STATES.has(run.state);
  const steps = Object.fromEntries(
    JOURNEY_STEPS.map(s => [s.id, { status: 'pending' }]),
  ) as StepMap;
  if (run.state === 'superseded' || run.outcome === 'superseded') {
    for (const s of JOURNEY_STEPS) steps[s.id] = { status: 'skipped' };
    steps.verdict = {
      status: 'skipped',
      detail: `superseded by a newer push${
        run.supersededBy ? ` (run ${run.supersededBy})` : ''
      }`,
    };
  } else if (run.outcome === 'unobservable') {
    sourceAndApply(run, steps);
    verdictStep(run, steps);
    steps.verdict.detail =
      'unobservable: the source does not carry this commit';
  } else {
    sourceAndApply(run, steps);
    verdictStep(run, steps);
    diagnosisAndFix(run, steps, finished);
  }
  if (finished) {
    for (const s of JOURNEY_STEPS) {
      if (steps[s.id].status === 'pending' || steps[s.id].status === 'active') {
        steps[s.id] = { status: 'skipped', detail: steps[s.id].detail };
      }
    }
  }
  if (run.state === 'error' && run.error) {
    steps.verdict = {
      status: 'failed',
      detail: `error: ${firstLine(run.error)}`,
    };
  }
  const failed =
    run.state === 'error' ||
    (run.outcome !== undefined && FAILED_OUTCOMES.has(run.outcome)) ||
    run.intent?.met === false;
  return {
    entityRef: run.entityRef,
    runId: run.id,
    state: run.state,
    ...(run.outcome ? { outcome: run.outcome } : {}),
    finished,
    failed,
    steps: JOURNEY_STEPS.map(s => ({
      id: s.id,
      label: s.label,
      status: steps[s.id].status,
      ...(steps[s.id].detail ? { detail: steps[s.id].detail } : {}),
    })),
    ...(run.diagnosis
      ? {
          diagnosis: {
            category: run.diagnosis.category,
            object: run.diagnosis.object,
            summary: run.diagnosis.summary,
            fix: run.diagnosis.fix,
            confidence: run.diagnosis.confidence,
          },
        }
      : {}),
    ...(run.fixPr
      ? {
          fixPr: {
            status: run.fixPr.status,
            message: run.fixPr.message,
            ...(run.fixPr.url ? { url: run.fixPr.url } : {}),
            ...(run.fixPr.number ? { number: run.fixPr.number } : {}),
          },
        }
      : {}),
    ...(run.intent ? { intentMet: run.intent.met } : {}),
  };
}

/** Newest run per entity: a "Run now" or a retry may have made more than one. */
export function latestPerEntity(runs: RunSummary[]): RunSummary[] {
  const seen = new Map<string, RunSummary>();
  for (const run of runs) {
    const current = seen.get(run.entityRef);
    if (!current || current.createdAt < run.createdAt)
      seen.set(run.entityRef, run);
  }
  return [...seen.values()].sort((a, b) =>
    a.entityRef.localeCompare(b.entityRef),
  );
}
