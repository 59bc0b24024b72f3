import type {
  IntentFinding,
  IntentVerdictInput,
  RuntimeContainer,
  RuntimeWorkload,
} from '@gort-backstage/plugin-gort-node';
import { parseQuantity } from './fixStrategies';
import { PlanExpectation, readPlanExpectations } from './planExpectations';
import { PromptData } from './readPrompt';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Workloads from the runtime JSON, tolerating a bare array and missing fields. */
export function readWorkloads(runtime: unknown): RuntimeWorkload[] {
  let list: unknown = runtime;
  if (isRecord(runtime)) list = runtime.workloads;
  if (!Array.isArray(list)) return [];
  return list.filter(
    (item): item is RuntimeWorkload =>
      isRecord(item) && typeof item.name === 'string',
  );
}

function mentions(text: string, name: string): boolean {
  return new RegExp(
    `(^|[^\\w-])${name.replace(/[^\w-]/g, '')}([^\\w-]|$)`,
    'i',
  ).test(text);
}

/** The workloads an expectation is about: named in its line, else in its plan, else all. */
function targetWorkloads(
  expectation: PlanExpectation,
  workloads: RuntimeWorkload[],
): RuntimeWorkload[] {
  const inLine = workloads.filter(w => mentions(expectation.text, w.name));
  if (inLine.length > 0) return inLine;
  const inPlan = workloads.filter(w => mentions(expectation.planText, w.name));
  return inPlan.length > 0 ? inPlan : workloads;
}

const id = (w: RuntimeWorkload) => `${w.kind}/${w.namespace}/${w.name}`;

type Evaluation = { observed: string; status: IntentFinding['status'] };

/** All targets agreeing decides; a mix is unknown. */
function combine(
  results: Array<{ met: boolean; observed: string }>,
  noneObserved: string,
): Evaluation {
  if (results.length === 0)
    return { observed: noneObserved, status: 'unknown' };
  const observed = results.map(r => r.observed).join('; ');
  if (results.every(r => r.met)) return { observed, status: 'met' };
  if (results.every(r => !r.met)) return { observed, status: 'not_met' };
  return { observed, status: 'unknown' };
}

function versionMatches(tag: string, pattern: string): boolean {
  const strip = (v: string) => v.replace(/^v/, '');
  const expected = strip(pattern);
  if (!/[x*]/.test(expected)) return strip(tag) === expected;
  const regex = new RegExp(
    `^${expected.replace(/\./g, '\\.').replace(/[x*]/g, '[^.]+')}(?:$|[-+])`,
  );
  return regex.test(strip(tag));
}

function splitImage(image: string): { repository: string; tag: string } {
  const withoutDigest = image.split('@')[0];
  const slash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.lastIndexOf(':');
  return colon > slash
    ? {
        repository: withoutDigest.slice(0, colon),
        tag: withoutDigest.slice(colon + 1),
      }
    : { repository: withoutDigest, tag: 'latest' };
}

function containersOf(
  workloads: RuntimeWorkload[],
): Array<{ workload: RuntimeWorkload; container: RuntimeContainer }> {
  return workloads.flatMap(workload =>
    (Array.isArray(workload.containers) ? workload.containers : [])
      .filter(
        container => isRecord(container) && typeof container.image === 'string',
      )
      .map(container => ({ workload, container })),
  );
}

function evaluate(
  expectation: PlanExpectation,
  workloads: RuntimeWorkload[],
): Evaluation {
  const targets = targetWorkloads(expectation, workloads);
  const e = expectation.expectation;
  switch (e.kind) {
    case 'replicas':
      return combine(
        targets
          .filter(w => isRecord(w.replicas))
          .map(w => {
            const { desired, ready } = w.replicas!;
            return {
              met: desired === e.count && ready === e.count,
              observed: `${id(w)}: ${ready ?? 0} of ${
                desired ?? '?'
              } replicas ready`,
            };
          }),
        'the runtime data has no replica counts',
      );
    case 'image': {
      const named = containersOf(targets).filter(({ container }) => {
        const repository = splitImage(container.image).repository;
        return repository === e.name || repository.endsWith(`/${e.name}`);
      });
      if (named.length === 0) {
        const running = containersOf(targets).map(
          ({ container }) => container.image,
        );
        return {
          observed: running.length
            ? `no container runs ${e.name}; images: ${running.join(', ')}`
            : 'the runtime data lists no containers',
          status: running.length ? 'not_met' : 'unknown',
        };
      }
      return combine(
        named.map(({ workload, container }) => ({
          met: versionMatches(splitImage(container.image).tag, e.version),
          observed: `${id(workload)} container ${container.name} runs ${
            container.image
          }`,
        })),
        '',
      );
    }
    case 'resource': {
      const expected = parseQuantity(e.quantity);
      return combine(
        containersOf(targets).map(({ workload, container }) => {
          const actual = container.resources?.[e.bound]?.[e.resource];
          const actualQuantity =
            actual === undefined ? undefined : parseQuantity(actual);
          return {
            met: expected !== undefined && actualQuantity === expected,
            observed: `${id(workload)} container ${container.name}: ${
              e.bound
            }.${e.resource}=${actual ?? 'unset'}`,
          };
        }),
        'the runtime data lists no containers',
      );
    }
    case 'namespace': {
      if (workloads.length === 0)
        return {
          observed: 'the runtime data lists no workloads',
          status: 'unknown',
        };
      const namespaces = [...new Set(workloads.map(w => w.namespace))];
      return {
        observed: `workloads run in namespace(s) ${namespaces.join(', ')}`,
        status: namespaces.includes(e.namespace) ? 'met' : 'not_met',
      };
    }
    default:
      return { observed: 'not checkable', status: 'unknown' };
  }
}

function healthFinding(
  workloads: RuntimeWorkload[],
): IntentFinding | undefined {
  const counted = workloads.filter(w => isRecord(w.replicas));
  if (counted.length === 0) return undefined;
  const unready = counted.filter(
    w => (w.replicas!.ready ?? 0) < (w.replicas!.desired ?? 0),
  );
  return {
    expectation:
      'All workloads have their desired replicas ready (runtime health)',
    observed: unready.length
      ? unready
          .map(
            w =>
              `${id(w)}: ${w.replicas!.ready ?? 0} of ${
                w.replicas!.desired
              } ready`,
          )
          .join('; ')
      : `${counted.length} workload(s) fully ready`,
    status: unready.length ? 'not_met' : 'met',
  };
}

/** The scripted analyst's answer to `report_intent_verdict`. */
export function reportIntentVerdict(prompt: PromptData): IntentVerdictInput {
  const workloads = readWorkloads(prompt.runtime);
  const findings: IntentFinding[] = readPlanExpectations(prompt.plans).map(
    expectation => ({
      expectation: `${expectation.text} (${expectation.planPath})`.slice(
        0,
        2_000,
      ),
      ...evaluate(expectation, workloads),
    }),
  );
  const health = healthFinding(workloads);
  if (health) findings.push(health);
  const bounded = findings
    .slice(0, 50)
    .map(f => ({ ...f, observed: f.observed.slice(0, 2_000) }));
  const unknown = bounded.filter(f => f.status === 'unknown').length;
  const determinate = bounded.length - unknown;
  return {
    met: !bounded.some(f => f.status === 'not_met'),
    confidence:
      determinate === 0
        ? 0.3
        : Math.max(0.3, Math.round((0.95 - 0.15 * unknown) * 100) / 100),
    findings: bounded,
  };
}
