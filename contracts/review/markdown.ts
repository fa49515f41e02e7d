/** Small Markdown helpers of the review page. */

/** A list longer than this folds under `<details>`, with a one-line summary outside. */
export const FOLD_AFTER = 5;

/** Text safe in a table cell. */
export const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** Inline code. */
export const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
/** `before → **after**`, or the value alone when it does not change. */
export const arrow = (b: string | undefined, a: string | undefined) => (b === a ? (a ?? '—') : `${b ?? '—'} → **${a ?? '—'}**`);
/** `1 product`, `1,000 products`. */
export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
/** A `<details>` block: the summary line outside, the lines inside. */
export const folded = (summary: string, lines: readonly string[]): string[] => [`<details><summary>${summary}</summary>`, '', ...lines, '', '</details>', ''];
