/**
 * Where a rule's wording comes from: the upstream line that writes the
 * message. Rules cite the literal fragment they match so that a change of
 * wording upstream is a reviewable diff, not silent drift
 * (`templates.test.ts` checks each fragment against an extract of the line).
 */
export interface TemplateSource {
  /** `owner/name` on GitHub. */
  repo: string;
  commit: string;
  path: string;
  line: number;
  /** A literal piece of the template (no format verbs) that the rule's pattern keys on. */
  fragment: string;
}

/** The upstream snapshots the citations were read from. */
export const UPSTREAM_COMMITS = {
  'fluxcd/cli-utils': '967855fb3343bc09706ea6b7030d8a3f18d9926b',
  'fluxcd/helm-controller': '0f61a8607a62be64638f2f912d9487e653960a6e',
  'fluxcd/kustomize-controller': '186fb3b29138ce82ff61ba1a9370b96a3dd598fe',
  'fluxcd/pkg': 'e2cfd1a2d1815a81b3e77ef750e6528282ccccd6',
  'fluxcd/source-controller': '39b711b111fa906c3db0a424e252a5d12e48646d',
  'getsops/sops': '15e36f97a8641769712da76b64aec4ea566be81e',
  'FiloSottile/age': '10561a774f9f6de47c8d23ddc58537b6a18b083d',
  'go-git/go-git': '374c354884f12ea0a8f80ae9c429a44a33ba4bb1',
  'go-yaml/yaml': 'f6f7691b1fdeb513f56608cd2c32c51f8194bf51',
  'golang/crypto': '82adefa711cb8d9a1f12c7ea91b491007d21819f',
  'helm/helm': 'e9b85e4de16ad45805843fb121748018cf89094b',
  'kubernetes/api': '10b39a39bcee995dfe7cd5e8e7b922be5e46f1e2',
  'kubernetes/apimachinery': 'eed236ceee2c19c2753a3d93ac0631dc20750454',
  'kubernetes/apiserver': '24a394e516bfda066d7e2221d7d92c052de27c54',
  'kubernetes/cli-runtime': '69e8693b2560484b0b950d56006157200ab67947',
  'kubernetes/cri-api': '791729b255f0c2d0019d3862ba6ef000c4a30c4d',
  'kubernetes/kubectl': 'dee3483a3d6a64c07fdf746caf80af446dee99ac',
  // Too large to fetch: files read one by one with the search tool's read_file, each at its own commit.
  'kubernetes/kubernetes': '',
  'kubernetes/pod-security-admission':
    '8f84a87c7f617f64a4ddc1aea24aeeb7a2e07cb8',
  'kubernetes-sigs/kustomize': '12f9e6391464b3ad9dd3fe8182049dc1b1772990',
  'kubernetes-sigs/structured-merge-diff':
    '15d075473efece0367330fd20a7cc2aad2eeb998',
} as const;

export type UpstreamRepo = keyof typeof UPSTREAM_COMMITS;

/**
 * A citation at the snapshot's commit, or at `commit` when the template only
 * exists in an older release (messages in the wild come from many versions).
 */
export function cite(
  repo: UpstreamRepo,
  path: string,
  line: number,
  fragment: string,
  commit?: string,
): TemplateSource {
  return {
    repo,
    commit: commit ?? UPSTREAM_COMMITS[repo],
    path,
    line,
    fragment,
  };
}

/** `owner/name@commit:path#Lline`, the form used in extracts and in `--explain`. */
export function formatSource(s: TemplateSource): string {
  return `${s.repo}@${s.commit}:${s.path}#L${s.line}`;
}
