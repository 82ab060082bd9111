// The Dockerfile manager: which files it reads, and its parser for other modules (OS package pins...).
import type { Manager } from '../../types.js';
import { extractDockerfile } from './extract.js';
import { updateDockerfile } from './update.js';

const DOCKERFILE_NAME = /^(?:(?:[Dd]ocker|[Cc]ontainer)file(?:\..+)?|.+\.[Dd]ockerfile)$/;

export function isDockerfilePath(path: string): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1);
  // `Dockerfile.dockerignore` is the ignore file of that Dockerfile, not a Dockerfile.
  return DOCKERFILE_NAME.test(name) && !name.endsWith('.dockerignore');
}

export const dockerfileManager: Manager = {
  name: 'dockerfile',
  matches: isDockerfilePath,
  extract: extractDockerfile,
  update: updateDockerfile,
};

export { parseDockerfile } from './parser.js';
export { expandWord, unquoteWord } from './variables.js';
export { splitWords, parseExecForm, parseMountFields, heredocMarkers, unquoteShellWord } from './words.js';
export { flagValue } from './instruction.js';
export { baseImageOf } from './stages.js';
export { LineIndex } from '../line-index.js';
export { isContiguous, spanOf } from './mapped.js';
export { extractDockerfile, referenceParts } from './extract.js';
export type { DockerfileDependencyData, DockerfileLocation, ImageUseKind, ReferencePart } from './extract.js';
export { updateDockerfile } from './update.js';
export type * from './types.js';
