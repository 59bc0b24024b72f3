export type {
  GortScmProvider,
  ScmComment,
  ScmCommit,
  ScmCommitFilesInput,
  ScmDiffFile,
  ScmPullRequest,
  ScmRepository,
  ScmRepositoryRef,
} from './types';
