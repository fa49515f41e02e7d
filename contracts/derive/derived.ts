/** A derived value and the one-line reason for it, quoted by reports and errors. */
export interface Derived<T> {
  readonly value: T;
  readonly reason: string;
}

/** One formatter for every call: `toLocaleString` with options builds a new `Intl.NumberFormat` each time (~1 ms per product). */
const NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Small fractions keep two significant digits, so that 0.001 does not print as 0. */
const SMALL_NUMBER_FORMAT = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 });

/** 1234567 → "1,234,567"; 0.5 → "0.5"; 0.001 → "0.001". */
export function num(n: number): string {
  return n !== 0 && Math.abs(n) < 0.01 ? SMALL_NUMBER_FORMAT.format(n) : NUMBER_FORMAT.format(n);
}

/** 1 → "1 partition", 1200 → "1,200 partitions". */
export function count(n: number, unit: string): string {
  return `${num(n)} ${unit}${n === 1 ? '' : 's'}`;
}

/** Bytes per second, in decimal units as the partition target (1 MB/s): "400 B/s", "5 kB/s", "0.8 MB/s". */
export function byteRate(bytesPerSecond: number): string {
  if (bytesPerSecond >= 10_000) return `${num(bytesPerSecond / 1_000_000)} MB/s`;
  if (bytesPerSecond >= 1_000) return `${num(bytesPerSecond / 1_000)} kB/s`;
  return `${num(bytesPerSecond)} B/s`;
}

/** A duration in ms → "7 days", "12 hours", "90 minutes". */
export function duration(ms: number): string {
  const units: Array<[number, string]> = [[86_400_000, 'day'], [3_600_000, 'hour'], [60_000, 'minute'], [1000, 'second']];
  for (const [size, unit] of units) {
    if (ms >= size && ms % size === 0) {
      const n = ms / size;
      return `${num(n)} ${unit}${n === 1 ? '' : 's'}`;
    }
  }
  return `${num(ms)} ms`;
}

/** Bytes → "1 MiB", "64 KiB", "812 B". */
export function bytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${num(n / (1 << 20))} MiB`;
  if (n >= 1024 && n % 1024 === 0) return `${num(n / 1024)} KiB`;
  return `${num(n)} B`;
}
