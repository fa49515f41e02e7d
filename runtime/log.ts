/**
 * What the runtime prints: one line per event, to stderr, prefixed with the
 * component and the product. Never a record's value, never a secret: a dead
 * letter is logged by its product, partition, offset, reason and failing
 * paths only (a contract violation's messages can quote the value).
 */
export interface RuntimeLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A log writing `<prefix>: <message>` lines to stderr (info to stdout). */
export function consoleLog(prefix: string): RuntimeLog {
  const line = (m: string) => `${new Date().toISOString()} ${prefix}: ${m}\n`;
  return {
    info: (m) => void process.stdout.write(line(m)),
    warn: (m) => void process.stderr.write(line(`warning: ${m}`)),
    error: (m) => void process.stderr.write(line(`error: ${m}`)),
  };
}

/** A log that prints nothing. */
export const silentLog: RuntimeLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
