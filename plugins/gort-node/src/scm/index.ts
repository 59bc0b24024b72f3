export type {
  GortScmProvider,
  ScmCommit,
  ScmCommitFilesInput,
  ScmDiffFile,
  ScmPullRequest,
  ScmRepository,
  ScmRepositoryRef,
} from './types';
