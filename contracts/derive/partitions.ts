import type { CompiledProduct } from '../compile';
import type { EnvironmentConfig } from '../environment';
import { byteRate, num, type Derived } from './derived';

/** What one partition is planned to carry: 1 MB/s written … */
export const PARTITION_TARGET_BYTES_PER_SECOND = 1_000_000;
/** … and 1,000 records/s, a rate one consumer instance can process with a database write per record. */
export const PARTITION_TARGET_MESSAGES_PER_SECOND = 1_000;
/** Peak throughput is multiplied by this before dividing, so a partition runs at most half full at peak. */
export const PARTITION_HEADROOM = 2;

/**
 * partitions = clamp(max(⌈peak msg/s × avg bytes × headroom ÷ 1 MB/s⌉,
 *                        ⌈peak msg/s × headroom ÷ 1,000 msg/s⌉),
 *                    env.min, env.max)
 */
export function derivePartitions(product: Pick<CompiledProduct, 'throughput'>, env: EnvironmentConfig): Derived<number> {
  const { peakMessagesPerSecond: rate, averageMessageBytes: size } = product.throughput;
  const byBytes = Math.ceil((rate * size * PARTITION_HEADROOM) / PARTITION_TARGET_BYTES_PER_SECOND);
  const byMessages = Math.ceil((rate * PARTITION_HEADROOM) / PARTITION_TARGET_MESSAGES_PER_SECOND);
  const wanted = Math.max(byBytes, byMessages, 1);
  const { min, max } = env.kafka.partitions;
  const value = Math.min(Math.max(wanted, min), max);
  let reason =
    `peak ${num(rate)} msg/s × ${num(size)} B = ${byteRate(rate * size)}; ×${PARTITION_HEADROOM} headroom over 1 MB/s and ${num(PARTITION_TARGET_MESSAGES_PER_SECOND)} msg/s per partition → ${num(wanted)}`;
  if (value > wanted) reason += `, raised to ${env.name}'s minimum of ${min}`;
  if (value < wanted) reason += `, capped at ${env.name}'s maximum of ${max}`;
  return { value, reason };
}
