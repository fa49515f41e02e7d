/**
 * Reading an IAM policy as synthesis writes it, so that the IAM rules and the
 * review can judge it.
 *
 * In `cdk.tf.json` a policy is a Terraform string, and so a template: the JSON
 * that a construct built with `JSON.stringify` carries references in its string
 * values (`"Resource": ["${aws_sns_topic.t.arn}"]`, and the expression between
 * `${` and `}` is HCL, quotes and all: `${x.arns["ledger-sink"]}`); `Fn.jsonencode`
 * gives one interpolation around an HCL object (`${jsonencode({"Effect" = …,
 * "Resource" = aws_sns_topic.t.arn})}`); `DataAwsIamPolicyDocument.json` gives
 * `${data.aws_iam_policy_document.x.json}`. Terraform evaluates the template
 * first, so a reference stands for one value the plan does not know yet.
 *
 * The reader keeps every reference as an opaque string — `${aws_sns_topic.t.arn}`
 * is a specific resource, never a wildcard; a wildcard is only what the policy
 * writes outside a reference (`arn:aws:secretsmanager:${var.region}:1:secret:*`).
 * IAM policy variables (`$${aws:username}` in Terraform) come out as
 * `${aws:username}`, also opaque. What the reader cannot see through — an action
 * or effect given by a reference, a template directive (`%{ if … }`), a policy
 * that is the value of some other expression (`${file("p.json")}`) — makes the
 * policy unreadable, with the reason: the rules then cannot prove it least
 * privilege, and CM-IAM-7 says so.
 *
 * Pure; no CDK import. Each policy text is read once (memoised by text).
 */

/** One condition of a statement: `{ operator: { key: values } }`. */
export interface IamCondition {
  /** The condition operator, e.g. `StringEquals`, `ArnLike`, `ForAnyValue:StringLike`. */
  readonly operator: string;
  /** The condition key, as written (IAM compares keys case-insensitively), e.g. `kms:ViaService`. */
  readonly key: string;
  readonly values: readonly string[];
}

/** One principal of a statement: `{ "Service": "lambda.amazonaws.com" }` is `{ type: 'Service', id: 'lambda.amazonaws.com' }`. */
export interface IamPrincipal {
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `*` (`"Principal": "*"`). */
  readonly type: string;
  readonly id: string;
}

/** One IAM statement, normalised. References stay in the strings, verbatim (`${aws_x.y.arn}`). */
export interface IamStatement {
  /** @default - none */
  readonly sid?: string;
  /** `Allow` or `Deny`. */
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  /** `Resource`; a statement with `NotResource` has `*` here (it grants every resource but the listed ones). */
  readonly resources: readonly string[];
  readonly notResources: readonly string[];
  /** Who the statement is about (resource and trust policies); empty for an identity policy. */
  readonly principals: readonly IamPrincipal[];
  readonly notPrincipals: readonly IamPrincipal[];
  readonly conditions: readonly IamCondition[];
  /** The condition keys the statement tests, lower-cased, e.g. `kms:viaservice`. */
  readonly conditionKeys: readonly string[];
}

/** What reading a policy gave. */
export type PolicyReading =
  /** Every statement, judged by the rules. */
  | { readonly status: 'read'; readonly statements: readonly IamStatement[] }
  /** The policy is a policy document's JSON (`${data.aws_iam_policy_document.x.json}`): judged as that document. */
  | { readonly status: 'document'; readonly address: string }
  /** The guardrails cannot see what the policy grants. */
  | { readonly status: 'unreadable'; readonly reason: string };

/** Resource types whose `policy` attribute is an identity policy (key and resource policies are about their own resource and excluded). */
export const IAM_POLICY_TYPES: readonly string[] = [
  'aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role',
];

/** The Terraform type of an IAM policy document data source. */
export const POLICY_DOCUMENT = 'aws_iam_policy_document';

/** A parsed JSON or HCL value. */
type Json = unknown;

/** Thrown inside the reader; becomes an `unreadable` reading. */
class Unreadable extends Error {}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

// ---------------------------------------------------------------------------------------------------------------
// Templates: `${…}` interpolations and `%{…}` directives in a Terraform string.

/**
 * The index just past the `}` that closes the interpolation whose `${` is at `start`: the HCL expression between
 * them may hold braces, and strings with their own escapes and interpolations.
 */
