// Request budgets shared by all workers: GitHub writes per installation, registry requests per host.
export { RequestBudget, type Reservation, type Window } from './ledger.js';
export { pauseFromHeaders } from './headers.js';
export { budgetSettingsFromEnv, DEFAULT_BUDGET, githubWriteWindows, type BudgetSettings } from './settings.js';
export { paceGitHub, writeWaitMs, writesBudgetName } from './github.js';
export { registryBudget, type HostBudget } from './registry.js';
export { updateValue, valuePriority, type UpdateValue } from './value.js';
