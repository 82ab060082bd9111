// What the OS package pin planner attaches to the updates it proposes or ties to a base image update.
import type { AtomicWith } from './os-pins.js';

declare module '../types.js' {
  interface UpdateFacts {
    /** A pin update that must land in the same commit (and PR group) as this base image update. */
    atomicWith: AtomicWith;
    /** A pin update: the OS release it was looked up in. A base image update: the release it moves from and to. */
    osRelease: string | { from: string; to: string };
    /** A base image update: the pin updates that ride with it. */
    osPins: { file: string; line: number; from: string; to: string }[];
    /** The pinned version is gone from the package sources: the next build fails. */
    brokenPin: boolean;
    /** Where the distribution publishes the package's changelog. */
    changelogUrl: string;
    /** What moves: `apt`/`apk` for an OS package pin, the ARG/ENV (or package) name for a tool pin. */
    tool: string;
  }
}
