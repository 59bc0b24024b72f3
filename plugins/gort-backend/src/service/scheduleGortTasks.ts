import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

/** One of GORT's scheduled tasks. */
export interface GortTask {
  id: string;
  /** Config key (e.g. `gort.watchers.refresh`) whose schedule replaces the default. */
  configKey?: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** `local` for work every replica does on its own (its leased runs). */
  scope?: 'global' | 'local';
  run: (abortSignal: AbortSignal) => Promise<unknown>;
}

/** Schedules `tasks`, each on its configured schedule when one is set, else its default. */
export async function scheduleGortTasks(scheduler: SchedulerService, config: RootConfigService, tasks: GortTask[]): Promise<void> {
  for (const task of tasks) {
    const configured = task.configKey ? config.getOptionalConfig(task.configKey) : undefined;
    await scheduler.scheduleTask({
      id: task.id,
      ...(configured ? readSchedulerServiceTaskScheduleDefinitionFromConfig(configured) : task.schedule),
      ...(task.scope ? { scope: task.scope } : {}),
      fn: async abortSignal => {
        await task.run(abortSignal);
      },
    });
  }
}
