// Planner: asks OSV which known vulnerabilities an update fixes (present before, absent after).
import pLimit from 'p-limit';
import type { OsvQuery, Vulnerability } from '../datasources/osv/index.js';
import type { PlannedUpdate, Planner, PlanState, ScanContext } from '../engine/types.js';
import { osvEcosystemOf } from '../datasources/index.js';
import { osEcosystem } from './ecosystems.js';
import { dependencyOf } from './platforms.js';

/** What the planner needs of OSV; OsvClient provides it. */
export interface VulnerabilitySource {
  affecting(queries: OsvQuery[]): Promise<string[][]>;
  vulnerability(id: string): Promise<Vulnerability>;
}

/** `update.extra.vulnerabilitiesFixed[]`. */
export interface FixedVulnerability {
  id: string;
  aliases: string[];
  severity?: string;
  summary?: string;
  /** `openssl (Debian:12)`, `lodash (npm)`. */
  package: string;
}

declare module '../engine/types.js' {
  interface UpdateFacts {
    vulnerabilitiesFixed: FixedVulnerability[];
    /** The update fixes a known vulnerability: release-age and schedule let it through, the PR is labelled. */
    security: boolean;
  }
}

export interface SecurityOptions {
  osv: VulnerabilitySource;
  /** Details fetched per scan at most; beyond that only ids are shown. */
  maxDetails?: number;
}

/** One package of one update, with the versions before and after. */
interface PackageChangeQuery {
  update: PlannedUpdate;
  ecosystem: string;
  name: string;
  before: string[];
  after: string[];
}

export function securityPlanner(options: SecurityOptions): Planner {
  return {
    name: 'security',
    async plan(state: PlanState, ctx: ScanContext): Promise<void> {
      const changes = state.updates.flatMap((u) => changesOf(state, u));
      if (changes.length === 0) return;
      const keyOf = (q: OsvQuery) => `${q.ecosystem}\u0000${q.name}\u0000${q.version}`;
      const queries = new Map<string, OsvQuery>();
      for (const c of changes) {
        for (const version of [...c.before, ...c.after]) {
          const q = { ecosystem: c.ecosystem, name: c.name, version };
          queries.set(keyOf(q), q);
        }
      }
      let answers: string[][];
      try {
        answers = await options.osv.affecting([...queries.values()]);
      } catch (err) {
        ctx.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'OSV not reachable: vulnerabilities not checked');
        return;
      }
      const idsOf = new Map([...queries.keys()].map((k, i) => [k, answers[i] ?? []]));
      const vulnsAt = (c: PackageChangeQuery, versions: string[]) =>
        new Set(versions.flatMap((version) => idsOf.get(keyOf({ ecosystem: c.ecosystem, name: c.name, version })) ?? []));

      const fixedByUpdate = new Map<PlannedUpdate, { id: string; package: string }[]>();
      for (const c of changes) {
        const after = vulnsAt(c, c.after);
        const fixed = [...vulnsAt(c, c.before)].filter((id) => !after.has(id));
        if (fixed.length === 0) continue;
        const list = fixedByUpdate.get(c.update) ?? [];
        list.push(...fixed.map((id) => ({ id, package: `${c.name} (${c.ecosystem})` })));
        fixedByUpdate.set(c.update, list);
      }
      const details = await detailsOf(options, [...new Set([...fixedByUpdate.values()].flat().map((f) => f.id))], ctx);
      for (const [update, fixed] of fixedByUpdate) {
        const vulnerabilitiesFixed: FixedVulnerability[] = fixed.map((f) => {
          const d = details.get(f.id);
          return { id: f.id, aliases: d?.aliases ?? [], package: f.package, ...(d?.severity ? { severity: d.severity } : {}), ...(d?.summary ? { summary: d.summary } : {}) };
        });
        update.extra = { ...update.extra, vulnerabilitiesFixed: vulnerabilitiesFixed.sort(bySeverity), security: true };
      }
    },
  };
}

/** The packages an update changes: OS source packages from the image diff, or the language package itself. */
function changesOf(state: PlanState, update: PlannedUpdate): PackageChangeQuery[] {
  const whatChanged = update.extra?.whatChanged;
  const diff = whatChanged?.packageDiff;
  if (diff) {
    const ecosystem = osEcosystem(diff.distro, diff.release);
    if (!ecosystem) return [];
    // Debian and Ubuntu advisories name source packages; Alpine's name the origin (also a source).
    return diff.changedSources.map((s) => ({ update, ecosystem, name: s.source, before: s.before, after: s.after }));
  }
  const dep = dependencyOf(state, update);
  const ecosystem = dep ? osvEcosystemOf(dep.datasource) : undefined;
  if (!dep || !ecosystem) return [];
  // The installed versions (a lockfile's, not a range) where the language planner knew them.
  const facts = update.extra?.package;
  const [before, after] = facts ? [facts.fromVersion, facts.toVersion] : [dep.currentValue, update.newValue];
  if (!before || !after || !isExactVersion(before) || !isExactVersion(after)) return [];
  // OSV writes Go module versions without Go's `v`.
  const osvVersion = (v: string) => (ecosystem === 'Go' ? v.replace(/^v/, '') : v);
  return [{ update, ecosystem, name: facts?.name ?? dep.depName, before: [osvVersion(before)], after: [osvVersion(after)] }];
}

/** A version, not a range: `1.2.3`, `2.0.0rc1`; not `^1.2`, `>=2,<3`. */
function isExactVersion(value: string): boolean {
  return /^v?\d[\w.+!-]*$/.test(value);
}

async function detailsOf(options: SecurityOptions, ids: string[], ctx: ScanContext): Promise<Map<string, Vulnerability>> {
  const limit = pLimit(8);
  const out = new Map<string, Vulnerability>();
  await Promise.all(
    ids.slice(0, options.maxDetails ?? 200).map((id) =>
      limit(async () => {
        try {
          out.set(id, await options.osv.vulnerability(id));
        } catch (err) {
          ctx.log.warn({ id, err: err instanceof Error ? err.message : String(err) }, 'vulnerability details not available');
        }
      }),
    ),
  );
  return out;
}

const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MODERATE', 'MEDIUM', 'LOW'];

function bySeverity(a: FixedVulnerability, b: FixedVulnerability): number {
  const rank = (s?: string) => {
    const i = SEVERITY_ORDER.indexOf(s ?? '');
    return i < 0 ? SEVERITY_ORDER.length : i;
  };
  return rank(a.severity) - rank(b.severity) || a.id.localeCompare(b.id);
}
