// Which webhook deliveries were taken (a day in Redis), so a redelivered or replayed one is acknowledged and dropped.
import type { Redis } from 'ioredis';

/** GitHub redelivers on request, not on its own; a day covers a redelivery asked right after a failure. */
export const DELIVERY_MEMORY_SECONDS = 24 * 3600;

export interface Delivery {
  /** X-GitHub-Delivery. */
  id: string;
  /** SHA-256 of the signed body, hex. */
  bodyDigest: string;
}

export class DeliveryMemory {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds = DELIVERY_MEMORY_SECONDS,
  ) {}

  /**
   * Remembers the delivery and answers true when neither its id nor its body was seen. The id
   * header is not covered by the signature: a captured body sent again under a new id is a
   * repeat too (GitHub's events carry their own ids and times, so two real ones never share a body).
   */
  async claim(delivery: Delivery): Promise<boolean> {
    const byId = await this.redis.set(idKey(delivery), '1', 'EX', this.ttlSeconds, 'NX');
    if (byId !== 'OK') return false;
    const byBody = await this.redis.set(bodyKey(delivery), delivery.id, 'EX', this.ttlSeconds, 'NX');
    return byBody === 'OK';
  }

  /** Forgets a claimed delivery whose handling failed, so GitHub's redeliver runs it again. */
  async forget(delivery: Delivery): Promise<void> {
    await this.redis.del(idKey(delivery), bodyKey(delivery));
  }
}

const idKey = (delivery: Delivery) => `webhook:delivery:${delivery.id}`;
const bodyKey = (delivery: Delivery) => `webhook:body:${delivery.bodyDigest}`;
