import { StatusLabel } from '../StatusLabel';

export function IntentLabel(props: { met?: boolean }) {
  if (props.met === undefined) {
    return null;
  }
  return props.met ? (
    <StatusLabel kind="ok" label="Intent met" />
  ) : (
    <StatusLabel kind="error" label="Intent not met" />
  );
}
