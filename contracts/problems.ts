/**
 * A problem found in a contract: which product, which field, what is wrong,
 * and how to fix it. Validation collects every problem of every product and
 * reports them together, so a team fixes a contract in one round.
 */
export interface Problem {
  /** The product, as `<domain>/<name>@v<version>`, or its file when the name itself is broken. */
  readonly product: string;
  /** The field of the contract (a dotted path, e.g. `schema.items.sku` or `consumers[1].name`). */
  readonly field: string;
  /** What is wrong, with the value that was given and what is allowed. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** Formats one problem on one line, for a terminal or a CI log. */
export function formatProblem(p: Problem): string {
  return `${p.product}: ${p.field}: ${p.message} Fix: ${p.fix}`;
}

/** Formats a list of problems as a report that names how many there are. */
export function formatProblems(problems: readonly Problem[]): string {
  const n = problems.length;
  const header = `contract-mesh: ${n} problem${n === 1 ? '' : 's'} in the data-product contracts; nothing was synthesized.`;
  return [header, ...problems.map((p) => `  ✖ ${formatProblem(p)}`)].join('\n');
}

/** Thrown when contracts are invalid; carries every problem found. */
export class ContractError extends Error {
  constructor(public readonly problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = 'ContractError';
  }
}

/** Suggests the closest candidate to a misspelt name, if one is close enough. */
export function didYouMean(value: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(value.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
