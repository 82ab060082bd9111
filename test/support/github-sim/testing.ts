// Test helpers around the simulation: an app key pair and a Probot whose Octokit neither throttles nor retries.
import { generateKeyPairSync } from 'node:crypto';
import { Probot, ProbotOctokit } from 'probot';
import { GitHubSim, type GitHubSimOptions } from './sim.js';

export interface AppKeys {
  privateKey: string;
  publicKey: string;
}

let cachedKeys: AppKeys | null = null;

/** One RSA key pair per test process (generation takes ~100 ms). */
export function appKeys(): AppKeys {
  cachedKeys ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return cachedKeys;
}

/**
 * ProbotOctokit with throttling and retries off. Probot 14 merges its own throttle defaults over
 * object options, so only the function form turns them off.
 */
export const QuietOctokit = ProbotOctokit.defaults((options: Record<string, unknown>) => ({
  ...options,
  retry: { enabled: false },
  throttle: { ...(options.throttle as object), enabled: false },
}));

/** A simulation that checks JWT signatures against appKeys(). */
export function signedSim(options: Omit<GitHubSimOptions, 'publicKey'> = {}): GitHubSim {
  return new GitHubSim({ ...options, publicKey: appKeys().publicKey });
}

/** A Probot for the simulation's app, talking to `baseUrl` (default api.github.com, for msw). */
export function simProbot(sim: GitHubSim, baseUrl?: string): Probot {
  return new Probot({
    appId: sim.app.id,
    privateKey: appKeys().privateKey,
    Octokit: QuietOctokit,
    logLevel: 'fatal',
    ...(baseUrl ? { baseUrl } : {}),
  });
}
