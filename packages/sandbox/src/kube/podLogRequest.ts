/** `GET .../pods/<name>/log` with the kubelet's error messages. */
import { badRequest } from './errors';
import { KubeStore } from './store';

export function readPodLog(
  store: KubeStore,
  namespace: string,
  podName: string,
  q: URLSearchParams,
): string {
  const pod = store.get({ apiVersion: 'v1', kind: 'Pod' }, namespace, podName);
  const containers: string[] = (pod.spec?.containers ?? []).map(
    (c: any) => c.name,
  );
  let container = q.get('container') ?? undefined;
  if (!container) {
    if (containers.length !== 1) {
      throw badRequest(
        `a container name must be specified for pod ${podName}, choose one of: [${containers.join(
          ' ',
        )}]`,
      );
    }
    container = containers[0];
  }
  if (!containers.includes(container)) {
    throw badRequest(`container ${container} is not valid for pod ${podName}`);
  }
  const previous = q.get('previous') === 'true';
  const status = (pod.status?.containerStatuses ?? []).find(
    (c: any) => c.name === container,
  );
  const lines = store.logs.read(namespace, podName, container, previous);
  if (previous && !lines) {
    throw badRequest(
      `previous terminated container "${container}" in pod "${podName}" not found`,
    );
  }
  const waiting = status?.state?.waiting?.reason;
  if (
    !previous &&
    (waiting === 'ContainerCreating' ||
      waiting === 'ErrImagePull' ||
      waiting === 'ImagePullBackOff' ||
      !status)
  ) {
    const why =
      waiting === 'ErrImagePull' || waiting === 'ImagePullBackOff'
        ? 'trying and failing to pull image'
        : 'ContainerCreating';
    throw badRequest(
      `container "${container}" in pod "${podName}" is waiting to start: ${why}`,
    );
  }
  let selected = lines ?? [];
  const tail = q.get('tailLines');
  if (tail !== null) {
    const n = Number(tail);
    if (!Number.isInteger(n) || n < 0)
      throw badRequest(`invalid tailLines "${tail}"`);
    selected = n === 0 ? [] : selected.slice(-n);
  }
  return selected.map(l => `${l}\n`).join('');
}
