/** Runs a rule pack over a stack's elements and applies suppressions. Pure. */
import type { SuppressionSpec } from '../dsl/data-product';
import { productPlanOf, type Finding, type PolicyContext, type PolicyResource, type PolicyRule } from './rule';

/** A suppression that already names its element: the rule and the reason. */
export interface AppliedSuppression {
  readonly rule: string;
  readonly reason: string;
}

/** True when a contract's suppression covers the element (by role, or by construct path below the product). */
export function suppressionCovers(s: Pick<SuppressionSpec, 'resource'>, r: PolicyResource): boolean {
  if (!r.product) return false;
  const rel = r.product.relativePath;
  return s.resource === r.product.role || rel === s.resource || rel.startsWith(`${s.resource}/`);
}

/** The suppressions a product's contract declares for this element. */
export function contractSuppressionsFor(r: PolicyResource, context: PolicyContext): AppliedSuppression[] {
  if (!r.product) return [];
  const plan = productPlanOf(r.product.id, context);
  return (plan?.product.suppressions ?? []).filter((s) => suppressionCovers(s, r)).map((s) => ({ rule: s.rule, reason: s.reason }));
}

function applies(rule: PolicyRule, r: PolicyResource): boolean {
  return rule.appliesTo.kinds.includes(r.kind) && (rule.appliesTo.types === '*' || rule.appliesTo.types.includes(r.type));
}

/**
 * Every NON_COMPLIANT verdict of every rule on every element, sorted by path and rule;
 * a suppressed one carries the suppression's reason.
 */
export function evaluatePolicy(
  rules: readonly PolicyRule[],
  context: PolicyContext,
  extraSuppressions: (r: PolicyResource) => readonly AppliedSuppression[] = () => [],
): Finding[] {
  const findings: Finding[] = [];
  // The rules that apply to each kind and type, found once per pair (a stack has tens of types, thousands of elements).
  const applicable = new Map<string, PolicyRule[]>();
  for (const r of context.resources) {
    const pair = `${r.kind} ${r.type}`;
    let forType = applicable.get(pair);
    if (!forType) applicable.set(pair, (forType = rules.filter((rule) => applies(rule, r))));
    // Looked up only for an element with a finding.
    let suppressions: AppliedSuppression[] | undefined;
    for (const rule of forType) {
      const outcome = rule.check(r, context);
      if (outcome.verdict !== 'NON_COMPLIANT') continue;
      suppressions ??= [...contractSuppressionsFor(r, context), ...extraSuppressions(r)];
      const s = suppressions.find((x) => x.rule === rule.id);
      findings.push({
        rule: rule.id,
        level: rule.level,
        stack: context.stack,
        path: r.path,
        type: r.type,
        ...(r.product ? { product: r.product.id } : {}),
        message: `${rule.message} ${outcome.detail}`,
        ...(s ? { suppressed: s.reason } : {}),
      });
    }
  }
  return findings.sort((a, b) => (a.path === b.path ? (a.rule < b.rule ? -1 : 1) : a.path < b.path ? -1 : 1));
}

/** An unsuppressed error: a finding that fails synth. */
export function blocksSynth(f: Finding): boolean {
  return f.level === 'error' && !f.suppressed;
}

/** One line per finding, for the synth log. */
export function formatFinding(f: Finding): string {
  const tag = f.suppressed ? 'suppressed' : f.level;
  return `[${f.rule}] ${tag}: ${f.path}: ${f.message}${f.suppressed ? ` (reason: ${f.suppressed})` : ''}`;
}

/**
 * The synth failure message for unsuppressed errors: of the whole mesh (nothing was written),
 * or of one stack (`stack`: its configuration was not written).
 */
export function formatPolicyErrors(findings: readonly Finding[], stack?: string): string {
  const errors = findings.filter(blocksSynth);
  const count = `${errors.length} policy error${errors.length === 1 ? '' : 's'}`;
  return [
    stack ? `contract-mesh: ${count} in stack ${stack}; its configuration was not written.` : `contract-mesh: ${count}; nothing was synthesized.`,
    ...errors.map((f) => `  ✖ ${formatFinding(f)}`),
    "  Fix the resource, or suppress the rule for that one resource in the product's contract: suppressions: [{ rule: 'CM-…', resource: 'topic' | 'deadLetter' | 'acls' | '<construct path>', reason: '…' }].",
  ].join('\n');
}
