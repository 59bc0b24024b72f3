import type { EntityJourney, StepStatus } from './journey';
import type { FollowResult } from './result';
import type { Style } from '../diagnose/report';

const SYMBOL: Record<StepStatus, string> = {
  pending: '·',
  active: '…',
  done: '✓',
  failed: '✗',
  skipped: '-',
};

function symbol(status: StepStatus, style: Style): string {
  if (status === 'done') return style.green(SYMBOL.done);
  if (status === 'failed') return style.red(SYMBOL.failed);
  if (status === 'pending' || status === 'skipped')
    return style.dim(SYMBOL[status]);
  return SYMBOL[status];
}

/** Versioned JSON document of `gort follow --json` (one object on stdout). */
export const FOLLOW_JSON_SCHEMA = 'gort.follow/v1';

export interface FollowDocument {
  schema: typeof FOLLOW_JSON_SCHEMA;
  sha: string;
  result: FollowResult;
  exitCode: number;
  /** Seconds from the start of `gort follow` to its end. */
  elapsedSeconds: number;
  entities: EntityJourney[];
}

/** The whole picture, redrawn in place on a terminal. */
export function formatFrame(
  sha: string,
  journeys: readonly EntityJourney[],
  style: Style,
  waitingFor?: string,
): string {
  const lines = [`${style.bold('gort follow')} ${sha.slice(0, 12)}`];
  if (journeys.length === 0 && waitingFor)
    lines.push(`  ${style.dim(waitingFor)}`);
  for (const journey of journeys) {
    lines.push(
      `  ${style.bold(journey.entityRef)}  ${style.dim(
        `run ${journey.runId}`,
      )}`,
    );
    for (const step of journey.steps) {
      // one terminal line each, so that the frame can be redrawn in place
      const text =
        step.detail && step.detail.length > 90
          ? `${step.detail.slice(0, 89)}…`
          : step.detail;
      const detail = text ? `  ${style.dim(text)}` : '';
      lines.push(`    ${symbol(step.status, style)} ${step.label}${detail}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Plain lines for logs and pipes: one line per step that changed since `previous`. */
export function formatChanges(
  previous: ReadonlyMap<string, EntityJourney>,
  journeys: readonly EntityJourney[],
): string {
  const lines: string[] = [];
  for (const journey of journeys) {
    const before = previous.get(journey.entityRef);
    if (!before || before.runId !== journey.runId) {
      lines.push(`${journey.entityRef}: following run ${journey.runId}`);
    }
    for (const step of journey.steps) {
      const old =
        before?.runId === journey.runId
          ? before.steps.find(s => s.id === step.id)
          : undefined;
      const changed = old
        ? old.status !== step.status || old.detail !== step.detail
        : step.status !== 'pending';
      if (changed) {
        lines.push(
          `${journey.entityRef}: ${step.label} ${step.status}${
            step.detail ? ` (${step.detail})` : ''
          }`,
        );
      }
    }
  }
  return lines.map(line => `${line}\n`).join('');
}

/** What to do next, after the journeys: the diagnosis and fix PR of each failure. */
export function formatSummary(
  result: FollowResult,
  sha: string,
  journeys: readonly EntityJourney[],
  style: Style,
): string {
  const short = sha.slice(0, 12);
  const lines: string[] = [];
  for (const journey of journeys.filter(j => j.failed || !j.finished)) {
    if (!journey.finished) {
      lines.push(
        `${style.red('✗')} ${
          journey.entityRef
        }: no verdict yet (state ${journey.state.replace(/_/g, ' ')})`,
      );
      continue;
    }
    lines.push(
      `${style.red('✗')} ${style.bold(journey.entityRef)}: ${(
        journey.outcome ?? journey.state
      ).replace(/_/g, ' ')}`,
    );
    if (journey.diagnosis) {
      lines.push(
        `  ${style.bold('Diagnosis:')} ${journey.diagnosis.category} in ${
          journey.diagnosis.object
        } (confidence ${journey.diagnosis.confidence.toFixed(2)})`,
        `  ${style.bold('Summary:')}   ${journey.diagnosis.summary}`,
        `  ${style.bold('Fix:')}       ${journey.diagnosis.fix}`,
      );
    }
    if (journey.fixPr) {
      lines.push(
        `  ${style.bold('Fix PR:')}    ${
          journey.fixPr.url ?? journey.fixPr.status
        }${
          journey.fixPr.url
            ? ` (${journey.fixPr.status})`
            : ` — ${journey.fixPr.message}`
        }`,
      );
    }
    if (journey.intentMet === false)
      lines.push("  The plans' intent is not met.");
  }
  switch (result) {
    case 'succeeded':
      lines.push(
        style.green(
          `✓ ${short} landed for ${journeys.map(j => j.entityRef).join(', ')}`,
        ),
      );
      break;
    case 'no_runs':
      lines.push(
        `No entity follows ${short}: no run appeared (is the repository and branch annotated with gort.io/flux-app, and may you read the entity?)`,
      );
      break;
    case 'timed_out':
      lines.push(
        style.red(`✗ ${short}: gave up waiting before every run ended`),
      );
      break;
    default:
      lines.push(
        style.red(
          `✗ ${short} failed for ${journeys
            .filter(j => j.failed)
            .map(j => j.entityRef)
            .join(', ')}`,
        ),
      );
  }
  return `${lines.join('\n')}\n`;
}
