// The faults suite's fleet: three images in the test registry, 50 repositories of five shapes, and what each should end with.
import { randomBytes } from 'node:crypto';
import type { GitHubSim } from '../support/github-sim/index.js';
import { pushIndex } from '../support/oci-push.js';

export interface Image {
  /** host/namespace/name, as written in a Dockerfile and shown as the dependency's name. */
  depName: string;
  /** Tag → digest of what the registry serves for it. */
  digests: Record<string, string>;
  /** Its newest tag with the same major, and its next major (if any). */
  minor: string;
  major?: string;
}

export interface Images {
  a: Image;
  b: Image;
  c: Image;
}

/** a: 1.0 → 1.1; b: 1.0 → 1.1 and 2.0 (a separate PR); c: 1.0 → 1.1. */
export async function pushImages(registryHost: string): Promise<Images> {
  const namespace = `faults${randomBytes(4).toString('hex')}`;
  const push = async (name: string, tags: string[]): Promise<Image> => {
    const digests: Record<string, string> = {};
    for (const tag of tags) {
      digests[tag] = (await pushIndex(`http://${registryHost}`, `${namespace}/${name}`, tag, [{ files: [{ 'release.txt': `${name} ${tag}\n` }] }])).digest;
    }
    const major = tags.find((t) => t.startsWith('2.'));
    return { depName: `${registryHost}/${namespace}/${name}`, digests, minor: '1.1', ...(major ? { major } : {}) };
  };
  const [a, b, c] = await Promise.all([push('a', ['1.0', '1.1']), push('b', ['1.0', '1.1', '2.0']), push('c', ['1.0', '1.1'])]);
  return { a, b, c };
}

/** A base image reference on one Dockerfile line. */
export interface BaseRef {
  image: Image;
  tag: string;
  pinned?: boolean;
  /** Written after the reference (` AS build`). */
  suffix?: string;
}

/** A Dockerfile: plain lines, and `FROM` lines naming a base image. */
export type DockerfileSpec = (string | BaseRef)[];

export interface FleetRepo {
  owner: string;
  name: string;
  repoId: number;
  installationId: number;
  /** The default branch's Dockerfiles as the repository ends (a push during the sweep replaces them). */
  dockerfiles: Record<string, DockerfileSpec>;
}

const refText = (r: BaseRef) => `${r.image.depName}:${r.tag}${r.pinned ? `@${r.image.digests[r.tag]}` : ''}`;

export function renderDockerfile(spec: DockerfileSpec): string {
  return spec.map((line) => (typeof line === 'string' ? line : `FROM ${refText(line)}${line.suffix ?? ''}`)).join('\n') + '\n';
}

/** The five shapes, by repository number: one file, two files, a major, already current, multi-stage. */
export function shapeOf(n: number, { a, b, c }: Images): Record<string, DockerfileSpec> {
  switch (n % 5) {
    case 0:
      return { Dockerfile: [{ image: a, tag: '1.0' }, 'RUN true'] };
    case 1:
      return { Dockerfile: [{ image: a, tag: '1.0' }], 'services/api/Dockerfile': [{ image: c, tag: '1.0' }, 'CMD ["api"]'] };
    case 2:
      return { Dockerfile: [{ image: b, tag: '1.0' }, 'USER 1000'] };
    case 3:
      return { Dockerfile: [{ image: a, tag: '1.1', pinned: true }, 'RUN true'] };
    default:
      return { Dockerfile: [{ image: c, tag: '1.0', suffix: ' AS build' }, 'RUN make', { image: a, tag: '1.0' }, 'COPY --from=build /out /app'] };
  }
}

export const files = (dockerfiles: Record<string, DockerfileSpec>): Record<string, string> =>
  Object.fromEntries(Object.entries(dockerfiles).map(([path, spec]) => [path, renderDockerfile(spec)]));

/** `count` repositories over installations of `perInstallation`, named org<i>/r<nn>. */
export function createFleet(sim: GitHubSim, images: Images, count: number, perInstallation: number): FleetRepo[][] {
  const installations: FleetRepo[][] = [];
  for (let first = 0; first < count; first += perInstallation) {
    const owner = `org${first / perInstallation}`;
    const inst = sim.createInstallation({ account: owner });
    const repos: FleetRepo[] = [];
    for (let n = first; n < Math.min(count, first + perInstallation); n++) {
      const name = `r${String(n).padStart(2, '0')}`;
      const dockerfiles = shapeOf(n, images);
      const created = sim.createRepo({ owner, name, installationId: inst.id, files: files(dockerfiles) });
      repos.push({ owner, name, repoId: created.id, installationId: inst.id, dockerfiles });
    }
    installations.push(repos);
  }
  return installations;
}

/** One update an expected PR carries: where, and the pinned reference it writes. */
export interface ExpectedUpdate {
  file: string;
  /** 1-based line of the FROM. */
  line: number;
  depName: string;
}

export interface ExpectedPr {
  branch: string;
  /** Every file the PR changes, with its whole expected text. */
  files: Record<string, string>;
  updates: ExpectedUpdate[];
}

const majorBranch = (image: Image) => `freshen/major-${image.depName.toLowerCase().replace(/[^a-z0-9._-]+/g, '-')}`;

/** The PRs the repository should end with: its non-major updates in one, each major alone; all pinned to digests. */
export function expectedPrs(repo: FleetRepo): ExpectedPr[] {
  const prs = new Map<string, ExpectedPr>();
  for (const [path, spec] of Object.entries(repo.dockerfiles)) {
    const outdated = (line: string | BaseRef): line is BaseRef => typeof line !== 'string' && !(line.pinned && line.tag === line.image.minor);
    const bump = (to: (r: BaseRef) => string | undefined) => {
      const changed = spec.map((line) => (outdated(line) && to(line) ? { ...line, tag: to(line)!, pinned: true } : line));
      return changed.some((line, i) => line !== spec[i]) ? changed : null;
    };
    const add = (branch: string, changed: DockerfileSpec | null) => {
      if (!changed) return;
      const pr = prs.get(branch) ?? { branch, files: {}, updates: [] };
      pr.files[path] = renderDockerfile(changed);
      changed.forEach((line, i) => {
        if (line !== spec[i] && typeof line !== 'string') pr.updates.push({ file: path, line: i + 1, depName: line.image.depName });
      });
      prs.set(branch, pr);
    };
    add('freshen/container-images', bump((r) => r.image.minor));
    for (const image of new Set(spec.filter(outdated).map((r) => r.image))) {
      if (image.major) add(majorBranch(image), bump((r) => (r.image === image ? image.major : undefined)));
    }
  }
  return [...prs.values()];
}

/** The base images the dashboard should list for the default branch, with their line and tag. */
export function expectedDependencies(repo: FleetRepo): { file: string; line: number; depName: string; tag: string }[] {
  return Object.entries(repo.dockerfiles).flatMap(([file, spec]) =>
    spec.flatMap((line, i) => (typeof line === 'string' ? [] : [{ file, line: i + 1, depName: line.image.depName, tag: line.tag }])));
}
