import type { IntentFindingResult } from '@gort-backstage/plugin-gort-common';
import type { RuntimeSnapshot, RuntimeWorkload } from '@gort-backstage/plugin-gort-node';

function ref(w: RuntimeWorkload): string {
  return `${w.kind}/${w.namespace}/${w.name}`;
}

/**
 * Health-only checks of the runtime state, used when no AI compares it with
 * the plan documents: every workload ready at its desired replicas, no
 * container restarts, no warning events.
 */
export function runtimeHealthFindings(snapshot: RuntimeSnapshot): IntentFindingResult[] {
  const findings: IntentFindingResult[] = [];
  for (const workload of snapshot.workloads) {
    const r = workload.replicas;
    if (r?.desired !== undefined) {
      const ready = r.ready ?? 0;
      findings.push({
        expectation: `${ref(workload)} has all ${r.desired} desired replica(s) ready`,
        observed: `${ready}/${r.desired} ready${r.updated !== undefined ? `, ${r.updated} updated` : ''}`,
        status: ready >= r.desired ? 'met' : 'not_met',
      });
    }
    const restarts = (workload.containers ?? []).reduce((n, c) => n + (c.restarts ?? 0), 0);
    findings.push({
      expectation: `${ref(workload)} containers do not restart`,
      observed: restarts === 0 ? 'no restarts' : `${restarts} restart(s)`,
      status: restarts === 0 ? 'met' : 'not_met',
    });
  }
  const warnings = snapshot.warningEvents ?? [];
  findings.push({
    expectation: 'no warning events for the applied workloads',
    observed: warnings.length === 0 ? 'none' : warnings.slice(0, 5).join('; ').slice(0, 1_000),
    status: warnings.length === 0 ? 'met' : 'not_met',
  });
  return findings;
}
