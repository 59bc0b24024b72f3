import type { GortScmProvider } from '@gort-backstage/plugin-gort-node';
import type { CommitComparer } from '../runs/ports';
import type { CommitComparison } from '../runs/pushOrder';

/** The run processor's compare, through the configured SCM (GitHub's compare API by default). */
export class ScmCommitComparer implements CommitComparer {
  constructor(private readonly scm: GortScmProvider) {}

  async compare(input: { repo: string; base: string; head: string }): Promise<CommitComparison> {
    const [owner, name, ...rest] = input.repo.split('/');
    if (!owner || !name || rest.length > 0) throw new Error(`"${input.repo}" is not owner/repo`);
    const repository = await this.scm.repository({ owner, repo: name });
    if (!repository.compareCommits) throw new Error(`the ${this.scm.id} SCM provider cannot compare commits`);
    return repository.compareCommits(input.base, input.head);
  }
}
