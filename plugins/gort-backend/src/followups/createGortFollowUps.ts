import { AuditorService, LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { Knex } from 'knex';
import type { GortAiProviderFactory, GortScmProvider } from '@gort-backstage/plugin-gort-node';
import { DatabaseAiCache } from '../ai/AiCache';
import { AiRequestObserver } from '../ai/AiClient';
import { createAiClient, createAiProvider } from '../ai/createAiClient';
import { readAiConfig } from '../ai/readAiConfig';
import { RunStore } from '../database/RunStore';
import { WatcherStore } from '../database/WatcherStore';
import { ClusterReader } from '../flux/FluxClusterClient';
import { FixPrResultLabel, FixPrService } from '../fixpr/FixPrService';
import { FixPrStore } from '../fixpr/FixPrStore';
import { PrStateRefresher } from '../fixpr/PrStateRefresher';
import { IntentValidator } from '../intent/IntentValidator';
import { selectScmProvider } from '../scm/selectScmProvider';
import { FluxObjectLookup } from '../runs/judgeRunObject';
import { GortFollowUps } from './GortFollowUps';

export interface FollowUpMetrics extends AiRequestObserver {
  fixPr(result: FixPrResultLabel): void;
  intentVerdict(result: 'met' | 'not_met' | 'error'): void;
}

export interface FixPrConfig {
  maxAttemptsAfterMerge: number;
  commentInDiagnoseOnly: boolean;
  extraAllowedPaths: string[];
  editPolicy: 'refuse' | 'label';
}

export function readFixPrConfig(config: Config): FixPrConfig {
  const section = config.getOptionalConfig('gort.fixPr');
  const max = section?.getOptionalNumber('maxAttemptsAfterMerge') ?? 1;
  if (!Number.isInteger(max) || max < 0) throw new Error(`Invalid config gort.fixPr.maxAttemptsAfterMerge: ${max}; use a whole number ≥ 0`);
  return {
    maxAttemptsAfterMerge: max,
    commentInDiagnoseOnly: section?.getOptionalBoolean('commentInDiagnoseOnly') ?? true,
    extraAllowedPaths: section?.getOptionalStringArray('allowedPaths') ?? [],
    editPolicy: readEditPolicy(section?.getOptionalString('editPolicy')),
  };
}

function readEditPolicy(value: string | undefined): 'refuse' | 'label' {
  if (value === undefined || value === 'refuse' || value === 'label') return value ?? 'refuse';
  throw new Error(`Invalid config gort.fixPr.editPolicy: ${value}; use refuse (the default) or label`);
}

/** Builds the follow-ups (AI, fix PRs, intent) and the PR-state refresher from config. */
export function createGortFollowUps(deps: {
  config: Config;
  db: Knex;
  logger: LoggerService;
  runStore: RunStore;
  watcherStore: WatcherStore;
  lookup: FluxObjectLookup;
  readerFor: (cluster: string) => ClusterReader | undefined;
  /** What modules added; `gort.scm.provider` and `gort.ai.provider` pick among them and the built-ins. */
  added?: { scmProviders?: GortScmProvider[]; aiProviders?: GortAiProviderFactory[] };
  metrics?: FollowUpMetrics;
  /** Records fix PR opens, updates and comments (`fix-pr` audit events). */
  auditor?: AuditorService;
}): { followUps: GortFollowUps; prStates: PrStateRefresher; scm: GortScmProvider } {
  const { config, db, logger, metrics } = deps;
  const scm = selectScmProvider({ config, logger, added: deps.added?.scmProviders });
  const aiConfig = readAiConfig(config);
  const fixPrConfig = readFixPrConfig(config);
  const aiClient = createAiClient(createAiProvider(config, aiConfig, deps.added?.aiProviders), aiConfig, { cache: new DatabaseAiCache(db, aiConfig.cacheTtlMs), observer: metrics });
  logger.info(aiClient ? `GORT AI: ${aiClient.providerName} (${aiClient.model})` : 'GORT AI: none (rules-only diagnosis, runtime-health intent checks)');
  const store = new FixPrStore(db);
  const fixPrs = new FixPrService({
    aiClient,
    scm,
    store,
    runStore: deps.runStore,
    logger,
    appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
    maxAttemptsAfterMerge: fixPrConfig.maxAttemptsAfterMerge,
    commentInDiagnoseOnly: fixPrConfig.commentInDiagnoseOnly,
    extraAllowedPaths: fixPrConfig.extraAllowedPaths,
    editPolicy: fixPrConfig.editPolicy,
    auditor: deps.auditor,
    onResult: result => metrics?.fixPr(result),
  });
  const followUps = new GortFollowUps({
    watcherStore: deps.watcherStore,
    lookup: deps.lookup,
    fixPrs,
    intent: new IntentValidator({ aiClient, readerFor: deps.readerFor }),
    scm,
    aiClient,
    runTokenBudget: aiConfig.runTokenBudget,
    logger,
    onIntentVerdict: result => metrics?.intentVerdict(result),
  });
  return { followUps, prStates: new PrStateRefresher({ store, runStore: deps.runStore, scm, logger }), scm };
}
