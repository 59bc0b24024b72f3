export type {
  GortScmProvider,
  ScmComment,
  ScmCommit,
  ScmCommitComparison,
  ScmCommitFilesInput,
  ScmDiffFile,
  ScmPullRequest,
  ScmRepository,
  ScmRepositoryRef,
} from './types';
