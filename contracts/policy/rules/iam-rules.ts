/**
 * Rules over IAM policies: the policies of `aws_iam_*` resources and `aws_iam_policy_document` data sources, as
 * synthesized (JSON with references inside, `${jsonencode(…)}`, a document's JSON), read by `../iam-policy`.
 */
import { ACTIONS_WITHOUT_RESOURCE, KMS_KEY_USE } from '../../platform/iam-rules';
import { IAM_POLICY_TYPES, POLICY_DOCUMENT, policiesOf, withoutReferences, type IamStatement, type PolicyReading } from '../iam-policy';
import { COMPLIANT, NOT_APPLICABLE, nonCompliant, type PolicyContext, type PolicyResource, type PolicyRule } from '../rule';

export { IAM_POLICY_TYPES, type IamStatement };

/**
 * Every statement of an element's identity policies that the reader could read (references inside are opaque
 * strings: a specific resource, never a wildcard); a role's trust policy is not among them. Empty when it has none,
 * when its policy is a policy document's JSON (the document is judged itself), or when it is unreadable (CM-IAM-7).
 */
export function iamStatements(r: Pick<PolicyResource, 'kind' | 'type' | 'config'>): IamStatement[] {
  return policiesOf(r).flatMap((p) => (!p.trust && p.reading.status === 'read' ? p.reading.statements : []));
}

/** The element's policies that the guardrails cannot read, each with why. */
export function unreadablePolicies(r: Pick<PolicyResource, 'kind' | 'type' | 'config'>): Array<{ attribute: string; reason: string }> {
  return policiesOf(r).flatMap((p) => (p.reading.status === 'unreadable' ? [{ attribute: p.attribute, reason: p.reading.reason }] : []));
}

/** True when an IAM resource string is a wildcard: `*`, or one ending in `:*` / `/*` outside any reference. */
const isWideResource = (x: string): boolean => {
  const literal = withoutReferences(x);
  return literal === '*' || /[:/]\*$/.test(literal);
};

const list = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

/** True when an action is a wildcard (`*` and `?` match any characters in IAM action names). */
const isWildcardAction = (a: string): boolean => /[*?]/.test(a);

const IAM = { kinds: ['resource', 'data'] as const, types: [...IAM_POLICY_TYPES, POLICY_DOCUMENT] };

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
    const wild = statements.flatMap((s) => [...s.actions.filter(isWildcardAction), ...s.notActions.map((a) => `NotAction ${a}`)]);
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
    const wide = statements.flatMap((s) => s.resources.filter(isWideResource));
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

/** The statements of a trust policy reading that let an AWS service assume the role, with their condition keys. */
export function serviceTrustStatements(reading: PolicyReading): Array<{ services: string[]; conditionKeys: readonly string[] }> {
  if (reading.status !== 'read') return [];
  return reading.statements
    .filter((s) => s.effect === 'Allow' && s.actions.some((a) => /^sts:AssumeRole$/i.test(a)))
    .map((s) => ({ services: s.principals.filter((p) => p.type === 'Service').map((p) => p.id), conditionKeys: s.conditionKeys }))
    .filter((s) => s.services.length > 0);
}

/** A role's trust policy, read; one given as a policy document's JSON is read from that document in the stack. */
function trustPolicyOf(r: PolicyResource, context: PolicyContext): PolicyReading | undefined {
  const trust = policiesOf(r).find((p) => p.trust)?.reading;
  if (trust?.status !== 'document') return trust;
  const doc = context.resources.find((x) => x.address === trust.address);
  return doc ? policiesOf(doc).find((p) => p.attribute === 'statement')?.reading : undefined;
}

/** CM-IAM-6: a role that a service assumes names the account it acts for. */
export const SERVICE_TRUST_SOURCE_ACCOUNT: PolicyRule = {
  id: 'CM-IAM-6',
  level: 'error',
  message: 'A role that an AWS service assumes is conditioned on aws:SourceAccount (or aws:SourceArn).',
  explanation: 'Without it, the service may assume the role while acting for another account (the confused deputy). Add `Condition: { StringEquals: { "aws:SourceAccount": "<account>" } }` to the trust policy; suppress for a service that does not send it, with the reason.',
  appliesTo: { kinds: ['resource'], types: ['aws_iam_role'] },
  check: (r, context) => {
    const reading = trustPolicyOf(r, context);
    const trust = reading ? serviceTrustStatements(reading) : [];
    if (trust.length === 0) return NOT_APPLICABLE;
    const open = trust.filter((t) => !t.conditionKeys.includes('aws:sourceaccount') && !t.conditionKeys.includes('aws:sourcearn'));
    return open.length ? nonCompliant(`aws_iam_role at ${r.path} lets ${open.flatMap((t) => t.services).join(', ')} assume it for any account.`) : COMPLIANT;
  },
};

/** CM-IAM-7: the guardrails can read every IAM policy. */
export const READABLE_POLICY: PolicyRule = {
  id: 'CM-IAM-7',
  level: 'error',
  message: 'Every IAM policy is one the guardrails can read.',
  explanation: 'The IAM rules judge what a policy grants; a policy they cannot read (the value of `file()` or a variable, an action given by a reference, a `%{ … }` directive) is proven nothing and would pass them whatever it grants. Build the policy as JSON with references only inside its strings (`JSON.stringify` in the construct), with `Fn.jsonencode` of an object, or as an `aws_iam_policy_document` in the same stack; or suppress for this resource with the reason.',
  appliesTo: IAM,
  check: (r) => {
    const policies = policiesOf(r);
    if (policies.length === 0) return NOT_APPLICABLE;
    const unreadable = unreadablePolicies(r);
    return unreadable.length ? nonCompliant(unreadable.map((u) => `${r.type} at ${r.path}: ${u.attribute} cannot be read: ${u.reason}.`).join(' ')) : COMPLIANT;
  },
};

export const IAM_RULES: readonly PolicyRule[] = [NO_WILDCARD_ACTION, NO_WILDCARD_SECRET_RESOURCE, NO_AWS_MANAGED_POLICY, KMS_VIA_SERVICE, NO_STAR_RESOURCE, SERVICE_TRUST_SOURCE_ACCOUNT, READABLE_POLICY];
