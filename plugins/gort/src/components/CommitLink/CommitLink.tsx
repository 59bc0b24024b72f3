import { Link } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import { commitUrl, RepoLike, shortSha } from '../../lib/revisions';

/** A short SHA linking to the commit, with the full SHA on hover. */
export function CommitLink(props: {
  sha: string;
  url?: string;
  repo?: RepoLike;
}) {
  const { sha } = props;
  const href = commitUrl(props);
  const text = <code>{shortSha(sha)}</code>;
  return (
    <Tooltip title={sha}>
      {href ? (
        <Link to={href} aria-label={`commit ${sha}`}>
          {text}
        </Link>
      ) : (
        <span aria-label={`commit ${sha}`}>{text}</span>
      )}
    </Tooltip>
  );
}
