import { Knex } from 'knex';

export interface CachedAnswer {
  value: unknown;
  usage: { input: number; output: number };
}

/** Validated tool answers, keyed by provider, model and normalised input. */
export interface AiCache {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, provider: string, model: string, answer: CachedAnswer): Promise<void>;
}

const TABLE = 'gort_ai_cache';

export class DatabaseAiCache implements AiCache {
  constructor(
    private readonly db: Knex,
    private readonly ttlMs: number = 7 * 24 * 3600_000,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async get(key: string): Promise<CachedAnswer | undefined> {
    const row = await this.db(TABLE).where({ cache_key: key }).first();
    if (!row) return undefined;
    if (this.clock().getTime() - new Date(row.created_at).getTime() > this.ttlMs) return undefined;
    return { value: JSON.parse(row.answer), usage: { input: row.input_tokens, output: row.output_tokens } };
  }

  /** Deletes answers cached before `before`; returns how many. */
  async prune(before: Date): Promise<number> {
    return this.db(TABLE).where('created_at', '<', before).delete();
  }

  async set(key: string, provider: string, model: string, answer: CachedAnswer): Promise<void> {
    await this.db(TABLE)
      .insert({
        cache_key: key,
        provider,
        model,
        answer: JSON.stringify(answer.value),
        input_tokens: answer.usage.input,
        output_tokens: answer.usage.output,
        created_at: this.clock(),
      })
      .onConflict('cache_key')
      .merge();
  }
}

/** For tests and for running without a database. */
export class InMemoryAiCache implements AiCache {
  private readonly entries = new Map<string, CachedAnswer>();
  async get(key: string) {
    return this.entries.get(key);
  }
  async set(key: string, _provider: string, _model: string, answer: CachedAnswer) {
    this.entries.set(key, answer);
  }
}
