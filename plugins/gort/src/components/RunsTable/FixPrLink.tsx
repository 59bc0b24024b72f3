import { Link } from '@backstage/core-components';
import type { RunFixPr } from '@gort-backstage/plugin-gort-common';

type FixPrSummary = Pick<RunFixPr, 'status' | 'url' | 'number' | 'prState'>;

/** `#42 (open)` linking to the pull request, or what happened instead. */
export function FixPrLink(props: { fixPr?: FixPrSummary }) {
  const { fixPr } = props;
  if (!fixPr) {
    return null;
  }
  const state = fixPr.prState ?? fixPr.status;
  if (!fixPr.url) {
    return <>{fixPr.status}</>;
  }
  const label = fixPr.number ? `#${fixPr.number}` : 'pull request';
  return (
    <Link to={fixPr.url} aria-label={`Fix pull request ${label} (${state})`}>
      {label} ({state})
    </Link>
  );
}
