/**
 * The lineage graph: producers → topics → consumers (→ sink tables), with
 * dead-letter topics, each node and edge marked as added, removed or kept.
 * Rendered as Mermaid, which GitHub and GitLab draw in a comment.
 */
import type { ManifestProduct } from './manifest-types';

export type Status = 'added' | 'removed' | 'kept';

export interface LineageNode {
  readonly id: string;
  readonly label: string;
  readonly kind: 'principal' | 'topic' | 'deadLetter' | 'table';
  readonly status: Status;
}

export interface LineageEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  readonly dashed?: boolean;
  readonly status: Status;
}

export interface Lineage {
  readonly nodes: readonly LineageNode[];
  readonly edges: readonly LineageEdge[];
}

const nodeId = (prefix: string, name: string) => `${prefix}_${name.replace(/^User:/, '').replace(/[^A-Za-z0-9]/g, '_')}`;

function graphOf(products: readonly ManifestProduct[]) {
  const nodes = new Map<string, Omit<LineageNode, 'status'>>();
  const edges = new Map<string, Omit<LineageEdge, 'status'>>();
  const node = (n: Omit<LineageNode, 'status'>) => nodes.set(n.id, n);
  const edge = (e: Omit<LineageEdge, 'status'>) => edges.set(`${e.from}->${e.to}|${e.label ?? ''}`, e);
  for (const p of products) {
    const producer = nodeId('U', p.producer.principal);
    const topic = nodeId('T', p.topic);
    const dlq = nodeId('D', p.deadLetterTopic);
    node({ id: producer, label: p.producer.principal.replace(/^User:/, ''), kind: 'principal' });
    node({ id: topic, label: p.topic, kind: 'topic' });
    node({ id: dlq, label: p.deadLetterTopic, kind: 'deadLetter' });
    edge({ from: producer, to: topic });
    edge({ from: topic, to: dlq, label: 'dead letters', dashed: true });
    for (const c of p.consumers) {
      const consumer = nodeId('U', c.principal);
      node({ id: consumer, label: c.principal.replace(/^User:/, ''), kind: 'principal' });
      edge({ from: topic, to: consumer, label: c.name });
    }
    for (const s of p.sinks ?? []) {
      const table = nodeId('S', s.table);
      node({ id: table, label: s.table, kind: 'table' });
      const consumer = p.consumers.find((c) => c.name === s.consumer);
      edge({ from: consumer ? nodeId('U', consumer.principal) : topic, to: table });
    }
  }
  return { nodes, edges };
}

function merge<T>(b: Map<string, T>, h: Map<string, T>): Array<T & { status: Status }> {
  return [...new Set([...b.keys(), ...h.keys()])].sort().map((k) => ({
    ...((h.get(k) ?? b.get(k)) as T),
    status: (h.has(k) ? (b.has(k) ? 'kept' : 'added') : 'removed') as Status,
  }));
}

/** The lineage of both meshes: what the change adds and removes. */
export function lineageOf(base: readonly ManifestProduct[], head: readonly ManifestProduct[]): Lineage {
  const [b, h] = [graphOf(base), graphOf(head)];
  return { nodes: merge(b.nodes, h.nodes), edges: merge(b.edges, h.edges) };
}

const SHAPES: Record<LineageNode['kind'], [string, string]> = { principal: ['(', ')'], topic: ['[', ']'], deadLetter: ['[/', '/]'], table: ['[(', ')]'] };
const MARK: Record<Status, string> = { added: '➕ ', removed: '➖ ', kept: '' };

/** The Mermaid source (without the fence). */
export function renderMermaid(l: Lineage): string {
  const lines = ['graph LR'];
  for (const n of l.nodes) {
    const [open, close] = SHAPES[n.kind];
    lines.push(`  ${n.id}${open}"${MARK[n.status]}${n.label}"${close}`);
  }
  const styles: string[] = [];
  l.edges.forEach((e, i) => {
    const arrow = e.dashed ? '-.->' : '-->';
    const label = [MARK[e.status].trim(), e.label ?? ''].filter(Boolean).join(' ');
    lines.push(`  ${e.from} ${arrow}${label ? `|"${label}"|` : ''} ${e.to}`);
    if (e.status === 'added') styles.push(`  linkStyle ${i} stroke:#2da44e,stroke-width:2px`);
    if (e.status === 'removed') styles.push(`  linkStyle ${i} stroke:#cf222e,stroke-width:2px,stroke-dasharray:4`);
  });
  lines.push('  classDef added fill:#dafbe1,stroke:#2da44e', '  classDef removed fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4');
  const added = l.nodes.filter((n) => n.status === 'added').map((n) => n.id);
  const removed = l.nodes.filter((n) => n.status === 'removed').map((n) => n.id);
  if (added.length) lines.push(`  class ${added.join(',')} added`);
  if (removed.length) lines.push(`  class ${removed.join(',')} removed`);
  return [...lines, ...styles].join('\n');
}