function interpolationEnd(text: string, start: number): number {
  let depth = 0;
  for (let i = start + 2; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = hclStringEnd(text, i) - 1;
    else if (c === '{') depth++;
    else if (c === '}') {
      if (depth === 0) return i + 1;
      depth--;
    }
  }
  throw new Unreadable(`an interpolation at character ${start} is not closed`);
}

/** The index just past the closing quote of the HCL string literal whose opening quote is at `start`. */
function hclStringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '"') return i + 1;
    else if ((c === '$' || c === '%') && text[i + 1] === '{') {
      if (text[i - 1] === c) continue; // `$${`, `%%{`: a literal
      i = interpolationEnd(text, i) - 1;
    }
  }
  throw new Unreadable(`a string at character ${start} is not closed`);
}

/** The text of a Terraform string with every `${…}` replaced by `\u0001` (the literal parts, where wildcards are). */
export function withoutReferences(s: string): string {
  if (!s.includes('${')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{' && s[i - 1] !== '$') {
      try {
        i = interpolationEnd(s, i) - 1;
      } catch {
        return out;
      }
      out += '\u0001';
    } else out += s[i];
  }
  return out;
}

/** True when a string holds a reference (an interpolation); an IAM policy variable counts too. */
export function hasReference(s: string): boolean {
  return s.includes('${');
}

// ---------------------------------------------------------------------------------------------------------------
// JSON with interpolations (what `JSON.stringify` gives once cdktf has resolved its tokens).

const PLACEHOLDER = /\u0001(\d+)\u0001/g;

/**
 * Parses JSON whose string values may hold interpolations: each interpolation becomes a placeholder for
 * `JSON.parse`, and is put back, verbatim, in the parsed strings. An interpolation where a JSON value goes
 * (`"Resource": ${…}`) is a string holding only that reference.
 */
