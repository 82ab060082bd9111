// Worker memory: bounds how far V8 grows the heap between full collections (FRESHEN_HEAP_GROWTH_PERCENT).
import { setFlagsFromString } from 'node:v8';

/**
 * Sets V8's heap growing factor to 1 + percent/100 for this process. Unlike a heap size limit it
 * never makes a large scan fail: the heap still grows with what is live, only less garbage waits.
 * V8 reads the factor at every collection, so setting it at start-up takes effect.
 */
export function limitHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${Math.round(percent)}`);
}
