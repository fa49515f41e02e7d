/** CM-SECRET-1: no secret literal anywhere in the synthesized configuration. */
import { COMPLIANT, isReference, nonCompliant, type PolicyRule } from '../rule';

/** A key whose value is a secret … */
const SECRET_KEY = /(^|_)(password|passwd|secret|secret_string|secret_binary|token|private_key|client_key|access_key|secret_key|api_key|credentials?|passphrase|password_wo)$/i;
/** … unless it only names or points at one. */
const NOT_A_SECRET_KEY = /(_arn|_id|_ids|_name|_version|_file|_url|_uri|_mechanism|_region|_length|_days|_stage|_type)$/i;
/**
 * Values that are secrets whatever their key, each with a substring that every match contains, tested
 * first: a mesh's configuration has millions of strings, and almost none contain these.
 */
const SECRET_VALUES: ReadonlyArray<[string, RegExp, string]> = [
  ['AKIA', /\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  ['-----BEGIN ', /-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a PEM private key'],
  ['://', /[a-z][a-z0-9+.-]*:\/\/[^/\s:@${}]+:[^@\s/${}]+@/i, 'a URL with a password'],
];

function pathText(path: readonly string[]): string {
  return path.join('.') || '(value)';
}

/** The places (key paths, never values) where a configuration holds a secret literal. */
export function secretLiterals(value: unknown, path: string[] = []): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const key = path.length > 0 ? path[path.length - 1] : '';
      if (v && SECRET_KEY.test(key) && !NOT_A_SECRET_KEY.test(key) && !isReference(v)) {
        found.push(`${pathText(path)} (a literal for a secret setting)`);
        return;
      }
      for (const [needle, re, what] of SECRET_VALUES) {
        if (v.includes(needle) && re.test(v)) {
          found.push(`${pathText(path)} (${what})`);
          return;
        }
      }
      return;
    }
    if (!v || typeof v !== 'object') return;
    // One path, extended and shortened in place; a place's text is built only when it is reported.
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(String(i));
        walk(v[i]);
        path.pop();
      }
      return;
    }
    for (const k in v) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) continue;
      path.push(k);
      walk((v as Record<string, unknown>)[k]);
      path.pop();
    }
  };
  walk(value);
  return found;
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
