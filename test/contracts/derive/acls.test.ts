import { deriveAcls } from '../../../contracts/derive/acls';
import { compiled } from '../../helpers';

const rows = (acls: ReturnType<typeof deriveAcls>) => acls.map((a) => `${a.principal} ${a.operation} ${a.resourceType}:${a.resourceName}`).sort();

describe('deriveAcls', () => {
  it('grants exactly what the contract names, and nothing else', () => {
    const t = 'payments.payment-events.v1';
    expect(rows(deriveAcls(compiled()))).toEqual([
      `User:fraud-scoring Describe Topic:${t}`,
      `User:fraud-scoring Read Group:${t}.fraud-scoring`,
      `User:fraud-scoring Read Topic:${t}`,
      `User:fraud-scoring Write Topic:${t}.dlq`,
      `User:ledger-sink Describe Topic:${t}`,
      `User:ledger-sink Read Group:${t}.ledger`,
      `User:ledger-sink Read Topic:${t}`,
      `User:ledger-sink Write Topic:${t}.dlq`,
      `User:payments-api Describe Topic:${t}`,
      `User:payments-api Write Topic:${t}`,
      `User:payments-api Write Topic:${t}.dlq`,
      `User:payments-oncall Describe Topic:${t}.dlq`,
      `User:payments-oncall Read Group:${t}.dlq.replay`,
      `User:payments-oncall Read Topic:${t}.dlq`,
    ]);
  });

  it('gives the owner nothing without an owner principal', () => {
    const acls = deriveAcls(compiled({ owner: { team: 't', contact: 'c@example.com' } }));
    expect(acls.some((a) => a.principal === 'User:payments-oncall')).toBe(false);
    expect(acls.some((a) => a.resourceName.endsWith('.replay'))).toBe(false);
  });

  it('gives the owner Write and Describe on the topic only when the contract opts in to replay', () => {
    const t = 'payments.payment-events.v1';
    const owner = (acls: ReturnType<typeof deriveAcls>) => rows(acls).filter((r) => r.startsWith('User:payments-oncall '));
    expect(owner(deriveAcls(compiled()))).toEqual([
      `User:payments-oncall Describe Topic:${t}.dlq`,
      `User:payments-oncall Read Group:${t}.dlq.replay`,
      `User:payments-oncall Read Topic:${t}.dlq`,
    ]);
    const replay = deriveAcls(compiled({ owner: { team: 't', contact: 'c@example.com', principal: 'User:payments-oncall', replay: true } }));
    expect(owner(replay)).toEqual([
      `User:payments-oncall Describe Topic:${t}`,
      `User:payments-oncall Describe Topic:${t}.dlq`,
      `User:payments-oncall Read Group:${t}.dlq.replay`,
      `User:payments-oncall Read Topic:${t}.dlq`,
      `User:payments-oncall Write Topic:${t}`,
    ]);
    expect(replay.find((a) => a.principal === 'User:payments-oncall' && a.operation === 'Write')?.reason).toMatch(/replay/);
    // Never a Read of the main topic: replay re-produces, it does not consume the product.
    expect(replay.some((a) => a.principal === 'User:payments-oncall' && a.resourceName === t && a.operation === 'Read')).toBe(false);
  });

  it('gives a producer without consumers only its own grants', () => {
    expect(rows(deriveAcls(compiled({ consumers: [], owner: { team: 't', contact: 'c' } })))).toHaveLength(3);
  });

  it('merges the grants of a principal that holds two roles into one ACL each', () => {
    const acls = deriveAcls(compiled({ consumers: [{ name: 'self', principal: 'User:payments-api' }] }));
    const dlqWrites = acls.filter((a) => a.principal === 'User:payments-api' && a.operation === 'Write' && a.resourceName.endsWith('.dlq'));
    expect(dlqWrites).toHaveLength(1);
    expect(dlqWrites[0].reason).toMatch(/producer .*; consumer self/);
  });

  it('never grants a wildcard, a prefix or a cluster right', () => {
    for (const a of deriveAcls(compiled())) {
      expect(a.principal).not.toMatch(/\*/);
      expect(a.resourceName).not.toMatch(/\*/);
      expect(['Topic', 'Group']).toContain(a.resourceType);
      expect(['Read', 'Write', 'Describe']).toContain(a.operation);
    }
  });
});
