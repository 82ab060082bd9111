// The one HTTP client Freshen uses for registries and other hosts.
export {
  createHttpClient,
  describeUrl,
  type HttpClient,
  type HttpClientOptions,
  type HttpResponseEvent,
  type HttpRequestOptions,
  type HttpResponse,
  type HttpStreamResponse,
  type HttpStats,
} from './client.js';
export { BlockedHostError, ExternalHostError, RateLimitError } from './errors.js';
export { isPublicAddress, parseHostList, type DnsLookup } from './address-guard.js';
export { parseRetryAfter } from './retry.js';
