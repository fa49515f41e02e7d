/** Validation of a contract's `suppressions`: each names a known rule, a resource and a real reason. */
import { SUPPRESSIBLE_IDS } from '../policy/rule-ids';
import { didYouMean } from '../problems';

/** A suppression's reason must say something: at least this many characters. */
export const SUPPRESSION_REASON_MIN = 10;

export function suppressionProblems(value: unknown): Array<{ field: string; message: string; fix: string }> {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    return [{ field: 'suppressions', message: `suppressions must be a list, got ${JSON.stringify(value)}.`, fix: "write suppressions: [{ rule: 'CM-TOPIC-4', resource: 'deadLetter', reason: '…' }]." }];
  }
  const out: Array<{ field: string; message: string; fix: string }> = [];
  value.forEach((s: Record<string, unknown>, i: number) => {
    const field = `suppressions[${i}]`;
    if (typeof s !== 'object' || s === null) {
      out.push({ field, message: `suppression ${i} is not an object.`, fix: "write { rule: 'CM-…', resource: 'topic', reason: '…' }." });
      return;
    }
    if (typeof s.rule !== 'string' || !SUPPRESSIBLE_IDS.includes(s.rule)) {
      const guess = typeof s.rule === 'string' ? didYouMean(s.rule, SUPPRESSIBLE_IDS) : undefined;
      out.push({ field: `${field}.rule`, message: `${JSON.stringify(s.rule)} is not a policy rule or danger ID.`, fix: guess ? `did you mean "${guess}"?` : `use one of ${SUPPRESSIBLE_IDS.join(', ')}.` });
    }
    if (typeof s.resource !== 'string' || !s.resource.trim()) {
      out.push({ field: `${field}.resource`, message: `resource is missing (got ${JSON.stringify(s.resource)}).`, fix: "name one resource of the product: 'topic', 'deadLetter', 'acls' or a construct path below the product." });
    }
    if (typeof s.reason !== 'string' || s.reason.trim().length < SUPPRESSION_REASON_MIN) {
      out.push({ field: `${field}.reason`, message: `a suppression needs a reason of at least ${SUPPRESSION_REASON_MIN} characters (got ${JSON.stringify(s.reason)}).`, fix: 'say why breaking the rule is safe here; reviewers read it.' });
    }
    for (const k of Object.keys(s)) {
      if (!['rule', 'resource', 'reason'].includes(k)) out.push({ field: `${field}.${k}`, message: `"${k}" is not a suppression setting.`, fix: 'a suppression has rule, resource, reason.' });
    }
  });
  return out;
}
