import type { GortScmProvider } from '@gort-backstage/plugin-gort-node';
import type { CommitComparer } from '../runs/ports';
import type { CommitComparison } from '../runs/pushOrder';

/** The run processor's compare, through the configured SCM (GitHub's compare API by default). */
export class ScmCommitComparer implements CommitComparer {
  constructor(private readonly scm: GortScmProvider) {}

  async compare(input: {
    repo: string;
    base: string;
    head: string;
  }): Promise<CommitComparison> {
    const repository = await this.repository(input.repo);
    if (!repository.compareCommits)
      throw new Error(`the ${this.scm.id} SCM provider cannot compare commits`);
    return repository.compareCommits(input.base, input.head);
  }

  async branchHead(input: {
    repo: string;
    branch: string;
  }): Promise<string | undefined> {
    return (await this.repository(input.repo)).getBranchHead(input.branch);
  }

  private async repository(fullName: string) {
    const [owner, name, ...rest] = fullName.split('/');
    if (!owner || !name || rest.length > 0)
      throw new Error(`"${fullName}" is not owner/repo`);
    return this.scm.repository({ owner, repo: name });
  }
}
