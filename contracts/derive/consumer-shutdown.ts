/**
 * How long a consumer's container has to stop. ECS sends SIGTERM, waits the
 * container's `stopTimeout`, then sends SIGKILL (the default is 30 s; Fargate
 * allows up to 120 s). The runtime (runtime/consumer.ts) finishes its
 * in-flight batch, commits and leaves its group within
 * {@link CONSUMER_SHUTDOWN_BUDGET_MS}, which leaves a margin before the kill.
 */

/** The `stopTimeout` set on every consumer container, in seconds. */
export const CONSUMER_STOP_TIMEOUT_SECONDS = 60;

/** How long the runtime gives in-flight work, the commit and leaving the group after SIGTERM, in milliseconds. */
export const CONSUMER_SHUTDOWN_BUDGET_MS = (CONSUMER_STOP_TIMEOUT_SECONDS - 15) * 1000;
