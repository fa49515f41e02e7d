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

/** True when the product's producer, topics, consumers or sink tables differ between the two sides (or it is added or removed). */
export function lineageChanged(base: ManifestProduct | undefined, head: ManifestProduct | undefined): boolean {
  const keys = (p: ManifestProduct | undefined) => {
    const g = graphOf(p ? [p] : []);
    return JSON.stringify([[...g.nodes.keys()].sort(), [...g.edges.keys()].sort(), [...g.nodes.values()].map((n) => n.label).sort()]);
  };
  return keys(base) !== keys(head);
}

/**
 * The lineage of both meshes: what the change adds and removes. With `only`, the part that changes for those
 * products: their added and removed nodes and edges, and the nodes those edges connect — each with its status
 * in the whole mesh (a consumer that reads other products too is not new).
 */
export function lineageOf(base: readonly ManifestProduct[], head: readonly ManifestProduct[], only?: ReadonlySet<string>): Lineage {
  const [b, h] = [graphOf(base), graphOf(head)];
  const full = { nodes: merge(b.nodes, h.nodes), edges: merge(b.edges, h.edges) };
  if (!only) return full;
  const [sb, sh] = [graphOf(base.filter((p) => only.has(p.id))), graphOf(head.filter((p) => only.has(p.id)))];
  const key = (e: Omit<LineageEdge, 'status'>) => `${e.from}->${e.to}|${e.label ?? ''}`;
  const mine = new Set([...sb.edges.keys(), ...sh.edges.keys()]);
  const edges = full.edges.filter((e) => e.status !== 'kept' && mine.has(key(e)));
  const ends = new Set(edges.flatMap((e) => [e.from, e.to]));
  const nodes = full.nodes.filter((n) => ends.has(n.id) || (n.status !== 'kept' && (sb.nodes.has(n.id) || sh.nodes.has(n.id))));
  return { nodes, edges };
}

const SHAPES: Record<LineageNode['kind'], [string, string]> = { principal: ['(', ')'], topic: ['[', ']'], deadLetter: ['[/', '/]'], table: ['[(', ')]'] };
const MARK: Record<Status, string> = { added: '➕ ', removed: '➖ ', kept: '' };
const CLASS_STYLE = { added: 'fill:#dafbe1,stroke:#2da44e', removed: 'fill:#ffebe9,stroke:#cf222e,stroke-dasharray:4' } as const;
const LINK_STYLE = { added: 'stroke:#2da44e,stroke-width:2px', removed: 'stroke:#cf222e,stroke-width:2px,stroke-dasharray:4' } as const;

/** The Mermaid source (without the fence). */
export function renderMermaid(l: Lineage): string {
  const lines = ['graph LR'];
  for (const n of l.nodes) {
    const [open, close] = SHAPES[n.kind];
    lines.push(`  ${n.id}${open}"${MARK[n.status]}${n.label}"${close}`);
  }
  const styled: Record<'added' | 'removed', number[]> = { added: [], removed: [] };
  l.edges.forEach((e, i) => {
    const arrow = e.dashed ? '-.->' : '-->';
    const label = [MARK[e.status].trim(), e.label ?? ''].filter(Boolean).join(' ');
    lines.push(`  ${e.from} ${arrow}${label ? `|"${label}"|` : ''} ${e.to}`);
    if (e.status !== 'kept') styled[e.status].push(i);
  });
  // One class and one linkStyle statement per status (Mermaid takes comma-separated ids and link numbers).
  for (const status of ['added', 'removed'] as const) {
    const nodes = l.nodes.filter((n) => n.status === status).map((n) => n.id);
    if (nodes.length) lines.push(`  classDef ${status} ${CLASS_STYLE[status]}`, `  class ${nodes.join(',')} ${status}`);
    if (styled[status].length) lines.push(`  linkStyle ${styled[status].join(',')} ${LINK_STYLE[status]}`);
  }
  return lines.join('\n');
}
