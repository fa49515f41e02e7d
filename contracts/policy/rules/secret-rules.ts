/** CM-SECRET-1: no secret literal anywhere in the synthesized configuration. */
import { COMPLIANT, isReference, nonCompliant, type PolicyRule } from '../rule';

/** A key whose value is a secret … */
const SECRET_KEY = /(^|_)(password|passwd|secret|secret_string|secret_binary|token|private_key|client_key|access_key|secret_key|api_key|credentials?|passphrase|password_wo)$/i;
/** … unless it only names or points at one. */
const NOT_A_SECRET_KEY = /(_arn|_id|_ids|_name|_version|_file|_url|_uri|_mechanism|_region|_length|_days|_stage|_type)$/i;
/** Values that are secrets whatever their key. */
const SECRET_VALUES: ReadonlyArray<[RegExp, string]> = [
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  [/[a-z][a-z0-9+.-]*:\/\/[^/\s:@${}]+:[^@\s/${}]+@/i, 'a URL with a password'],
];

function pathText(path: readonly string[]): string {
  return path.join('.') || '(value)';
}

/** The places (key paths, never values) where a configuration holds a secret literal. */
export function secretLiterals(value: unknown, path: string[] = []): string[] {
  if (typeof value === 'string') {
    const key = path[path.length - 1] ?? '';
    if (value && !isReference(value) && SECRET_KEY.test(key) && !NOT_A_SECRET_KEY.test(key)) return [`${pathText(path)} (a literal for a secret setting)`];
    for (const [re, what] of SECRET_VALUES) if (re.test(value)) return [`${pathText(path)} (${what})`];
    return [];
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => secretLiterals(v, [...path, String(i)]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => secretLiterals(v, [...path, k]));
  return [];
}

export const NO_SECRET_LITERAL: PolicyRule = {
  id: 'CM-SECRET-1',
  level: 'error',
  message: 'No secret literal in the synthesized configuration.',
  explanation: 'cdk.tf.json is committed to CI logs and plan files; a password, token, key or credential URL must come from Secrets Manager, a write-only attribute fed at deploy time, or the environment — never a literal.',
  appliesTo: { kinds: ['resource', 'data', 'provider'], types: '*' },
  check: (r) => {
    const found = secretLiterals(r.config);
    return found.length ? nonCompliant(`${r.kind} ${r.type} at ${r.path} has a secret literal at ${found.join(', ')}.`) : COMPLIANT;
  },
};
