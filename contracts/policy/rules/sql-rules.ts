/**
 * CM-SQL-1: no migration drops anything — neither SQL in a resource's
 * configuration nor a migration bundled in an asset (the migration function's
 * `migrations.json`, which is what the function runs).
 */
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyResource, type PolicyRule } from '../rule';

const DROPS: ReadonlyArray<[RegExp, string]> = [
  [/\bDROP\s+(TABLE|SCHEMA|COLUMN|INDEX|VIEW|MATERIALIZED\s+VIEW|TYPE|DATABASE|SEQUENCE|FUNCTION|TRIGGER|OWNED)\b/i, 'DROP'],
  // Dropping a NOT NULL, a default or a constraint loses no data (the generator drops NOT NULL when a field becomes
  // optional, and replaces a CHECK by a wider one); dropping anything else from a table does.
  [/\bALTER\s+TABLE\b[^;]*\bDROP\b(?!\s+(?:NOT\s+NULL|DEFAULT|CONSTRAINT|IDENTITY|EXPRESSION)\b)/i, 'ALTER TABLE … DROP'],
  [/\bTRUNCATE\b/i, 'TRUNCATE'],
  [/\bDELETE\s+FROM\b/i, 'DELETE FROM'],
];

/** The destructive statements of a migration script (comments ignored), e.g. `["DROP TABLE"]`. */
export function migrationDrops(sql: string): string[] {
  const text = sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  const found: string[] = [];
  for (const statement of text.split(';')) {
    for (const [re, label] of DROPS) {
      const m = re.exec(statement);
      if (m) {
        found.push(label === 'DROP' ? `DROP ${m[1].toUpperCase().replace(/\s+/g, ' ')}` : label);
        break;
      }
    }
  }
  return [...new Set(found)];
}

const SQL_KEY = /sql|migration|ddl|statement/i;

/** Every SQL text in a configuration: strings under a key that names SQL, also inside JSON strings (a Lambda invocation's `input`). */
export function sqlTexts(value: unknown, keyPath: readonly string[] = []): string[] {
  const found: string[] = [];
  // Only whether some key on the way names SQL matters, not the path itself.
  const walk = (v: unknown, underSqlKey: boolean): void => {
    if (typeof v === 'string') {
      const c = v.trimStart().charCodeAt(0);
      if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
        // JSON with no key that names SQL holds no SQL text (IAM policies, container definitions): not parsed.
        if (!underSqlKey && !SQL_KEY.test(v)) return;
        const t = v.trim();
        if (t.length > 1) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(t);
          } catch {
            parsed = undefined; // not JSON
          }
          if (parsed !== undefined) return walk(parsed, underSqlKey);
        }
      }
      if (underSqlKey) found.push(v);
      return;
    }
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const item of v) walk(item, underSqlKey);
      return;
    }
    for (const k in v) if (Object.prototype.hasOwnProperty.call(v, k)) walk((v as Record<string, unknown>)[k], underSqlKey || SQL_KEY.test(k));
  };
  walk(value, keyPath.some((k) => SQL_KEY.test(k)));
  return found;
}

/**
 * The SQL an asset carries, by name: each `{ id, sql }` of a bundled migrations list (`migrations.json`), and any
 * other SQL text found in its JSON files (named by the file).
 */
export function bundledSql(r: Pick<PolicyResource, 'config'>): Array<{ name: string; sql: string }> {
  const files = (r.config.files ?? {}) as Record<string, unknown>;
  const out: Array<{ name: string; sql: string }> = [];
  for (const [file, content] of Object.entries(files)) {
    if (Array.isArray(content) && content.every((m) => typeof m === 'object' && m !== null && typeof (m as { sql?: unknown }).sql === 'string')) {
      content.forEach((m: { id?: unknown; sql: string }, i) => out.push({ name: typeof m.id === 'string' ? m.id : `${file}[${i}]`, sql: m.sql }));
      continue;
    }
    for (const sql of sqlTexts(content, [file])) out.push({ name: file, sql });
  }
  return out;
}

export const NO_DROPPING_MIGRATION: PolicyRule = {
  id: 'CM-SQL-1',
  level: 'error',
  message: 'No migration drops anything.',
  explanation: 'Migrations are additive: a removed field stays as a nullable column until the major version is retired. DROP, ALTER TABLE … DROP, TRUNCATE and DELETE FROM lose data that consumers may still read. Checked in resource configurations and in the migrations bundled with the migration function (its migrations.json, which is what it runs).',
  appliesTo: { kinds: ['resource', 'asset'], types: '*' },
  check: (r) => {
    if (r.kind === 'asset') {
      const bundled = bundledSql(r);
      if (bundled.length === 0) return NOT_APPLICABLE;
      const found = bundled.map((m) => ({ name: m.name, drops: migrationDrops(m.sql) })).filter((m) => m.drops.length);
      return found.length ? nonCompliant(`the migrations bundled at ${r.path} contain ${found.map((m) => `${m.drops.join(', ')} (${m.name})`).join('; ')}.`) : COMPLIANT;
    }
    const texts = sqlTexts(r.config);
    if (texts.length === 0) return NOT_APPLICABLE;
    const drops = [...new Set(texts.flatMap(migrationDrops))];
    return drops.length ? nonCompliant(`the SQL of ${r.type} at ${r.path} contains ${drops.join(', ')}.`) : COMPLIANT;
  },
};
