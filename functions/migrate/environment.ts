/**
 * The migration function's environment variables that the construct sets, shared by both sides.
 * No imports: the construct loads this at synth without loading the function's dependencies.
 */

/** Whether the database's TLS certificate is verified: `true`, or `false` when the environment explicitly opts out. */
export const TLS_VERIFY_ENV = 'DB_TLS_VERIFY';

/** The CA bundle's file name in the function folder (the handler verifies the server against it). */
export const CA_BUNDLE_FILE = 'db-ca.pem';
