/**
 * Least privilege, as a pure check of an IAM policy document: no `*` (or
 * wildcard) action, no `NotAction`/`NotResource`, and no `*` resource except
 * for actions that IAM offers no resource ARN for.
 */

/** Actions IAM cannot scope to a resource: `Resource: "*"` is the only form. */
export const ACTIONS_WITHOUT_RESOURCE: readonly string[] = ['ecr:GetAuthorizationToken'];

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
}

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
  });
  return findings;
}
