/**
 * The review's cost estimate of one product in one environment: storage and
 * partitions, and — when the environment has prices — money per month. Pure;
 * every number comes with the formula that produced it.
 */
import type { ProductKind } from '../dsl/data-product';
import type { PricingConfig } from '../environment';
import { duration, num } from '../derive/derived';

/** Dead letters are estimated at this share of the peak rate. */
export const DEAD_LETTER_ASSUMED_RATE = 0.001;
/** An entity without declared key cardinality is estimated as if every record of this window had a distinct key (an upper bound). */
export const ENTITY_UPPER_BOUND_WINDOW_MS = 7 * 86_400_000;
/** Hours in a month for per-hour prices. */
export const HOURS_PER_MONTH = 730;
const GB = 1e9;

/** What the estimate needs, as written to mesh-manifest.json. */
export interface CostInputs {
  readonly kind: ProductKind;
  readonly peakMessagesPerSecond: number;
  readonly averageMessageBytes: number;
  /** Distinct keys, when the contract declares it. */
  readonly keyCardinality?: number;
  /** The main topic's retention (events) or tombstone retention (entities), ms. */
  readonly retentionMs: number;
  readonly deadLetterRetentionMs: number;
  readonly replicationFactor: number;
  readonly partitions: number;
  readonly deadLetterPartitions: number;
}

export interface CostEstimate {
  readonly storageBytes: number;
  readonly partitions: number;
  /** Money per month, when prices are known. */
  readonly monthly?: number;
  readonly currency?: string;
  /** True when an entity declares no key cardinality. */
  readonly upperBound: boolean;
  /** How the numbers were computed, one line each. */
  readonly formula: readonly string[];
}

export function estimateCost(c: CostInputs, pricing?: PricingConfig): CostEstimate {
  const formula: string[] = [];
  let topicBytes: number;
  let upperBound = false;
  if (c.kind === 'event') {
    topicBytes = c.peakMessagesPerSecond * c.averageMessageBytes * (c.retentionMs / 1000) * c.replicationFactor;
    formula.push(`topic: ${num(c.peakMessagesPerSecond)} msg/s × ${num(c.averageMessageBytes)} B × ${duration(c.retentionMs)} × ${c.replicationFactor} replicas = ${gb(topicBytes)}`);
  } else if (c.keyCardinality !== undefined) {
    topicBytes = c.keyCardinality * c.averageMessageBytes * c.replicationFactor;
    formula.push(`topic: ${num(c.keyCardinality)} keys × ${num(c.averageMessageBytes)} B × ${c.replicationFactor} replicas = ${gb(topicBytes)}`);
  } else {
    upperBound = true;
    topicBytes = c.peakMessagesPerSecond * c.averageMessageBytes * (ENTITY_UPPER_BOUND_WINDOW_MS / 1000) * c.replicationFactor;
    formula.push(`topic (upper bound: no keyCardinality declared, as if every record of ${duration(ENTITY_UPPER_BOUND_WINDOW_MS)} at peak had its own key): ${num(c.peakMessagesPerSecond)} msg/s × ${num(c.averageMessageBytes)} B × ${duration(ENTITY_UPPER_BOUND_WINDOW_MS)} × ${c.replicationFactor} replicas = ${gb(topicBytes)}`);
  }
  const dlqBytes = c.peakMessagesPerSecond * DEAD_LETTER_ASSUMED_RATE * c.averageMessageBytes * (c.deadLetterRetentionMs / 1000) * c.replicationFactor;
  formula.push(`dead letters at an assumed ${DEAD_LETTER_ASSUMED_RATE * 100}% of peak: ${num(c.peakMessagesPerSecond * DEAD_LETTER_ASSUMED_RATE)} msg/s × ${num(c.averageMessageBytes)} B × ${duration(c.deadLetterRetentionMs)} × ${c.replicationFactor} replicas = ${gb(dlqBytes)}`);
  const storageBytes = topicBytes + dlqBytes;
  const partitions = c.partitions + c.deadLetterPartitions;
  if (!pricing) return { storageBytes, partitions, upperBound, formula };
  const storageCost = (storageBytes / GB) * pricing.storagePerGbMonth;
  const partitionCost = partitions * pricing.partitionPerHour * HOURS_PER_MONTH;
  const currency = pricing.currency ?? 'USD';
  formula.push(`${gb(storageBytes)} × ${pricing.storagePerGbMonth} ${currency}/GB-month + ${partitions} partitions × ${pricing.partitionPerHour} ${currency}/partition-hour × ${HOURS_PER_MONTH} h = ${money(storageCost + partitionCost)} ${currency}/month`);
  return { storageBytes, partitions, monthly: storageCost + partitionCost, currency, upperBound, formula };
}

/** Bytes → "12.3 GB". */
export function gb(bytes: number): string {
  return `${(bytes / GB).toLocaleString('en-US', { maximumFractionDigits: bytes / GB < 10 ? 2 : 0 })} GB`;
}

/** 12.3456 → "12.35". */
export function money(v: number): string {
  return v.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
