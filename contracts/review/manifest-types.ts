/**
 * What the review reads from `mesh-manifest.json` (written by
 * `stacks/manifest.ts`). Fields added by later manifest versions are optional,
 * so that an older base still reads.
 */
import type { CostInputs } from '../cost/estimate';
import type { Derived } from '../derive/derived';
import type { AclPlan } from '../derive/acls';
import type { Finding } from '../policy/rule';
import type { Retirement } from '../retire/retired';
import type { Shape } from '../schema/shape';

export interface ManifestTopic {
  readonly name: string;
  readonly partitions: Derived<number>;
  readonly replicationFactor: Derived<number>;
  readonly config: Readonly<Record<string, Derived<string>>>;
  readonly unset?: Readonly<Record<string, string>>;
}

export interface ManifestProduct {
  readonly id: string;
  readonly domain: string;
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly owner: { readonly team: string; readonly contact: string; readonly principal?: string; readonly replay?: boolean };
  readonly producer: { readonly principal: string };
  readonly kind: 'event' | 'entity';
  readonly key: string;
  readonly classification: string;
  readonly compatibility: string;
  readonly retention: { readonly ms: number; readonly text: string };
  readonly throughput: { readonly peakMessagesPerSecond: number; readonly averageMessageBytes: number };
  readonly keyCardinality?: number;
  readonly consumers: ReadonlyArray<{ readonly name: string; readonly principal: string; readonly group: string }>;
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly suppressions?: ReadonlyArray<{ readonly rule: string; readonly resource: string; readonly reason: string }>;
  readonly shape: Shape;
  /** The compatibility gate's verdict against the lock, when the gate exists (issue 4). */
  readonly gate?: { readonly verdict: string; readonly reasons?: readonly string[] };
  /** Sink tables, when a Postgres sink exists (issue 5): `<schema>.<table>` per consumer. */
  readonly sinks?: ReadonlyArray<{ readonly consumer: string; readonly table: string }>;
  /** The protobuf/JSON size ratio measured at synth on a deterministic sample (`codec/size-sample.ts`), when measured. */
  readonly encoding?: { readonly protoToJsonRatio: number; readonly sampleCount: number; readonly protoBytes?: number; readonly jsonBytes?: number; readonly method?: string };
}

export interface ManifestStackProduct {
  readonly id: string;
  readonly topic: ManifestTopic;
  readonly deadLetter: ManifestTopic;
  readonly acls: readonly AclPlan[];
  readonly costInputs?: CostInputs;
  /** SQL migrations that will run, when a Postgres sink exists. */
  readonly migrations?: ReadonlyArray<{ readonly name: string; readonly sql: string }>;
  /** Consumer deployments, when they exist. */
  readonly deployments?: ReadonlyArray<Record<string, unknown>>;
  /** What synth warned about (e.g. partitions locked below what the throughput needs), when anything. */
  readonly warnings?: readonly string[];
}

export interface ManifestStack {
  readonly name: string;
  readonly domain: string;
  readonly environment: string;
  readonly production: boolean;
  readonly products: readonly ManifestStackProduct[];
}

export interface ManifestEnvironment {
  readonly name: string;
  readonly production: boolean;
  /** A developer's own mesh on one machine (`local`), which the review leaves out. @default false */
  readonly loopback?: boolean;
  readonly adminPrincipal?: string;
  readonly pricing?: { readonly storagePerGbMonth: number; readonly partitionPerHour: number; readonly currency?: string };
  /** How the migration function checks the database's TLS certificate (absent: not set, or no aws settings). */
  readonly databaseTls?: { readonly caBundleFile?: string; readonly verifyServerCertificate?: boolean };
}

export interface ReviewManifest {
  readonly manifestVersion: number;
  readonly environments: readonly ManifestEnvironment[];
  readonly products: readonly ManifestProduct[];
  readonly stacks: readonly ManifestStack[];
  readonly policy: { readonly findings: readonly Finding[]; readonly suppressions: ReadonlyArray<{ readonly product: string; readonly rule: string; readonly resource: string; readonly reason: string }> };
  readonly retired: readonly Retirement[];
}
