import { compiled } from '../../helpers';
import { ident, literal, PG_IDENTIFIER_MAX_BYTES } from '../../../contracts/sql/identifiers';
import { deriveSinkTables, loginRolesOf } from '../../../contracts/sql/sink-tables';

const sink = (name: string, mode = 'upsert') => ({ name, principal: `User:${name}`, sink: { postgres: { mode } } });

describe('sink tables and roles', () => {
  it('names schema, table and roles by the documented rule, with reasons', () => {
    const { tables, problems } = deriveSinkTables(compiled({ domain: 'card-payments', consumers: [sink('ledger-sink')] }));
    expect(problems).toEqual([]);
    expect(tables[0]).toMatchObject({
      schema: { value: 'card_payments', reason: expect.stringContaining('card-payments') },
      table: { value: 'payment_events_v1__ledger_sink', reason: expect.stringContaining('upsert') },
      roles: { owner: 'card_payments_owner', login: 'card_payments__ledger_sink', analyst: 'card_payments_analyst' },
      migrationsDir: 'card-payments/payment-events.v1/ledger-sink',
    });
  });

  it('keeps the longest names within 63 bytes', () => {
    const { tables, problems } = deriveSinkTables(
      compiled({ domain: 'a'.repeat(24), name: 'b'.repeat(32), version: 999, consumers: [sink('c'.repeat(20))] }),
    );
    expect(problems).toEqual([]);
    for (const n of [tables[0].table.value, `${tables[0].table.value}_pk`, ...Object.values(tables[0].roles)]) {
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(PG_IDENTIFIER_MAX_BYTES);
    }
  });

  it('fails if the domain would take a schema Postgres reserves', () => {
    const { tables, problems } = deriveSinkTables(compiled({ domain: 'public', consumers: [sink('ledger')] }));
    expect(tables).toEqual([]);
    expect(problems).toEqual([expect.objectContaining({ field: 'consumers[0].sink', message: expect.stringMatching(/"public", which Postgres reserves/) })]);
  });

  it('lists each login role once', () => {
    const a = deriveSinkTables(compiled({ consumers: [sink('ledger')] })).tables;
    const b = deriveSinkTables(compiled({ name: 'refund-events', consumers: [sink('ledger'), sink('audit', 'append')] })).tables;
    expect(loginRolesOf([...a, ...b])).toEqual(['payments__audit', 'payments__ledger']);
  });

  it('quotes identifiers and literals, and fails if an identifier would be truncated', () => {
    expect(ident('we"ird')).toBe('"we""ird"');
    expect(literal("it's")).toBe("'it''s'");
    expect(() => ident('x'.repeat(64))).toThrow(/64 bytes; it must be 1 to 63/);
  });
});
