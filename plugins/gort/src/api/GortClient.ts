import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  EntityGortStatus,
  EntityGortStatusList,
  Run,
  RunList,
  Watcher,
  WatcherList,
} from '@gort-backstage/plugin-gort-common';
import { CreateRunResponse, GortApi, ListRunsRequest } from './GortApi';

/** `kind:namespace/name` → `namespace/kind/name`, lower-cased as the backend stores refs. */
export function entityStatusPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return [namespace, kind, name]
    .map(part => encodeURIComponent(part.toLocaleLowerCase('en-US')))
    .join('/');
}

export class GortClient implements GortApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl('gort');
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }

  async listWatchers(): Promise<Watcher[]> {
    return (await this.request<WatcherList>('/watchers')).items;
  }

  async getEntityStatus(entityRef: string): Promise<EntityGortStatus> {
    return this.request(`/entities/${entityStatusPath(entityRef)}/status`);
  }

  async listEntityStatuses(): Promise<EntityGortStatusList> {
    return this.request('/entities/status');
  }

  async listRuns(request: ListRunsRequest): Promise<RunList> {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request)) {
      if (value !== undefined && value !== '') {
        query.set(key, String(value));
      }
    }
    const search = query.toString();
    return this.request(`/runs${search ? `?${search}` : ''}`);
  }

  async getRun(runId: string): Promise<Run> {
    return this.request(`/runs/${encodeURIComponent(runId)}`);
  }

  async createRun(entityRef: string): Promise<CreateRunResponse> {
    return this.request('/runs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entityRef }),
    });
  }
}
