/**
 * What Protobuf saves against JSON for one product in one environment, at the
 * protobuf/JSON size ratio measured at synth (`codec/size-sample.ts`). The
 * contract's `averageMessageBytes` is taken as the size of a record in JSON;
 * the estimate is linear in the message size, so the same storage in Protobuf
 * is `storage × ratio` and the saving `storage × (1 − ratio)`. Partitions do
 * not change, so the money saved is the storage saved times the storage price.
 * Pure; the numbers come with their formula.
 */
import type { PricingConfig } from '../environment';
import { gb, money, type CostEstimate } from './estimate';

const GB = 1e9;

export interface EncodingSaving {
  /** The protobuf/JSON size ratio used. */
  readonly ratio: number;
  /** Storage with records in JSON (the estimate's storage). */
  readonly jsonBytes: number;
  /** Storage with records in Protobuf. */
  readonly protoBytes: number;
  /** jsonBytes − protoBytes. */
  readonly savedBytes: number;
  /** Money saved per month, when prices are known. */
  readonly monthly?: number;
  readonly currency?: string;
  /** True when the estimate is an upper bound (an entity without key cardinality). */
  readonly upperBound: boolean;
  /** How it was computed, one line. */
  readonly formula: string;
}

/** The ratio as printed: `0.503`. */
export const ratioText = (r: number) => r.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 3 });

export function encodingSaving(estimate: CostEstimate, ratio: number, pricing?: PricingConfig): EncodingSaving {
  const jsonBytes = estimate.storageBytes;
  const protoBytes = jsonBytes * ratio;
  const savedBytes = jsonBytes - protoBytes;
  const base = `Protobuf saves ${gb(jsonBytes)} (JSON) × (1 − ${ratioText(ratio)} proto/JSON) = ${gb(savedBytes)}`;
  if (!pricing) return { ratio, jsonBytes, protoBytes, savedBytes, upperBound: estimate.upperBound, formula: base };
  const currency = pricing.currency ?? 'USD';
  const monthly = (savedBytes / GB) * pricing.storagePerGbMonth;
  return { ratio, jsonBytes, protoBytes, savedBytes, monthly, currency, upperBound: estimate.upperBound, formula: `${base} × ${pricing.storagePerGbMonth} ${currency}/GB-month = ${money(monthly)} ${currency}/month` };
}
