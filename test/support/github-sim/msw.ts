// msw 3 adapter: handlers that answer every request under a base URL from the simulation.
import { http, type HttpHandler } from 'msw';
import type { GitHubSim } from './sim.js';

/**
 * Use with `setupServer(...simHandlers(sim)).listen({ onUnhandledFrame: 'error' })` (msw 3's
 * option; msw 2's `onUnhandledRequest` is silently ignored). Base URL without a trailing slash.
 */
export function simHandlers(sim: GitHubSim, baseUrl = 'https://api.github.com'): HttpHandler[] {
  return [http.all(`${baseUrl.replace(/\/+$/, '')}/*`, ({ request }) => sim.handle(request))];
}
