/** Rules over IAM policies: inline JSON on `aws_iam_*` resources and `aws_iam_policy_document` data sources. */
import { ACTIONS_WITHOUT_RESOURCE, KMS_KEY_USE } from '../../platform/iam-rules';
import { COMPLIANT, NOT_APPLICABLE, isReference, nonCompliant, type PolicyResource, type PolicyRule } from '../rule';

/** One IAM statement, normalised. */
export interface IamStatement {
  readonly effect: string;
  readonly actions: readonly string[];
  readonly notActions: readonly string[];
  readonly resources: readonly string[];
  /** The condition keys the statement tests, lower-cased (IAM compares them case-insensitively), e.g. `kms:viaservice`. */
  readonly conditionKeys: readonly string[];
}

/** The condition keys of a JSON statement's `Condition` (`{ operator: { key: values } }`), lower-cased. */
function conditionKeysOf(condition: unknown): string[] {
  if (!condition || typeof condition !== 'object') return [];
  return Object.values(condition as Record<string, unknown>).flatMap((byKey) => (byKey && typeof byKey === 'object' ? Object.keys(byKey).map((k) => k.toLowerCase()) : []));
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
      conditionKeys: conditionKeysOf(s.Condition),
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
      conditionKeys: (Array.isArray(s.condition) ? s.condition : []).map((c: Record<string, unknown>) => String(c.variable).toLowerCase()),
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

/** Attachments of managed policies, and where each keeps the policy ARN(s). */
const ATTACHMENTS: Readonly<Record<string, string>> = {
  aws_iam_role_policy_attachment: 'policy_arn',
  aws_iam_user_policy_attachment: 'policy_arn',
  aws_iam_group_policy_attachment: 'policy_arn',
  aws_iam_policy_attachment: 'policy_arn',
  aws_iam_role: 'managed_policy_arns',
  aws_iam_role_policy_attachments_exclusive: 'policy_arns',
};

/** An AWS managed policy's ARN (`arn:aws:iam::aws:policy/…`, any partition). */
export const AWS_MANAGED_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\//;

/** CM-IAM-3: no AWS managed policy is attached. */
export const NO_AWS_MANAGED_POLICY: PolicyRule = {
  id: 'CM-IAM-3',
  level: 'error',
  message: 'No AWS managed policy is attached to a role, user or group.',
  explanation: 'AWS managed policies are written for every customer, so they grant on `*` (AWSLambdaVPCAccessExecutionRole writes to every log group and manages every network interface) and AWS changes them without a review here. Write an inline policy with the actions and resources the role needs.',
  appliesTo: { kinds: ['resource'], types: Object.keys(ATTACHMENTS) },
  check: (r) => {
    const arns = list(r.config[ATTACHMENTS[r.type]]);
    if (arns.length === 0) return NOT_APPLICABLE;
    const managed = arns.filter((a) => AWS_MANAGED_POLICY.test(a));
    return managed.length ? nonCompliant(`${r.type} at ${r.path} attaches ${managed.join(', ')}.`) : COMPLIANT;
  },
};


/** CM-IAM-4: a key is used only through the service that needs it (`kms:ViaService`). */
export const KMS_VIA_SERVICE: PolicyRule = {
  id: 'CM-IAM-4',
  level: 'error',
  message: 'Every IAM statement that lets a principal use a KMS key is conditioned on kms:ViaService.',
  explanation: 'A role that may call kms:Decrypt directly can decrypt anything encrypted under the key (every secret of the environment), not only what the service it works through reads for it. Add `Condition: { StringEquals: { "kms:ViaService": "secretsmanager.<region>.amazonaws.com" } }` (or the service it uses).',
  appliesTo: IAM,
  check: (r) => {
    const statements = iamStatements(r).filter((s) => s.effect === 'Allow' && s.actions.some((a) => KMS_KEY_USE.test(a)));
    if (statements.length === 0) return NOT_APPLICABLE;
    const open = statements.filter((s) => !s.conditionKeys.includes('kms:viaservice'));
    return open.length ? nonCompliant(`${r.type} at ${r.path} allows ${[...new Set(open.flatMap((s) => s.actions.filter((a) => KMS_KEY_USE.test(a))))].join(', ')} without a kms:ViaService condition.`) : COMPLIANT;
  },
};

/** CM-IAM-5: `*` only for actions that IAM cannot scope. */
export const NO_STAR_RESOURCE: PolicyRule = {
  id: 'CM-IAM-5',
  level: 'error',
  message: 'No IAM statement allows an action on `*` that IAM can scope to a resource.',
  explanation: `"Resource": "*" is only for actions that have no resource ARN (${ACTIONS_WITHOUT_RESOURCE.join(', ')}); every other action names the log group, the secret, the subnet… it needs.`,
  appliesTo: IAM,
  check: (r) => {
    const statements = iamStatements(r).filter((s) => s.effect === 'Allow' && s.resources.includes('*'));
    if (iamStatements(r).length === 0) return NOT_APPLICABLE;
    const scopable = [...new Set(statements.flatMap((s) => s.actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE.includes(a))))];
    return scopable.length ? nonCompliant(`${r.type} at ${r.path} allows ${scopable.join(', ')} on "*".`) : COMPLIANT;
  },
};

/** The statements of a role's trust policy that let an AWS service assume it, with their condition keys. */
export function serviceTrustStatements(assumeRolePolicy: unknown): Array<{ services: string[]; conditionKeys: string[] }> {
  if (typeof assumeRolePolicy !== 'string' || isReference(assumeRolePolicy)) return [];
  let doc: { Statement?: unknown };
  try {
    doc = JSON.parse(assumeRolePolicy) as { Statement?: unknown };
  } catch {
    return [];
  }
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : doc.Statement ? [doc.Statement] : []) as Array<Record<string, unknown>>;
  return statements
    .filter((s) => (s.Effect ?? 'Allow') === 'Allow' && list(s.Action).some((a) => /^sts:AssumeRole$/i.test(a)))
    .map((s) => ({ services: list((s.Principal as Record<string, unknown> | undefined)?.Service), conditionKeys: conditionKeysOf(s.Condition) }))
    .filter((s) => s.services.length > 0);
}

/** CM-IAM-6: a role that a service assumes names the account it acts for. */
export const SERVICE_TRUST_SOURCE_ACCOUNT: PolicyRule = {
  id: 'CM-IAM-6',
  level: 'error',
  message: 'A role that an AWS service assumes is conditioned on aws:SourceAccount (or aws:SourceArn).',
  explanation: 'Without it, the service may assume the role while acting for another account (the confused deputy). Add `Condition: { StringEquals: { "aws:SourceAccount": "<account>" } }` to the trust policy; suppress for a service that does not send it, with the reason.',
  appliesTo: { kinds: ['resource'], types: ['aws_iam_role'] },
  check: (r) => {
    const trust = serviceTrustStatements(r.config.assume_role_policy);
    if (trust.length === 0) return NOT_APPLICABLE;
    const open = trust.filter((t) => !t.conditionKeys.includes('aws:sourceaccount') && !t.conditionKeys.includes('aws:sourcearn'));
    return open.length ? nonCompliant(`aws_iam_role at ${r.path} lets ${open.flatMap((t) => t.services).join(', ')} assume it for any account.`) : COMPLIANT;
  },
};

export const IAM_RULES: readonly PolicyRule[] = [NO_WILDCARD_ACTION, NO_WILDCARD_SECRET_RESOURCE, NO_AWS_MANAGED_POLICY, KMS_VIA_SERVICE, NO_STAR_RESOURCE, SERVICE_TRUST_SOURCE_ACCOUNT];
