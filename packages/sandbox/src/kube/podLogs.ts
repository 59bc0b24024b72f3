/** Container logs per pod, with the previous instance kept after a restart like the kubelet does. */

interface ContainerLogs {
  current: string[];
  previous?: string[];
}

const key = (namespace: string, pod: string, container: string) =>
  `${namespace}/${pod}/${container}`;

export class PodLogStore {
  private readonly logs = new Map<string, ContainerLogs>();

  append(
    namespace: string,
    pod: string,
    container: string,
    ...lines: string[]
  ): void {
    const entry = this.logs.get(key(namespace, pod, container)) ?? {
      current: [],
    };
    entry.current.push(...lines);
    this.logs.set(key(namespace, pod, container), entry);
  }

  /** The running instance ended; its log becomes `previous` and a new instance starts empty. */
  restart(namespace: string, pod: string, container: string): void {
    const entry = this.logs.get(key(namespace, pod, container)) ?? {
      current: [],
    };
    this.logs.set(key(namespace, pod, container), {
      current: [],
      previous: entry.current,
    });
  }

  read(
    namespace: string,
    pod: string,
    container: string,
    previous: boolean,
  ): string[] | undefined {
    const entry = this.logs.get(key(namespace, pod, container));
    if (!entry) return previous ? undefined : [];
    return previous ? entry.previous : entry.current;
  }

  removePod(namespace: string, pod: string): void {
    for (const k of [...this.logs.keys()]) {
      if (k.startsWith(`${namespace}/${pod}/`)) this.logs.delete(k);
    }
  }
}
