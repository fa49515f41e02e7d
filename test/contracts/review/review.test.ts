import { reviewMesh, type Review } from '../../../contracts/review/review';
import { EMPTY_OUTPUT } from '../../../contracts/review/synth-output';
import { PAYMENTS, REFUNDS, synth, type Fixture } from './mesh-fixtures';
import { defineDataProduct } from '../../../contracts/index';
import type { EnvironmentConfig } from '../../../contracts/environment';
import { planMesh } from '../../../contracts/mesh';
import { ENVIRONMENTS } from '../../../stacks/environments';
import { spec } from '../../helpers';

const base = synth({ payments: PAYMENTS, refunds: REFUNDS }).output;
const review = (head: Readonly<Record<string, Fixture>>, retired: Parameters<typeof synth>[1] = []): Review => reviewMesh(base, synth(head, retired).output);
const dangers = (r: Review, stack?: string) => r.dangers.filter((d) => !stack || d.stack === stack).map((d) => `${d.level}${d.acknowledged ? ' (acknowledged)' : ''} ${d.stack} ${d.code}: ${d.message}`).sort();
const summaryOf = (r: Review, stack: string) => r.summary.filter((s) => s.stack === stack).map((s) => `${s.type} +${s.create} ~${s.update} ±${s.replace} -${s.delete}`);
const edges = (r: Review, status: string) => r.lineage.edges.filter((e) => e.status === status).map((e) => `${e.from} -> ${e.to}`);

