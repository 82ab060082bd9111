// Request budgets shared by all workers: GitHub writes per installation, registry requests per host.
export { RequestBudget, type BatchReservation, type Reservation, type Window } from './ledger.js';
export { pauseFromHeaders } from './headers.js';
export { budgetSettingsFromEnv, DEFAULT_BUDGET, githubWriteWindows, type BudgetSettings } from './settings.js';
export { inFlightName, limitConcurrentRequests, paceGitHub, releaseUnusedWrites, reserveWrites, writesBudgetName } from './github.js';
export { RedisSemaphore, type SemaphoreOptions } from './semaphore.js';
export { registryBudget, type HostBudget } from './registry.js';
export { updateValue, valuePriority, type UpdateValue } from './value.js';
