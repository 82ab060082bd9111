// The GitHub client type and the repository identity every GitHub helper takes.
import type { ProbotOctokit } from 'probot';

export type GitHub = InstanceType<typeof ProbotOctokit>;

export interface RepoRef {
  installationId: number;
  repoId: number;
  owner: string;
  repo: string;
}
