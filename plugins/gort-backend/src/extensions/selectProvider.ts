/**
 * The provider `id` names, among the built-ins and those backend modules
 * added through an extension point. Throws on two providers with one id, or
 * when none has it, naming the config key and the ids installed.
 */
export function selectProvider<T extends { readonly id: string }>(
  providers: T[],
  selection: { kind: string; configKey: string; id: string },
): T {
  const byId = new Map<string, T>();
  for (const provider of providers) {
    if (byId.has(provider.id)) {
      throw new Error(`Two GORT ${selection.kind} providers have the id "${provider.id}"; a module must use an id of its own`);
    }
    byId.set(provider.id, provider);
  }
  const selected = byId.get(selection.id);
  if (!selected) {
    throw new Error(
      `Invalid config ${selection.configKey}: "${selection.id}" is not an installed ${selection.kind} provider; installed: ${[...byId.keys()].join(', ')}. A provider of another id comes from a backend module that adds it.`,
    );
  }
  return selected;
}
