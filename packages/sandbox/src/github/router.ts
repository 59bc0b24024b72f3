/** A minimal path router: `:name` matches one segment, `*name` the rest of the path (may contain `/`). */

export interface RouteMatch<H> {
  handler: H;
  params: Record<string, string>;
}

interface Route<H> {
  method: string;
  segments: string[];
  handler: H;
}

export class Router<H> {
  private readonly routes: Array<Route<H>> = [];

  add(method: string, pattern: string, handler: H): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler });
    return this;
  }

  /**
   * Matches against the raw (still percent-encoded) path so that an encoded
   * `/` inside a parameter (e.g. `heads%2Fmain`) stays inside that parameter.
   * Returns `methodNotAllowed` when the path exists with other methods only.
   */
  match(method: string, rawPath: string): RouteMatch<H> | 'methodNotAllowed' | undefined {
    const parts = rawPath.split('/').filter(Boolean);
    let pathMatched = false;
    for (const route of this.routes) {
      const params = matchSegments(route.segments, parts);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      pathMatched = true;
    }
    return pathMatched ? 'methodNotAllowed' : undefined;
  }
}

function matchSegments(pattern: string[], parts: string[]): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const segment = pattern[index];
    if (segment.startsWith('*')) {
      if (index >= parts.length) return undefined;
      params[segment.slice(1)] = safeDecode(parts.slice(index).join('/'));
      return params;
    }
    if (index >= parts.length) return undefined;
    if (segment.startsWith(':')) params[segment.slice(1)] = safeDecode(parts[index]);
    else if (segment !== parts[index]) return undefined;
  }
  return pattern.length === parts.length ? params : undefined;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
