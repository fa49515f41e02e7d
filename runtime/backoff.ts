/**
 * Bounded, jittered exponential backoff: attempt n waits a random time between
 * half and all of `min(maxMs, initialMs × 2ⁿ)` ("equal jitter"), so that many
 * consumers retrying the same outage do not retry in step, and no wait is ever
 * longer than `maxMs`.
 */

/** How long to wait between retries. */
export interface BackoffOptions {
  /**
   * The first wait, in milliseconds (before jitter).
   * @default 200
   */
  readonly initialMs?: number;
  /**
   * The longest wait, in milliseconds: the bound of the backoff.
   * @default 30000
   */
  readonly maxMs?: number;
}

/** The wait before retry number `attempt` (0 for the first retry). */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const initial = options.initialMs ?? 200;
  const max = options.maxMs ?? 30_000;
  const ceiling = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * Waits `ms`, in slices of at most `sliceMs`, calling `tick` between slices (e.g. a consumer's heartbeat);
 * returns early (false) as soon as `active()` says to stop, else true.
 */
export async function pause(ms: number, active: () => boolean = () => true, tick: () => Promise<void> = async () => undefined, sliceMs = 500): Promise<boolean> {
  const end = Date.now() + ms;
  for (;;) {
    if (!active()) return false;
    const left = end - Date.now();
    if (left <= 0) return true;
    await new Promise((r) => setTimeout(r, Math.min(left, sliceMs)));
    await tick();
  }
}
