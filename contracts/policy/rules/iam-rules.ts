/** Rules over IAM policies: inline JSON on `aws_iam_*` resources and `aws_iam_policy_document` data sources. */
import { COMPLIANT, NOT_APPLICABLE, isReference, nonCompliant, type PolicyResource, type PolicyRule } from '../rule';

/** One IAM statement, normalised. */
export interface IamStatement {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
}

/** Resource types whose `policy` attribute is an identity policy (key policies are about their own key and excluded). */
export const IAM_POLICY_TYPES: readonly string[] = [
  'aws_iam_policy', 'aws_iam_role_policy', 'aws_iam_user_policy', 'aws_iam_group_policy', 'aws_iam_role',
];

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function fromJson(text: unknown): IamStatement[] {
  if (typeof text !== 'string' || isReference(text)) return [];
  try {
    const doc = JSON.parse(text) as { Statement?: unknown };
    const statements = Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : [];
    return statements.map((s: Record<string, unknown>) => ({
      effect: String(s.Effect ?? 'Allow'),
      actions: list(s.Action),
      notActions: list(s.NotAction),
      resources: [...list(s.Resource), ...list(s.NotResource).map(() => '*')],
    }));
  } catch {
    return [];
  }
}

/** Every statement of a resource's identity policies; empty when it has none (or only references). */
export function iamStatements(r: Pick<PolicyResource, 'kind' | 'type' | 'config'>): IamStatement[] {
  if (r.kind === 'data' && r.type === 'aws_iam_policy_document') {
    return (Array.isArray(r.config.statement) ? r.config.statement : []).map((s: Record<string, unknown>) => ({
      effect: String(s.effect ?? 'Allow'),
      actions: list(s.actions),
      notActions: list(s.not_actions),
      resources: [...list(s.resources), ...list(s.not_resources).map(() => '*')],
    }));
  }
  if (r.kind !== 'resource' || !IAM_POLICY_TYPES.includes(r.type)) return [];
  if (r.type === 'aws_iam_role') {
    return (Array.isArray(r.config.inline_policy) ? r.config.inline_policy : []).flatMap((p: Record<string, unknown>) => fromJson(p.policy));
  }
  return fromJson(r.config.policy);
}

const IAM = { kinds: ['resource', 'data'] as const, types: [...IAM_POLICY_TYPES, 'aws_iam_policy_document'] };

/** CM-IAM-1: no wildcard action. */
export const NO_WILDCARD_ACTION: PolicyRule = {
  id: 'CM-IAM-1',
  level: 'error',
  message: 'No IAM statement allows a wildcard action.',
  explanation: '`*`, `kafka-cluster:*` or `s3:Get*` grant actions no one reviewed, including ones AWS adds later; NotAction does the same. List the actions.',
  appliesTo: IAM,
  check: (r) => {
    const statements = iamStatements(r).filter((s) => s.effect === 'Allow');
    if (statements.length === 0) return NOT_APPLICABLE;
    const wild = statements.flatMap((s) => [...s.actions.filter((a) => a.includes('*')), ...s.notActions.map((a) => `NotAction ${a}`)]);
    return wild.length ? nonCompliant(`${r.type} at ${r.path} allows ${[...new Set(wild)].join(', ')}.`) : COMPLIANT;
  },
};

const SECRET_OR_KEY_ACTION = /^(secretsmanager|kms|ssm):/i;

/** CM-IAM-2: secrets and keys are granted by ARN, never `*`. */
export const NO_WILDCARD_SECRET_RESOURCE: PolicyRule = {
  id: 'CM-IAM-2',
  level: 'error',
  message: 'No IAM statement allows secrets or keys on a `*` resource.',
  explanation: 'secretsmanager:, kms: and ssm: actions on `*` (or `…:secret:*`, `key/*`) let the role read every secret or use every key in the account; grant the ARNs it needs.',
  appliesTo: IAM,
  check: (r) => {
    const statements = iamStatements(r).filter((s) => s.effect === 'Allow' && s.actions.some((a) => SECRET_OR_KEY_ACTION.test(a) || a === '*'));
    if (statements.length === 0) return NOT_APPLICABLE;
    const wide = statements.flatMap((s) => s.resources.filter((x) => x === '*' || /[:/]\*$/.test(x)));
    return wide.length ? nonCompliant(`${r.type} at ${r.path} grants secret or key actions on ${[...new Set(wide)].join(', ')}.`) : COMPLIANT;
  },
};

export const IAM_RULES: readonly PolicyRule[] = [NO_WILDCARD_ACTION, NO_WILDCARD_SECRET_RESOURCE];
