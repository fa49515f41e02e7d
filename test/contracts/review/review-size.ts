/** How big a review page is, as the issue measures it. */

/** Lines of the page outside every `<details>…</details>` block (the block's own lines count as inside). */
export function linesOutsideDetails(markdown: string): number {
  let depth = 0;
  let lines = 0;
  for (const line of markdown.replace(/\n+$/, '').split('\n')) {
    if (/^<details\b/.test(line)) depth++;
    else if (/^<\/details>/.test(line)) depth = Math.max(0, depth - 1);
    else if (depth === 0) lines++;
  }
  return lines;
}
