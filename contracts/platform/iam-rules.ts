/**
 * Least privilege, as a pure check of an IAM policy document: no `*` (or
 * wildcard) action, no `NotAction`/`NotResource`, no `*` resource except
 * for actions that IAM offers no resource ARN for, and no use of a KMS key
 * without a `kms:ViaService` condition.
 */

/**
 * Actions IAM cannot scope to a resource: `Resource: "*"` is the only form. The two EC2 Describe
 * actions are what Lambda needs (with the function's role) to attach a function to its VPC.
 */
export const ACTIONS_WITHOUT_RESOURCE: readonly string[] = ['ecr:GetAuthorizationToken', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets'];

export interface PolicyFinding {
  /** The statement's Sid, or its index. */
  readonly statement: string;
  readonly message: string;
}

interface Statement {
  Sid?: string;
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** KMS actions that use a key's material: allowed only through a service (`kms:ViaService`). */
export const KMS_KEY_USE = /^kms:(\*|Decrypt|Encrypt|ReEncrypt\w*|ReEncrypt\*|GenerateDataKey\w*|GenerateDataKey\*|CreateGrant)$/i;

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Every least-privilege finding of a policy document (none: compliant). */
export function leastPrivilegeFindings(doc: { Statement?: Statement | Statement[] }): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const statements = doc.Statement === undefined ? [] : Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
  statements.forEach((s, i) => {
    const id = s.Sid ?? `#${i}`;
    if (s.Effect !== 'Allow') return;
    if (s.NotAction !== undefined) findings.push({ statement: id, message: 'NotAction grants every action but the listed ones.' });
    if (s.NotResource !== undefined) findings.push({ statement: id, message: 'NotResource grants every resource but the listed ones.' });
    const actions = list(s.Action);
    for (const a of actions) if (a.includes('*')) findings.push({ statement: id, message: `action "${a}" is a wildcard.` });
    if (list(s.Resource).some((r) => r === '*')) {
      const scoped = actions.filter((a) => !ACTIONS_WITHOUT_RESOURCE.includes(a));
      if (scoped.length) findings.push({ statement: id, message: `resource "*" for ${scoped.join(', ')}, which can be scoped to an ARN.` });
    }
    const kms = actions.filter((a) => KMS_KEY_USE.test(a));
    const viaService = Object.values(s.Condition ?? {}).some((byKey) => Object.keys(byKey ?? {}).some((k) => k.toLowerCase() === 'kms:viaservice'));
    if (kms.length && !viaService) findings.push({ statement: id, message: `${kms.join(', ')} without a kms:ViaService condition: the key could be used directly, not only through the service that needs it.` });
  });
  return findings;
}
