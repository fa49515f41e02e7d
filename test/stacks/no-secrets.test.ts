/** No secret value in anything `npm run synth` writes. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSynth } from '../helpers';
import { synthesizeMesh } from '../../stacks/app';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

/** Keys whose value would be a secret if it were a literal. */
const SECRET_KEYS = ['password', 'secret_string', 'secret_binary', 'sasl_password', 'master_password', 'password_wo', 'secret_string_wo'];

/** An interpolation whose password comes from an ephemeral resource (and no quoted password). */
function isEphemeralOnly(v: unknown): boolean {
  return typeof v === 'string' && /^\$\{.*\}$/s.test(v) && /ephemeral\.[a-z_]+\.[^.\s]+\.random_password/.test(v) && !/password\s*=\s*"/.test(v);
}

/** A read of one of the stack's sensitive variables (`${var.<name>["<key>"]}`), e.g. the local mesh's SCRAM passwords. */
function isSensitiveVariable(v: unknown, sensitive: ReadonlySet<string>): boolean {
  const m = typeof v === 'string' ? /^\$\{var\.([A-Za-z0-9_-]+)(?:\["[^"]*"\])?\}$/.exec(v) : null;
  return !!m && sensitive.has(m[1]);
}

function literalSecrets(value: unknown, path: string, out: string[], sensitive: ReadonlySet<string> = new Set()): void {
  if (Array.isArray(value)) value.forEach((v, i) => literalSecrets(v, `${path}[${i}]`, out, sensitive));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      // A secret-bearing argument may only carry an expression (an ephemeral value or a sensitive variable), never a literal.
      if (SECRET_KEYS.includes(k) && !isEphemeralOnly(v) && !isSensitiveVariable(v, sensitive)) out.push(`${path}.${k}`);
      literalSecrets(v, `${path}.${k}`, out, sensitive);
    }
  }
}

/** The names of a stack's variables declared `sensitive`. */
function sensitiveVariables(json: { variable?: Record<string, { sensitive?: boolean; type?: string }> }): Set<string> {
  return new Set(Object.entries(json.variable ?? {}).filter(([, v]) => v.sensitive === true).map(([k]) => k));
}

describe('synthesized output', () => {
  const outdir = mkdtempSync(join(tmpdir(), 'contract-mesh-nosecrets-'));
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('carries no literal password or secret string anywhere', () => {
    expect(synthesizeMesh({ ...fixtureSynth(), root: join(__dirname, '..', '..'), outdir, log: { info: () => undefined, error: (m) => { throw new Error(m); } } })).toBe(0);
    const found: string[] = [];
    let secretsWritten = 0;
    for (const f of files(outdir).filter((x) => x.endsWith('.json'))) {
      const json = JSON.parse(readFileSync(f, 'utf8'));
      literalSecrets(json, f.slice(outdir.length), found, sensitiveVariables(json));
      secretsWritten += (readFileSync(f, 'utf8').match(/"secret_string_wo"/g) ?? []).length;
    }
    expect(found).toEqual([]);
    expect(secretsWritten).toBeGreaterThan(0); // the check saw the identities' secrets
  });

  it('fails if a literal password is synthesized', () => {
    const found: string[] = [];
    literalSecrets({ resource: { aws_db_instance: { db: { password: 'hunter2' } }, aws_secretsmanager_secret_version: { v: { secret_string_wo: '${ephemeral.aws_secretsmanager_random_password.p.random_password}' } } } }, '', found);
    expect(found).toEqual(['.resource.aws_db_instance.db.password']);
    const quoted: string[] = [];
    literalSecrets({ v: { secret_string_wo: '${jsonencode({ username = "a", password = "hunter2" })}' } }, '', quoted);
    expect(quoted).toEqual(['.v.secret_string_wo']);
  });

  it('fails if a password comes from a variable that is not sensitive', () => {
    const tf = { variable: { scram_passwords: { type: 'map(string)' } }, resource: { kafka_user_scram_credential: { u: { password_wo: '${var.scram_passwords["u"]}' } } } };
    const found: string[] = [];
    literalSecrets(tf, '', found, sensitiveVariables(tf));
    expect(found).toEqual(['.resource.kafka_user_scram_credential.u.password_wo']);
    const ok: string[] = [];
    const sensitive = { ...tf, variable: { scram_passwords: { type: 'map(string)', sensitive: true } } };
    literalSecrets(sensitive, '', ok, sensitiveVariables(sensitive));
    expect(ok).toEqual([]);
  });
});
