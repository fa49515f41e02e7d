/**
 * A SCRAM-SHA-256 password verifier (RFC 5802/7677, as PostgreSQL stores it).
 * `ALTER ROLE … PASSWORD '<verifier>'` stores it as-is, so the plain password
 * never reaches the server, its statement log or `pg_stat_statements`.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** PostgreSQL's default iteration count (`scram_iterations`). */
export const SCRAM_ITERATIONS = 4096;

export function scramSha256Verifier(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/** A random password of 43 URL-safe characters (256 bits). */
export function generatePassword(): string {
  return randomBytes(32).toString('base64url');
}
