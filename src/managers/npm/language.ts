// How the language planner reads package.json dependencies: the version the project's lockfile installs, the .npmrc that governs it, and the lockfile's facts.
import semverLib from 'semver';
import { dataOf, type Dependency } from '../../types.js';
import type { CurrentVersion, LanguageSupport } from '../language-support.js';
import type { JsArtifactFacts } from './js-lockfile.js';
import { JsProjects } from './projects.js';
import { yarnFlavour, yarnrcAsNpmrc } from '../yarn/index.js';

// One JsProjects per scan: the planner hands every dependency the same texts map.
const projectsByTexts = new WeakMap<ReadonlyMap<string, string>, JsProjects>();

function projectsOf(texts: ReadonlyMap<string, string>): JsProjects {
  let projects = projectsByTexts.get(texts);
  if (!projects) projectsByTexts.set(texts, (projects = new JsProjects(texts)));
  return projects;
}

const keyOf = (dep: Dependency): string => dataOf(dep, 'npm')!.key;

export const npmLanguage: LanguageSupport = {
  versioning: 'semver',
  current(dep, texts): CurrentVersion | null {
    const range = dep.currentValue!;
    const project = projectsOf(texts).projectOf(dep.file);
    const locked = project.lockFile && project.format
      ? project.format.lockedVersion(texts.get(project.lockFile)!, project.lockFile, dep.file, keyOf(dep), range)
      : undefined;
    const version = locked ?? semverLib.minVersion(range)?.version;
    return version ? { version, range, locked: locked !== undefined } : null;
  },
  lookup(dep, texts) {
    const project = projectsOf(texts).projectOf(dep.file);
    // Berry reads its registries from .yarnrc.yml, never .npmrc.
    const yarnrc = project.format?.tool === 'yarn' && yarnFlavour(texts.get(project.lockFile!)!) === 'berry' ? project.configFiles.find((p) => /(^|\/)\.yarnrc\.yml$/.test(p)) : undefined;
    if (yarnrc) return { configFile: { path: yarnrc, text: yarnrcAsNpmrc(texts.get(yarnrc)!, yarnrc) } };
    const npmrc = project.npmrc;
    return npmrc ? { configFile: { path: npmrc, text: texts.get(npmrc)! } } : {};
  },
  artifact(dep, current, target, texts) {
    const project = projectsOf(texts).projectOf(dep.file);
    if (!project.lockFile || !project.format) return undefined;
    const inRange = current.range !== undefined && semverLib.satisfies(target.version, current.range);
    const facts: JsArtifactFacts = {
      tool: project.format.tool, root: project.root, lockFile: project.lockFile, packageFiles: project.packageFiles, configFiles: project.configFiles,
      ...(project.packageManager ? { packageManager: project.packageManager } : {}),
      packageName: dep.depName, key: keyOf(dep), newVersion: target.version, lockfileOnly: inRange,
    };
    return facts;
  },
};
