import { deriveIdentities } from '../../../contracts/derive/identities';
import { compiled, dev, prod } from '../../helpers';

describe('deriveIdentities', () => {
  const payments = compiled();
  const orders = compiled({ domain: 'orders', name: 'order-events', consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }], producer: { principal: 'User:order-service' } });

  it('makes one identity per principal across every product, named per environment', () => {
    const ids = deriveIdentities([payments, orders], dev);
    expect(ids.map((i) => i.principal)).toEqual(['User:fraud-scoring', 'User:ledger-sink', 'User:order-service', 'User:payments-api', 'User:payments-oncall']);
    const ledger = ids.find((i) => i.user === 'ledger-sink');
    expect(ledger).toEqual({
      principal: 'User:ledger-sink',
      user: 'ledger-sink',
      secretName: 'AmazonMSK_dev_ledger-sink',
      namedBy: ['orders/order-events@v1 consumer ledger', 'payments/payment-events@v1 consumer ledger'],
    });
    expect(deriveIdentities([payments], prod).every((i) => i.secretName.startsWith('AmazonMSK_prod_'))).toBe(true);
  });

  it('fails if the administrative principal gets a SCRAM identity (it is exempt by name)', () => {
    const adminNamed = compiled({ owner: { team: 't', contact: 't@example.com', principal: dev.kafka.adminPrincipal } });
    expect(deriveIdentities([adminNamed], dev).map((i) => i.principal)).not.toContain(dev.kafka.adminPrincipal);
  });
});
