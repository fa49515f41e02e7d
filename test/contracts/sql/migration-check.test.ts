import { sha256 } from '../../../contracts/build-cache';
import { checkCommittedMigrations, type ExpectedMigration } from '../../../contracts/sql/migration-check';

const SQL = '-- contract-mesh migration for payments/payment-events@v1, consumer "ledger" (upsert): creates its sink table.\nCREATE TABLE x ();\n';
const expected = (id: string, sql = SQL): ExpectedMigration => ({ product: 'payments/payment-events@v1', consumer: id.split('/')[2], id, checksum: sha256(sql) });
const committed = (id: string, sql = SQL) => ({ id, sql });
const PRODUCTS = ['payments/payment-events@v1', 'payments/refund-events@v1'];

describe('committed migrations against what contracts:lock writes', () => {
  it('holds when every needed migration is committed unchanged', () => {
    expect(checkCommittedMigrations({ expected: [expected('payments/payment-events.v1/ledger/0001_create.sql')], committed: [committed('payments/payment-events.v1/ledger/0001_create.sql')], products: PRODUCTS })).toEqual([]);
  });

  it('fails if a needed migration is missing, naming the file and npm run contracts:lock', () => {
    const [p] = checkCommittedMigrations({ expected: [expected('payments/payment-events.v1/ledger/0002_shape-2.sql')], committed: [], products: PRODUCTS });
    expect(p).toMatchObject({ product: 'payments/payment-events@v1', field: 'consumers.ledger.sink', message: expect.stringContaining('contracts/migrations/payments/payment-events.v1/ledger/0002_shape-2.sql is missing'), fix: expect.stringContaining('npm run contracts:lock') });
  });

  it('fails if a committed migration was edited, with the command that restores it', () => {
    const id = 'payments/payment-events.v1/ledger/0001_create.sql';
    const [p] = checkCommittedMigrations({ expected: [expected(id)], committed: [committed(id, `${SQL}GRANT rds_superuser TO "payments__ledger";\n`)], products: PRODUCTS });
    expect(p.message).toMatch(/0001_create\.sql is not what contracts:lock writes for this shape/);
    expect(p.fix).toContain(`git checkout -- contracts/migrations/${id}`);
  });

  it('fails if a file was added to a sink table folder, or belongs to no product', () => {
    const problems = checkCommittedMigrations({
      expected: [expected('payments/payment-events.v1/ledger/0001_create.sql')],
      committed: [committed('payments/payment-events.v1/ledger/0001_create.sql'), committed('payments/payment-events.v1/ledger/0002_x.sql', 'GRANT rds_superuser TO "payments__ledger";'), committed('logistics/parcels.v1/audit/0001_create.sql')],
      products: PRODUCTS,
    });
    expect(problems.map((p) => `${p.product}: ${p.message.split(':')[0]}`)).toEqual([
      'payments/payment-events@v1: contracts/migrations/payments/payment-events.v1/ledger/0002_x.sql was not written by contracts',
      'logistics/parcels@v1: contracts/migrations/logistics/parcels.v1/audit/0001_create.sql was not written by contracts',
    ]);
    expect(problems[1].message).toMatch(/no such product, and it is not retired/);
  });

  it("keeps the folders of a removed sink (the table stays) and of a retired version", () => {
    expect(checkCommittedMigrations({
      expected: [],
      committed: [committed('payments/refund-events.v1/bi/0001_create.sql'), committed('orders/order-state.v1/analytics/0001_create.sql')],
      products: PRODUCTS,
      retired: ['orders/order-state@v1'],
    })).toEqual([]);
  });
});
