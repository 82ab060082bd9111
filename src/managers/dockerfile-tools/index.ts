// Tool versions a Dockerfile downloads (ARG/ENV `*_VERSION` in a RUN's URL) and the checksums that move with them.
import type { Manager } from '../../types.js';
import { isDockerfilePath } from '../dockerfile/index.js';
import { extractTools, MANAGER } from './extract.js';
import { updateTool } from './update.js';

export const dockerfileToolsManager: Manager = {
  name: MANAGER,
  matches: isDockerfilePath,
  extract: extractTools,
  update: updateTool,
};

export { extractTools, urlTemplate, VERSION_MARK, type ToolChecksum, type ToolExtra, type ToolLocation } from './extract.js';
export { decodeDigest, encodeDigest, algorithmOf, type ChecksumAlgorithm, type DigestPart } from './checksums.js';
export { parseAnnotation, TOOL_DATASOURCES, type ToolSource } from './annotation.js';
export { SAFE_TOOL_VERSION, updateTool } from './update.js';
