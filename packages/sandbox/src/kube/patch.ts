/** JSON merge patch (RFC 7386) and JSON patch (RFC 6902), pure. */
import { badRequest, KubeApiError } from './errors';

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return structuredClone(patch);
  const result: Record<string, unknown> = isPlainObject(target)
    ? { ...target }
    : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentOf(doc: unknown, tokens: string[], pointer: string): any {
  let current: any = doc;
  for (const token of tokens.slice(0, -1)) {
    if (
      current === null ||
      typeof current !== 'object' ||
      !(token in current)
    ) {
      throw badRequest(`jsonpatch: path "${pointer}" does not exist`);
    }
    current = current[token];
  }
  if (current === null || typeof current !== 'object') {
    throw badRequest(`jsonpatch: path "${pointer}" does not exist`);
  }
  return current;
}

function getAt(doc: unknown, pointer: string): unknown {
  let current: any = doc;
  for (const token of parsePointer(pointer)) {
    if (
      current === null ||
      typeof current !== 'object' ||
      !(token in current)
    ) {
      throw badRequest(`jsonpatch: path "${pointer}" does not exist`);
    }
    current = current[token];
  }
  return current;
}

function removeAt(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = Number(last);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw badRequest(
        `jsonpatch remove operation: index "${last}" out of bounds`,
      );
    }
    return parent.splice(index, 1)[0];
  }
  if (!(last in parent))
    throw badRequest(
      `jsonpatch remove operation does not apply: doc is missing path: "${pointer}"`,
    );
  const value = parent[last];
  delete parent[last];
  return value;
}

function addAt(
  doc: unknown,
  pointer: string,
  value: unknown,
  replace: boolean,
): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return structuredClone(value);
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1];
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw badRequest(`jsonpatch: index "${last}" out of bounds`);
    }
    if (replace) {
      if (index >= parent.length)
        throw badRequest(
          `jsonpatch replace operation does not apply: doc is missing path: "${pointer}"`,
        );
      parent[index] = structuredClone(value);
    } else {
      parent.splice(index, 0, structuredClone(value));
    }
  } else {
    if (replace && !(last in parent)) {
      throw badRequest(
        `jsonpatch replace operation does not apply: doc is missing key: ${pointer}`,
      );
    }
    parent[last] = structuredClone(value);
  }
  return doc;
}

export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw badRequest('json patch must be an array of operations');
  let doc = structuredClone(target);
  for (const raw of ops as JsonPatchOp[]) {
    if (
      !isPlainObject(raw) ||
      typeof raw.op !== 'string' ||
      typeof raw.path !== 'string'
    ) {
      throw badRequest('json patch operation must have "op" and "path"');
    }
    switch (raw.op) {
      case 'add':
        doc = addAt(doc, raw.path, raw.value, false);
        break;
      case 'replace':
        doc = addAt(doc, raw.path, raw.value, true);
        break;
      case 'remove':
        removeAt(doc, raw.path);
        break;
      case 'move': {
        const value = removeAt(doc, raw.from ?? '');
        doc = addAt(doc, raw.path, value, false);
        break;
      }
      case 'copy':
        doc = addAt(doc, raw.path, getAt(doc, raw.from ?? ''), false);
        break;
      case 'test':
        if (
          JSON.stringify(getAt(doc, raw.path)) !== JSON.stringify(raw.value)
        ) {
          throw new KubeApiError(
            'Invalid',
            `the server rejected our request due to an error in our request: testing value ${raw.path} failed`,
          );
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';

export function patchTypeFromContentType(
  contentType: string | undefined,
): PatchType | undefined {
  const mediaType = (contentType ?? '').split(';')[0].trim().toLowerCase();
  switch (mediaType) {
    case 'application/merge-patch+json':
      return 'merge';
    case 'application/strategic-merge-patch+json':
      return 'strategic';
    case 'application/json-patch+json':
      return 'json';
    case 'application/apply-patch+yaml':
      return 'apply';
    default:
      return undefined;
  }
}

export function applyPatch(
  type: PatchType,
  target: unknown,
  patch: unknown,
): unknown {
  // Strategic merge and server-side apply are treated as merge patches: our kinds have no
  // list merge keys that the simulation depends on.
  return type === 'json'
    ? applyJsonPatch(target, patch)
    : applyMergePatch(target, patch);
}