function parseTemplatedJson(text: string): Json {
  if (!text.includes('${') && !text.includes('%{')) return parseJson(text);
  const refs: string[] = [];
  let out = '';
  let inString = false;
  let from = 0;
  // Jumps from one character that matters to the next: the scan is linear and mostly native.
  const special = /["\\$%]/g;
  for (let m = special.exec(text); m; m = special.exec(text)) {
    const i = m.index;
    const c = text[i];
    if (c === '\\') {
      if (inString) special.lastIndex = i + 2;
      continue;
    }
    if (c === '"') {
      inString = !inString;
      continue;
    }
    if (text[i + 1] !== '{') continue;
    const literal = text[i - 1] === c;
    if (c === '%' && !literal) throw new Unreadable('it holds a template directive (%{ … }), which decides its text when Terraform runs');
    if (literal) {
      // `$${` is a literal `${` (an IAM policy variable such as ${aws:username}): drop the escaping `$`.
      out += text.slice(from, i - 1);
      from = i;
      continue;
    }
    const end = interpolationEnd(text, i);
    const ref = `\\u0001${refs.length}\\u0001`;
    refs.push(text.slice(i, end));
    out += text.slice(from, i) + (inString ? ref : `"${ref}"`);
    from = end;
    special.lastIndex = end;
  }
  out += text.slice(from);
  const parsed = parseJson(out);
  return refs.length ? restore(parsed, refs) : parsed;
}

function parseJson(text: string): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new Unreadable(`it is not JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function restore(v: Json, refs: readonly string[]): Json {
  const put = (s: string) => (s.includes('\u0001') ? s.replace(PLACEHOLDER, (_m, n: string) => refs[Number(n)]) : s);
  if (typeof v === 'string') return put(v);
  if (Array.isArray(v)) return v.map((x) => restore(x, refs));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [put(k), restore(x, refs)]));
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// HCL values (the argument of `jsonencode(…)`, as cdktf's Fn.jsonencode renders it).

/**
 * Parses the literal HCL value at the start of `text` (objects `{ k = v }` or `{ k: v }`, tuples, quoted strings
 * with interpolations, numbers, true/false/null); any other expression (a traversal such as `aws_x.y.arn`, a
 * function call) is kept as the opaque reference `${<expression>}`.
 */
function parseHcl(text: string): Json {
  let i = 0;
  /** The match of a sticky regex at `i`, without copying the rest of the text. */
  const at = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = i;
    return re.exec(text);
  };
  const space = () => {
    for (;;) {
      while (i < text.length && /\s/.test(text[i])) i++;
      if (text[i] === '#' || (text[i] === '/' && text[i + 1] === '/')) while (i < text.length && text[i] !== '\n') i++;
      else if (text[i] === '/' && text[i + 1] === '*') {
        const end = text.indexOf('*/', i + 2);
        i = end < 0 ? text.length : end + 2;
      } else return;
    }
  };
  const string = (): string => {
    const end = hclStringEnd(text, i);
    const body = text.slice(i + 1, end - 1);
    i = end;
    // The escapes of an HCL string are JSON's, but for `$${` and `%%{`; interpolations stay verbatim.
    let out = '';
    for (let k = 0; k < body.length; k++) {
      const c = body[k];
      if (c === '\\') {
        const n = body[k + 1];
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\' };
        if (n in simple) { out += simple[n]; k++; } else if (n === 'u') { out += String.fromCharCode(parseInt(body.slice(k + 2, k + 6), 16)); k += 5; } else out += c;
      } else if ((c === '$' || c === '%') && body[k + 1] === c && body[k + 2] === '{') {
        out += `${c}{`;
        k += 2;
      } else if (c === '%' && body[k + 1] === '{') {
        throw new Unreadable('it holds a template directive (%{ … }), which decides its text when Terraform runs');
      } else if (c === '$' && body[k + 1] === '{') {
        const end2 = interpolationEnd(body, k);
        out += body.slice(k, end2);
        k = end2 - 1;
      } else out += c;
    }
    return out;
  };
  /** An expression that is not a literal: up to the next `,`, newline or closing bracket at its own depth. */
  const expression = (): string => {
    const start = i;
    let depth = 0;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') { i = hclStringEnd(text, i); continue; }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (depth === 0 && (c === ',' || c === '\n')) break;
      i++;
    }
    const expr = text.slice(start, i).trim();
    if (!expr) throw new Unreadable(`an HCL value is missing at character ${start}`);
    return `\${${expr}}`;
  };
  const value = (): Json => {
    space();
    const c = text[i];
    // A for expression (`[for x in xs : …]`, `{for k, v in m : …}`): a value Terraform computes.
    if ((c === '[' || c === '{') && at(/[[{]\s*for\s/y)) return expression();
    if (c === '{') {
      i++;
      const o: Record<string, Json> = {};
      for (;;) {
        space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return o; }
        if (i >= text.length) throw new Unreadable('an HCL object is not closed');
        let key: string;
        if (text[i] === '"') key = string();
        else {
          const m = at(/[A-Za-z_][\w-]*/y);
          if (!m) throw new Unreadable(`an HCL object key is expected at character ${i} (a computed key is not read)`);
          key = m[0];
          i += key.length;
        }
        space();
        if (text[i] !== '=' && text[i] !== ':') throw new Unreadable(`"=" or ":" is expected after the key ${key}`);
        i++;
        o[key] = value();
      }
    }
    if (c === '[') {
      i++;
      const a: Json[] = [];
      for (;;) {
        space();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return a; }
        if (i >= text.length) throw new Unreadable('an HCL tuple is not closed');
        a.push(value());
      }
    }
    if (c === '"') {
      // A string, unless an operator follows it (`"a" == x ? …`): then the whole expression.
      const start = i;
      const s = string();
      if (at(/[ \t]*([,})\]\n#]|\/\/|\/\*|$)/y)) return s;
      i = start;
      return expression();
    }
    const literal = at(/(true|false|null|-?\d+(\.\d+)?([eE][+-]?\d+)?)(?=[\s,}\]]|$)/y);
    if (literal) {
      i += literal[0].length;
      return JSON.parse(literal[0]) as Json;
    }
    return expression();
  };
  const v = value();
  space();
  if (i < text.length) throw new Unreadable(`unexpected "${text.slice(i, i + 20)}" after the HCL value`);
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy documents.

const principalsOf = (v: unknown): IamPrincipal[] => {
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [{ type: v === '*' ? '*' : 'AWS', id: v }];
  if (typeof v !== 'object' || Array.isArray(v)) throw new Unreadable('a Principal is neither "*" nor an object of principal types');
  return Object.entries(v as Record<string, unknown>).flatMap(([type, ids]) => list(ids).map((id) => ({ type, id: String(id) })));
};

const conditionsOf = (v: unknown): IamCondition[] => {
  if (v === undefined || v === null) return [];
  if (typeof v !== 'object' || Array.isArray(v)) throw new Unreadable('a Condition is not an object of operators');
  return Object.entries(v as Record<string, unknown>).flatMap(([operator, byKey]) => {
    if (!byKey || typeof byKey !== 'object' || Array.isArray(byKey)) throw new Unreadable(`the condition ${operator} is not an object of keys`);
    return Object.entries(byKey as Record<string, unknown>).map(([key, values]) => ({ operator, key, values: list(values).map(String) }));
  });
};

/** Actions and the effect must be literal: a reference there could be anything, `*` included. */
function literalNames(v: unknown, what: string): string[] {
  const names = list(v).map((x) => {
    if (typeof x !== 'string') throw new Unreadable(`an ${what} is not a string`);
    return x;
  });
  const ref = names.find(hasReference);
  if (ref !== undefined) throw new Unreadable(`the ${what} ${ref} is a reference, so what it grants is known only when Terraform runs`);
  return names;
}

function statement(
  effect: unknown, actions: unknown, notActions: unknown, resources: unknown, notResources: unknown,
  principals: IamPrincipal[], notPrincipals: IamPrincipal[], conditions: IamCondition[], sid?: unknown,
): IamStatement {
  const [e] = effect === undefined ? ['Allow'] : literalNames(effect, 'Effect');
  const not = list(notResources).map(String);
  return {
    ...(sid !== undefined && sid !== null ? { sid: String(sid) } : {}),
    effect: e,
    actions: literalNames(actions, 'Action'),
    notActions: literalNames(notActions, 'NotAction'),
    resources: [...list(resources).map(String), ...(not.length ? ['*'] : [])],
    notResources: not,
    principals,
    notPrincipals,
    conditions,
    conditionKeys: conditions.map((c) => c.key.toLowerCase()),
  };
}

/** The statements of a policy document object (`{ Version, Statement }`). */
function statementsOfDocument(doc: Json): IamStatement[] {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Unreadable('it is not a policy document (a JSON object with a Statement)');
  const raw = (doc as Record<string, unknown>).Statement;
  if (raw === undefined) throw new Unreadable('it has no Statement');
  return list(raw).map((s) => {
    if (!s || typeof s !== 'object' || Array.isArray(s)) throw new Unreadable(`a Statement is ${typeof s === 'string' && hasReference(s) ? `the reference ${s}` : 'not an object'}`);
    const x = s as Record<string, unknown>;
    return statement(x.Effect, x.Action, x.NotAction, x.Resource, x.NotResource, principalsOf(x.Principal), principalsOf(x.NotPrincipal), conditionsOf(x.Condition), x.Sid);
  });
}

const DOCUMENT_JSON = /^data\.aws_iam_policy_document\.([A-Za-z_][\w-]*)\.(json|minified_json)$/;

const READINGS = new Map<string, PolicyReading>();
const READINGS_MAX = 10_000;

/**
 * Reads a policy attribute as synthesized (`policy`, `assume_role_policy`, an inline policy's `policy`):
 * JSON with references inside its strings, `${jsonencode(…)}`, or `${data.aws_iam_policy_document.x.json}`.
 */
export function readPolicyText(text: unknown): PolicyReading {
  if (typeof text !== 'string') return { status: 'unreadable', reason: `it is ${text === undefined ? 'missing' : `a ${typeof text}, not a string`}` };
  let reading = READINGS.get(text);
  if (!reading) {
    reading = readUncached(text);
    if (READINGS.size >= READINGS_MAX) READINGS.clear();
    READINGS.set(text, reading);
  }
  return reading;
}

function readUncached(text: string): PolicyReading {
  try {
    const trimmed = text.trim();
    // One interpolation around the whole text: a document's JSON, jsonencode(…), or some other value.
    if (trimmed.startsWith('${') && interpolationEnd(trimmed, 0) === trimmed.length) {
      const expr = trimmed.slice(2, -1).replace(/^~/, '').replace(/~$/, '').trim();
      const doc = DOCUMENT_JSON.exec(expr);
      if (doc) return { status: 'document', address: `data.${POLICY_DOCUMENT}.${doc[1]}` };
      const encoded = /^jsonencode\s*\(([\s\S]*)\)$/.exec(expr);
      if (encoded) return { status: 'read', statements: statementsOfDocument(parseHcl(encoded[1])) };
      throw new Unreadable(`it is the value of \${${expr}}, which the guardrails cannot see into`);
    }
    return { status: 'read', statements: statementsOfDocument(parseTemplatedJson(text)) };
  } catch (err) {
    if (err instanceof Unreadable) return { status: 'unreadable', reason: err.message };
    throw err;
  }
}

/**
 * Reads a `data.aws_iam_policy_document`'s synthesized configuration: its `statement` blocks, and the
 * documents it merges (`source_policy_documents`, `override_policy_documents`), each read as a policy text.
 */
export function readPolicyDocument(config: Readonly<Record<string, unknown>>): { statements: PolicyReading; merged: Array<{ attribute: string; reading: PolicyReading }> } {
  let statements: PolicyReading;
  try {
    statements = {
      status: 'read',
      statements: list(config.statement).map((s) => {
        if (!s || typeof s !== 'object') throw new Unreadable('a statement block is a reference');
        const x = s as Record<string, unknown>;
        const blocks = (v: unknown, what: string) => list(v).map((b) => {
          if (!b || typeof b !== 'object') throw new Unreadable(`a ${what} block is a reference`);
          return b as Record<string, unknown>;
        });
        const principals = (v: unknown) => blocks(v, 'principals').flatMap((p) => list(p.identifiers).map((id) => ({ type: String(p.type), id: String(id) })));
        const conditions = blocks(x.condition, 'condition').map((c) => ({ operator: String(c.test), key: String(c.variable), values: list(c.values).map(String) }));
        return statement(x.effect, x.actions, x.not_actions, x.resources, x.not_resources, principals(x.principals), principals(x.not_principals), conditions, x.sid);
      }),
    };
  } catch (err) {
    if (!(err instanceof Unreadable)) throw err;
    statements = { status: 'unreadable', reason: err.message };
  }
  const merged = ['source_policy_documents', 'override_policy_documents', 'source_json', 'override_json']
    .flatMap((attribute) => list(config[attribute]).map((text) => ({ attribute, reading: readPolicyText(text) })));
  return { statements, merged };
}

/** One policy of an element: where it is (`policy`, `assume_role_policy`, `inline_policy[0].policy`, `statement`) and what reading it gave. */
export interface ElementPolicy {
  readonly attribute: string;
  /** True for a role's trust policy (who may assume it), false for what a principal may do. */
  readonly trust: boolean;
  readonly reading: PolicyReading;
}

/**
 * Every IAM policy an element holds: an identity policy's `policy`, a role's `assume_role_policy` and inline
 * policies, a policy document's statements and merged documents. Empty for any other element.
 */
export function policiesOf(r: { readonly kind: string; readonly type: string; readonly config: Readonly<Record<string, unknown>> }): ElementPolicy[] {
  if (r.kind === 'data' && r.type === POLICY_DOCUMENT) {
    const { statements, merged } = readPolicyDocument(r.config);
    return [{ attribute: 'statement', trust: false, reading: statements }, ...merged.map((m) => ({ ...m, trust: false }))];
  }
  if (r.kind !== 'resource' || !IAM_POLICY_TYPES.includes(r.type)) return [];
  if (r.type !== 'aws_iam_role') return r.config.policy === undefined ? [] : [{ attribute: 'policy', trust: false, reading: readPolicyText(r.config.policy) }];
  const out: ElementPolicy[] = [];
  if (r.config.assume_role_policy !== undefined) out.push({ attribute: 'assume_role_policy', trust: true, reading: readPolicyText(r.config.assume_role_policy) });
  list(r.config.inline_policy).forEach((p, n) => {
    const policy = p && typeof p === 'object' ? (p as Record<string, unknown>).policy : undefined;
    // An inline_policy block without a policy is how a role says "no inline policies" (the provider removes them).
    if (policy !== undefined && policy !== '') out.push({ attribute: `inline_policy[${n}].policy`, trust: false, reading: readPolicyText(policy) });
  });
  return out;
}