describe('review of a change', () => {
  it('finds nothing when nothing changes', () => {
    const r = review({ payments: PAYMENTS, refunds: REFUNDS });
    expect(r.changes).toEqual([]);
    expect(r.dangers).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.markdown).toContain('No destroy, replacement, partition, retention or replication change');
    expect(r.markdown).toContain('No product changes: 2 other products unchanged.');
    expect(r.markdown).not.toContain('payments/payment-events@v1');
  });

  it('adds a product: new topics and grants, nothing blocks, new lineage edges', () => {
    const r = review({ payments: PAYMENTS, refunds: REFUNDS, chargebacks: { overrides: { name: 'chargeback-events' } } });
    expect(r.exitCode).toBe(0);
    expect(summaryOf(r, 'payments-prod')).toEqual(['aws_glue_schema +1 ~0 ±0 -0', 'kafka_acl +14 ~0 ±0 -0', 'kafka_topic +2 ~0 ±0 -0']);
    expect(new Set(r.dangers.map((d) => `${d.level} ${d.code}`))).toEqual(new Set(['warning CM-DANGER-GRANT-WIDENS']));
    expect(edges(r, 'added')).toEqual(expect.arrayContaining(['U_payments_api -> T_payments_chargeback_events_v1', 'T_payments_chargeback_events_v1 -> U_ledger_sink', 'T_payments_chargeback_events_v1 -> D_payments_chargeback_events_v1_dlq']));
    expect(r.markdown).toMatch(/### payments\/chargeback-events@v1 — added/);
  });

  it('shows the grant of owner.replay: the owner\'s Write and Describe on the topic, as any new ACL', () => {
    const r = review({ payments: { overrides: { owner: { team: 'payments-core', contact: 'payments-core@example.com', principal: 'User:payments-oncall', replay: true } } }, refunds: REFUNDS });
    expect(summaryOf(r, 'payments-prod')).toEqual(['kafka_acl +2 ~0 ±0 -0']);
    expect(r.dangers.map((d) => d.code)).toContain('CM-DANGER-GRANT-WIDENS');
    expect(r.markdown).toMatch(/User:payments-oncall \| Topic `payments\.payment-events\.v1` \| Write \| owner re-produces replayed dead letters/);
    expect(r.markdown).toMatch(/owner\.replay.*true \(the owner may write the topic/);
  });

  it('retires a product: its topics go, acknowledged with the reason, exit 0', () => {
    const r = review({ payments: PAYMENTS }, [{ id: 'payments/refund-events@v1', reason: 'refunds now travel in payment-events v1', by: 'payments-core' }]);
    expect(r.exitCode).toBe(0);
    expect(dangers(r, 'payments-prod').filter((d) => d.includes('CM-DANGER-DESTROY'))).toEqual([
      'error (acknowledged) payments-prod CM-DANGER-DESTROY: topic "payments.refund-events.v1" is destroyed: its records are lost (payments/refund-events@v1 is retired)',
      'error (acknowledged) payments-prod CM-DANGER-DESTROY: topic "payments.refund-events.v1.dlq" is destroyed: its records are lost (payments/refund-events@v1 is retired)',
    ]);
    expect(r.markdown).toContain('_payments/refund-events@v1 retired by payments-core: refunds now travel in payment-events v1_');
    expect(r.markdown).toMatch(/### payments\/refund-events@v1 — removed — retired by payments-core: refunds now travel/);
    expect(edges(r, 'removed')).toEqual(expect.arrayContaining(['U_payments_api -> T_payments_refund_events_v1', 'T_payments_refund_events_v1 -> U_ledger_sink']));
  });

  it('retires a product whose principals and sink nothing else uses: every destroy that follows is acknowledged, exit 0', () => {
    const alone: Fixture = {
      overrides: {
        ...REFUNDS.overrides,
        producer: { principal: 'User:refund-service' },
        consumers: [{ name: 'audit', principal: 'User:refund-auditor', sink: { postgres: { mode: 'append' } } }],
      },
      schema: REFUNDS.schema,
    };
    const before = synth({ payments: PAYMENTS, refunds: alone }).output;
    const retiredReview = reviewMesh(before, synth({ payments: PAYMENTS }, [{ id: 'payments/refund-events@v1', reason: 'refunds now travel in payment-events v1', by: 'payments-core' }]).output);
    const errors = retiredReview.dangers.filter((d) => d.level === 'error');
    expect(errors.map((d) => d.address.split('.')[0] === 'aws_secretsmanager_secret' || d.address.startsWith('aws_lambda') ? `${d.stack} ${d.message.split(' is destroyed')[0]}` : undefined).filter(Boolean).sort()).toEqual([
      'identities-prod aws_secretsmanager_secret at identities-prod/refund-auditor/Secret',
      'identities-prod aws_secretsmanager_secret at identities-prod/refund-service/Secret',
      'payments-prod aws_lambda_function at payments-prod/PostgresSinks/MigrationFunction',
      'payments-prod aws_lambda_invocation at payments-prod/PostgresSinks/ApplyMigrations',
      'payments-prod aws_secretsmanager_secret at payments-prod/PostgresSinks/Login-payments__audit',
    ]);
    expect(errors.every((d) => d.acknowledged === 'payments/refund-events@v1 retired by payments-core: refunds now travel in payment-events v1')).toBe(true);
    expect(retiredReview.exitCode).toBe(0);
    // Deleted without the retirement, the same destroys block, each saying how to retire.
    const deleted = reviewMesh(before, synth({ payments: PAYMENTS }).output);
    expect(deleted.exitCode).toBe(1);
    const secret = deleted.dangers.find((d) => d.address.startsWith('aws_secretsmanager_secret') && d.stack === 'identities-prod');
    expect(secret?.acknowledged).toBeUndefined();
    expect(secret).toMatchObject({ level: 'error', message: expect.stringContaining('was deleted without being retired (npm run contracts:retire -- payments/refund-events@v1 --reason "…")') });
  });

  it('fails if a prod product is deleted without retiring it: its topics in the danger list, exit 1', () => {
    const r = review({ payments: PAYMENTS });
    expect(r.exitCode).toBe(1);
    const errors = r.dangers.filter((d) => d.level === 'error');
    expect(errors.map((d) => [d.stack, d.address.split('.')[0], d.message.split(':')[0]]).sort()).toEqual([
      ['payments-prod', 'kafka_topic', 'topic "payments.refund-events.v1" is destroyed'],
      ['payments-prod', 'kafka_topic', 'topic "payments.refund-events.v1.dlq" is destroyed'],
    ]);
    expect(errors[1].message).toContain('was deleted without being retired (npm run contracts:retire -- payments/refund-events@v1 --reason "…")');
    expect(dangers(r, 'payments-dev').filter((d) => d.includes('DESTROY')).every((d) => d.startsWith('warning'))).toBe(true);
    expect(summaryOf(r, 'payments-prod')).toEqual(['aws_glue_schema +0 ~0 ±0 -1', 'kafka_acl +0 ~0 ±0 -10', 'kafka_topic +0 ~0 ±0 -2']);
    expect(r.markdown).toMatch(/❌ 2 unacknowledged errors block this change/);
    expect(r.markdown).toMatch(/### payments\/refund-events@v1 — removed — ❌ NOT retired/);
  });

  it('fails if retention is reduced in prod (records are deleted), and passes once the contract acknowledges it', () => {
    const shorter = { ...REFUNDS, overrides: { ...REFUNDS.overrides, retention: { days: 3 } } };
    const r = review({ payments: PAYMENTS, refunds: shorter });
    expect(r.exitCode).toBe(1);
    expect(dangers(r, 'payments-prod')).toEqual([
      'error payments-prod CM-DANGER-RETENTION: topic "payments.refund-events.v1" retention.ms 14 days → 3 days: records older than 3 days are deleted when this applies',
      'error payments-prod CM-DANGER-RETENTION: topic "payments.refund-events.v1.dlq" retention.ms 28 days → 14 days: records older than 14 days are deleted when this applies',
    ]);
    expect(summaryOf(r, 'payments-prod')).toEqual(['kafka_topic +0 ~2 ±0 -0']);
    const acknowledged = { ...shorter, overrides: { ...shorter.overrides, suppressions: [
      { rule: 'CM-DANGER-RETENTION', resource: 'topic', reason: 'finance agreed: 3 days are enough (FIN-7)' },
      { rule: 'CM-DANGER-RETENTION', resource: 'deadLetter', reason: 'dead letters follow the main topic (FIN-7)' },
    ] } };
    const ok = review({ payments: PAYMENTS, refunds: acknowledged });
    expect(ok.exitCode).toBe(0);
    expect(dangers(ok, 'payments-prod')[0]).toMatch(/^error \(acknowledged\) payments-prod CM-DANGER-RETENTION/);
    expect(ok.markdown).toContain('acknowledged in the contract of payments/refund-events@v1: finance agreed: 3 days are enough (FIN-7)');
  });

  it('warns on a partition increase (in place) and fails on a decrease (destroy and re-create)', () => {
    const more = review({ payments: { overrides: { throughput: { peakMessagesPerSecond: 20000, averageMessageBytes: 400 } } }, refunds: REFUNDS });
    expect(more.exitCode).toBe(0);
    expect(dangers(more, 'payments-prod').filter((d) => d.includes('PARTITIONS'))).toEqual([
      expect.stringMatching(/^warning payments-prod CM-DANGER-PARTITIONS: topic "payments.payment-events.v1" partitions 4 → 40: keys move/),
      expect.stringMatching(/^warning payments-prod CM-DANGER-PARTITIONS: topic "payments.payment-events.v1.dlq" partitions 1 → 10/),
    ]);
    expect(summaryOf(more, 'payments-prod')).toEqual(['kafka_topic +0 ~2 ±0 -0']);
    const fewer = review({ payments: { overrides: { throughput: { peakMessagesPerSecond: 100, averageMessageBytes: 400 } } }, refunds: REFUNDS });
    expect(fewer.exitCode).toBe(1);
    expect(dangers(fewer, 'payments-prod')).toEqual([
      'error payments-prod CM-DANGER-DESTROY: topic "payments.payment-events.v1" is destroyed and re-created (partitions decrease 4 → 3): its records are lost',
    ]);
    expect(summaryOf(fewer, 'payments-prod')).toEqual(['kafka_topic +0 ~0 ±1 -0']);
  });

  it('fails if a topic is renamed (a new product name): old topics destroyed, new ones created', () => {
    const r = review({ payments: PAYMENTS, refunds: { ...REFUNDS, overrides: { ...REFUNDS.overrides, name: 'refunds' } } });
    expect(r.exitCode).toBe(1);
    expect(r.dangers.filter((d) => d.level === 'error').map((d) => d.message.split(':')[0]).sort()).toEqual(['topic "payments.refund-events.v1" is destroyed', 'topic "payments.refund-events.v1.dlq" is destroyed']);
    expect(summaryOf(r, 'payments-prod')).toEqual(['aws_glue_schema +1 ~0 ±0 -1', 'kafka_acl +10 ~0 ±0 -10', 'kafka_topic +2 ~0 ±0 -2']);
    expect(edges(r, 'added')).toContain('U_payments_api -> T_payments_refunds_v1');
    expect(edges(r, 'removed')).toContain('U_payments_api -> T_payments_refund_events_v1');
  });

  it('adds a consumer (grants widen) and removes one (access lost), with lineage edges', () => {
    const plus = review({ payments: PAYMENTS, refunds: { ...REFUNDS, overrides: { ...REFUNDS.overrides, consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }, { name: 'bi', principal: 'User:bi-loader' }] } } });
    expect(plus.exitCode).toBe(0);
    expect(dangers(plus, 'payments-prod')).toEqual([
      'warning payments-prod CM-DANGER-GRANT-WIDENS: User:bi-loader gains Describe on Topic "payments.refund-events.v1"',
      'warning payments-prod CM-DANGER-GRANT-WIDENS: User:bi-loader gains Read on Group "payments.refund-events.v1.bi"',
      'warning payments-prod CM-DANGER-GRANT-WIDENS: User:bi-loader gains Read on Topic "payments.refund-events.v1"',
      'warning payments-prod CM-DANGER-GRANT-WIDENS: User:bi-loader gains Write on Topic "payments.refund-events.v1.dlq"',
    ]);
    expect(edges(plus, 'added')).toEqual(['T_payments_refund_events_v1 -> U_bi_loader']);
    const minus = review({ payments: PAYMENTS, refunds: { ...REFUNDS, overrides: { ...REFUNDS.overrides, consumers: [] } } });
    expect(minus.exitCode).toBe(0);
    expect(dangers(minus, 'payments-prod')).toEqual(expect.arrayContaining([
      'warning payments-prod CM-DANGER-ACCESS-LOST: User:ledger-sink loses Read on Group "payments.refund-events.v1.ledger"',
      'warning payments-prod CM-DANGER-ACCESS-LOST: User:ledger-sink loses Read on Topic "payments.refund-events.v1"',
    ]));
    expect(edges(minus, 'removed')).toEqual(['T_payments_refund_events_v1 -> U_ledger_sink']);
    expect(minus.markdown).toMatch(/\| ➖ User:ledger-sink \| Group `payments.refund-events.v1.ledger` \| Read \|/);
  });

  it('shows a field change in the contract section, with the derived settings it moves', () => {
    const r = review({ payments: PAYMENTS, refunds: { ...REFUNDS, schema: 'z.object({ refundId: z.uuid(), paymentId: z.uuid(), amountMinor: z.int().nonnegative(), occurredAt: z.iso.datetime(), reason: z.string().max(200).optional() })' } });
    expect(r.exitCode).toBe(0);
    expect(r.markdown).toMatch(/### payments\/refund-events@v1 — changed/);
    expect(r.markdown).toContain('| schema.reason | — | string ≤200, optional |');
  });
});

describe('review of the whole mesh as new', () => {
  it('lists every resource as added and blocks nothing', () => {
    const r = reviewMesh(EMPTY_OUTPUT, base, {}, false);
    expect(r.exitCode).toBe(0);
    expect(r.changes.every((c) => c.action === 'create')).toBe(true);
    expect(r.markdown).toContain('Base: nothing (the whole mesh is reviewed as new)');
    const order = ['## Danger list', '## Summary', '## Per product', '## Cost', '## Lineage'].map((h) => r.markdown.indexOf(h));
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
  });
});

describe('TLS to the database in the review', () => {
  const withTls = (databaseTls: Record<string, unknown>) => ({ ...base, manifest: { ...base.manifest, environments: base.manifest.environments.map((e) => (e.name === 'dev' ? { ...e, databaseTls } : e)) } });
  it('shows, in every review, an environment that does not verify the database certificate', () => {
    const r = reviewMesh(base, withTls({ verifyServerCertificate: false }));
    expect(r.markdown).toMatch(/⚠️ warning · environment `dev` · CM-DANGER-TLS-UNVERIFIED: the migration function connects to the database WITHOUT verifying its TLS certificate/);
    expect(r.exitCode).toBe(0);
  });
  it('says nothing of an environment that verifies it against its CA bundle', () => {
    // local has no AWS settings, so no database TLS setting: its sink tables live in the developer's own PostgreSQL.
    expect(Object.fromEntries(base.manifest.environments.map((e) => [e.name, e.databaseTls]))).toEqual({ dev: { caBundleFile: 'certs/rds/eu-west-1-bundle.pem' }, local: undefined, prod: { caBundleFile: 'certs/rds/eu-west-1-bundle.pem' } });
    expect(reviewMesh(base, withTls({ caBundleFile: 'certs/rds/eu-west-1-bundle.pem' })).markdown).not.toContain('CM-DANGER-TLS-UNVERIFIED');
  });
});

describe('the loopback environment in the review', () => {
  it('leaves the local stacks out of every section, with one line naming them', () => {
    expect(base.manifest.environments.filter((e) => e.loopback).map((e) => e.name)).toEqual(['local']);
    const r = review({ payments: PAYMENTS, refunds: REFUNDS, chargebacks: { overrides: { name: 'chargeback-events' } } });
    expect(r.changes.filter((c) => c.stack.endsWith('-local'))).toEqual([]);
    expect(r.dangers.filter((d) => d.stack.endsWith('-local'))).toEqual([]);
    expect(r.markdown).not.toMatch(/`payments-local`|`identities-local`|\| local \|/);
    expect(r.markdown).toContain("Not reviewed: the 2 stacks of `local`, a developer's loopback mesh that no pipeline deploys");
    // the same change in dev is reviewed
    expect(r.changes.some((c) => c.stack === 'payments-dev')).toBe(true);
  });

  it('fails if a production environment is marked loopback (it would reach no reviewer)', () => {
    const prod = ENVIRONMENTS.find((e) => e.name === 'prod') as EnvironmentConfig;
    expect(() => planMesh([{ product: defineDataProduct(spec()) }], [{ ...prod, loopback: true }])).toThrow(/\(environment prod\): loopback: is a production environment and a loopback one.*Fix: remove loopback from a production environment/s);
  });
});
