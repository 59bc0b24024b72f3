import { createHash } from 'node:crypto';
import type { AiPrompt } from '@gort-backstage/plugin-gort-node';

/**
 * Whitespace differences (trailing spaces, CRLF, runs of blank lines) do not
 * change what the model is asked, so they must not defeat the cache.
 */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cache key of a prompt for one provider and model. */
export function aiCacheKey(provider: string, model: string, prompt: AiPrompt, maxTokens: number): string {
  const normalised = JSON.stringify({
    system: normaliseText(prompt.system),
    messages: prompt.messages.map(m => [m.role, normaliseText(m.content)]),
    tools: prompt.tools.map(t => t.name),
    toolChoice: prompt.toolChoice.name,
    maxTokens,
  });
  return createHash('sha256').update(`${provider}\u0000${model}\u0000${normalised}`).digest('hex');
}
