/**
 * The runtime's one kind of error for a person: a message that names the
 * product, what is wrong and what to do, printed by the command-line entry
 * points (`npm run sink`, `npm run dlq:replay`, the container entry point)
 * without a stack trace.
 */
export class RuntimeError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RuntimeError';
  }
}

/** The message of any thrown value, on one line. */
export function messageOf(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
