/** The Flux controller loop over the in-memory API: sources, Kustomizations, HelmReleases, workloads. */
import { KubeStore } from '../kube/store';
import {
  GitRepositoryReconciler,
  ResolveRepoDir,
} from './gitRepositoryReconciler';
import { HelmReleaseReconciler } from './helmReleaseReconciler';
import { Kubelet } from './kubelet';
import { KustomizationReconciler } from './kustomizationReconciler';
import {
  OCIRepositoryReconciler,
  ResolveRegistry,
} from './ociRepositoryReconciler';
import { SandboxCluster } from './scheduling';
import { WorkloadControllers } from './workloadControllers';

export interface FluxSimulationOptions {
  store: KubeStore;
  /** Bare git repository directory for a GitRepository `spec.url`, or undefined if unknown. */
  resolveRepoDir: ResolveRepoDir;
  /** One controller pass per tick; default 1000 ms. Pods advance one lifecycle step per tick. */
  tickMs?: number;
  /** Health checks wait at most min(spec.timeout, this); default 20 s. */
  healthCheckCapMs?: number;
  /** Requeue after DependencyNotReady / missing artifact; default 5 s. */
  dependencyRequeueMs?: number;
  strictSubstitutions?: boolean;
  /** kubectl for `kubectl kustomize`; null uses the built-in minimal builder; default: found on PATH. */
  kubectlPath?: string | null;
  cluster?: SandboxCluster;
  /** Ticks between container restarts in a crash loop; default 2. */
  crashLoopTicks?: number;
  onError?: (error: unknown) => void;
  /** The sandbox OCI registry of an `oci://` host (../oci), for OCIRepository sources. */
  resolveRegistry?: ResolveRegistry;
}

export interface FluxSimulation {
  /** Runs one full controller pass now (also used by tests to step deterministically). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startFluxSimulation(
  options: FluxSimulationOptions,
): FluxSimulation {
  const { store } = options;
  const sources = new GitRepositoryReconciler(store, options.resolveRepoDir);
  const ociSources = new OCIRepositoryReconciler(
    store,
    options.resolveRegistry,
  );
  const kustomizations = new KustomizationReconciler(store, {
    resolveRepoDir: options.resolveRepoDir,
    healthCheckCapMs: options.healthCheckCapMs,
    dependencyRequeueMs: options.dependencyRequeueMs,
    strictSubstitutions: options.strictSubstitutions,
    kubectlPath: options.kubectlPath,
    resolveRegistry: options.resolveRegistry,
  });
  const helmReleases = new HelmReleaseReconciler(store, {
    healthCheckCapMs: options.healthCheckCapMs,
    resolveRepoDir: options.resolveRepoDir,
    retryMs: options.dependencyRequeueMs,
  });
  const controllers = new WorkloadControllers(store);
  const kubelet = new Kubelet(store, {
    cluster: options.cluster,
    crashLoopTicks: options.crashLoopTicks,
  });

  let running: Promise<void> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const pass = async () => {
    const now = new Date();
    for (const step of [
      () => sources.reconcileAll(now),
      () => ociSources.reconcileAll(now),
      () => kustomizations.reconcileAll(now),
      () => helmReleases.reconcileAll(now),
      async () => controllers.step(now),
      async () => kubelet.step(now),
    ]) {
      try {
        await step();
      } catch (error) {
        options.onError?.(error);
      }
    }
  };

  const tick = async () => {
    // Passes never overlap: a tick requested during a pass waits for it and then runs its own.
    while (running) await running;
    running = pass().finally(() => {
      running = undefined;
    });
    await running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(async () => {
      await tick();
      schedule();
    }, options.tickMs ?? 1000);
  };
  schedule();

  return {
    tick,
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      while (running) await running;
    },
  };
}
