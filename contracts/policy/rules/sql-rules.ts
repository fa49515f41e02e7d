/** CM-SQL-1: no generated migration drops anything. */
import { COMPLIANT, nonCompliant, NOT_APPLICABLE, type PolicyRule } from '../rule';

const DROPS: ReadonlyArray<[RegExp, string]> = [
  [/\bDROP\s+(TABLE|SCHEMA|COLUMN|INDEX|VIEW|MATERIALIZED\s+VIEW|TYPE|DATABASE|CONSTRAINT|SEQUENCE|FUNCTION|TRIGGER)\b/i, 'DROP'],
  [/\bALTER\s+TABLE\b[^;]*\bDROP\b/i, 'ALTER TABLE … DROP'],
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

export const NO_DROPPING_MIGRATION: PolicyRule = {
  id: 'CM-SQL-1',
  level: 'error',
  message: 'No generated migration drops anything.',
  explanation: 'Migrations are additive: a removed field stays as a nullable column until the major version is retired. DROP, ALTER TABLE … DROP, TRUNCATE and DELETE FROM lose data that consumers may still read.',
  appliesTo: { kinds: ['resource'], types: '*' },
  check: (r) => {
    const texts = sqlTexts(r.config);
    if (texts.length === 0) return NOT_APPLICABLE;
    const drops = [...new Set(texts.flatMap(migrationDrops))];
    return drops.length ? nonCompliant(`the SQL of ${r.type} at ${r.path} contains ${drops.join(', ')}.`) : COMPLIANT;
  },
};
