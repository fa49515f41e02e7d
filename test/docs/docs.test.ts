/**
 * The documentation's commands and links work when pasted or clicked: every `npm run X` in README.md, BENCHMARKS.md
 * and docs/ names a script of package.json and passes its own flags after `--` (npm swallows a flag placed before
 * it), and every relative link points at a file that exists and, with an anchor, at one of its headings.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

/** The Markdown pages a user reads: the README, the benchmark results and every page under docs/. */
function docPages(root: string): string[] {
  const docs = existsSync(join(root, 'docs')) ? readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(root, 'docs', f)) : [];
  return [join(root, 'README.md'), join(root, 'BENCHMARKS.md'), ...docs].filter((f) => existsSync(f)).sort();
}

interface NpmRun {
  readonly line: number;
  readonly script: string;
  /** What follows the script name on the command line (up to the end of the command). */
  readonly args: readonly string[];
  readonly text: string;
}

/** Every `npm run <script> …` (and `npm test …`) in a Markdown text, with the arguments that follow it. */
function npmRuns(markdown: string): NpmRun[] {
  const out: NpmRun[] = [];
  markdown.split('\n').forEach((lineText, i) => {
    // A command ends at a code span's end, a table cell, a shell comment, a chain or a closing parenthesis.
    const re = /npm (run(?:\s+-[\w-]+)*\s+([\w:.-]+)|test)((?:[^`|#&;)\n])*)/g;
    for (let m = re.exec(lineText); m; m = re.exec(lineText)) {
      const script = m[2] ?? 'test';
      // `[-- --base <dir>]` in a usage line: the brackets only mark the part as optional.
      const args = m[3].replace(/[[\]]/g, ' ').trim().split(/\s+/).filter(Boolean);
      out.push({ line: i + 1, script, args, text: m[0].trim() });
    }
  });
  return out;
}

/** What is wrong with one `npm run`: an unknown script, or a flag of the script before `--`. */
function npmRunProblem(run: NpmRun, scripts: Readonly<Record<string, string>>): string | undefined {
  if (!(run.script in scripts)) return `"${run.text}": package.json has no script "${run.script}" (scripts: ${Object.keys(scripts).join(', ')})`;
  const first = run.args[0];
  if (first !== undefined && first !== '--' && (first.startsWith('-') || run.args.slice(1).some((a) => a.startsWith('--') && a !== '--'))) {
    return `"${run.text}": npm takes the script's flags for its own unless they come after "--" (write: npm run ${run.script} -- ${run.args.join(' ')})`;
  }
  return undefined;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces → hyphens. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** The anchors of a Markdown page (headings outside code fences). */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>();
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const f = /^(`{3,}|~{3,})/.exec(line)?.[1];
    if (f) {
      if (fence === undefined) fence = f;
      else if (f[0] === fence[0] && f.length >= fence.length && /^(`+|~+)\s*$/.test(line)) fence = undefined;
      continue;
    }
    const h = fence === undefined ? /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (h) out.add(slug(h[1]));
  }
  return out;
}

/** Every relative link of a page that does not resolve: a missing file, or an anchor that is no heading there. */
function brokenLinks(page: string): string[] {
  const text = readFileSync(page, 'utf8');
  const out: string[] = [];
  const re = /\[[^\]]*\]\(([^)\s]+)\)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const target = m[1];
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
    const [path, anchor] = target.split('#', 2);
    const file = path ? resolve(dirname(page), path) : page;
    const where = `${relative(ROOT, page)}: [..](${target})`;
    if (!existsSync(file)) out.push(`${where}: ${relative(ROOT, file)} does not exist`);
    else if (anchor && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) out.push(`${where}: ${relative(ROOT, file)} has no heading with the anchor #${anchor}`);
  }
  return out;
}

describe('commands in the documentation', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
  const pages = docPages(ROOT);

  it('covers the README and the docs pages', () => {
    expect(pages.map((p) => relative(ROOT, p))).toEqual(expect.arrayContaining(['README.md', 'docs/commands.md']));
    expect(pages.flatMap((p) => npmRuns(readFileSync(p, 'utf8'))).length).toBeGreaterThan(20);
  });

  it.each(pages.map((p) => [relative(ROOT, p), p]))('every npm run in %s names a script and passes its flags after --', (_name, page) => {
    const problems = npmRuns(readFileSync(page, 'utf8')).map((r) => {
      const p = npmRunProblem(r, scripts);
      return p ? `line ${r.line}: ${p}` : undefined;
    }).filter(Boolean);
    expect(problems).toEqual([]);
  });

  it.each(pages.map((p) => [relative(ROOT, p), p]))('every relative link in %s resolves', (_name, page) => {
    expect(brokenLinks(page)).toEqual([]);
  });
});

describe('the checks themselves', () => {
  const scripts = { synth: 'tsx main.ts', review: 'tsx scripts/review.ts', 'contracts:retire': 'tsx scripts/retire.ts' };
  const problemsOf = (md: string) => npmRuns(md).map((r) => npmRunProblem(r, scripts)).filter(Boolean);

  it('accepts a script with its flags after --, a usage line with optional flags, and a chain', () => {
    expect(problemsOf('```sh\nnpm run review -- --base ../base/cdktf.out   # against a base\nnpm ci && npm run synth\n```')).toEqual([]);
    expect(problemsOf('| `npm run review [-- --base <cdktf.out>]` | write review.md |')).toEqual([]);
    expect(problemsOf('`npm run contracts:retire -- payments/a@1 --reason "gone for good"`')).toEqual([]);
    expect(problemsOf('run `npm run --silent synth` first')).toEqual([]);
  });

  it('fails if a script does not exist', () => {
    expect(problemsOf('`npm run check`')).toEqual([expect.stringContaining('package.json has no script "check"')]);
  });

  it('fails if a flag of the script comes before -- (npm would swallow it)', () => {
    expect(problemsOf('`npm run review --base x`')).toEqual([expect.stringContaining('npm run review -- --base x')]);
    expect(problemsOf('`npm run contracts:retire payments/a@1 --reason "gone for good"`')).toEqual([expect.stringContaining('after "--"')]);
  });

  it('knows GitHub anchors, and ignores headings inside code fences', () => {
    expect(slug('The lock: field numbers and partitions that never move')).toBe('the-lock-field-numbers-and-partitions-that-never-move');
    expect(slug('`mesh-manifest.json`')).toBe('mesh-manifestjson');
    expect([...anchors('# A b\n\n````markdown\n## Inside\n~~~mermaid\n~~~\n````\n## Out side')]).toEqual(['a-b', 'out-side']);
  });
});
