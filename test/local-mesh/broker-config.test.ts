import { brokerProperties, clusterId, randomPassword } from '../../local-mesh/broker';

const props = (admin = { username: 'mesh-admin-local', password: 'pw' }) =>
  new Map(
    brokerProperties({ dataDir: '/d', port: 19092, controllerPort: 19093, admin, keystoreFile: '/k.p12', keystorePassword: 'kp', caFile: '/ca.pem' })
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as [string, string]),
  );

describe('the local broker configuration', () => {
  it('listens on loopback only: SASL_SSL with SCRAM-SHA-512 for clients, the controller on its own loopback port', () => {
    const p = props();
    expect(p.get('listeners')).toBe('CLIENT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(p.get('advertised.listeners')).toBe('CLIENT://127.0.0.1:19092');
    expect(p.get('listener.security.protocol.map')).toBe('CLIENT:SASL_SSL,CONTROLLER:SASL_PLAINTEXT');
    expect(p.get('listener.name.client.sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(p.get('process.roles')).toBe('broker,controller');
  });

  it('authorizes every request: StandardAuthorizer, no ACL means denied, the admin the only super user, no auto-created topics', () => {
    const p = props();
    expect(p.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(p.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(p.get('super.users')).toBe('User:mesh-admin-local');
    expect(p.get('auto.create.topics.enable')).toBe('false');
  });

  it('quotes credentials for JAAS', () => {
    const p = props({ username: 'admin', password: 'a"b\\c' });
    expect(p.get('listener.name.client.scram-sha-512.sasl.jaas.config')).toContain('password="a\\\\"b\\\\\\\\c"');
  });

  it('makes random alphanumeric passwords', () => {
    const a = randomPassword();
    expect(a).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomPassword()).not.toBe(a);
  });
});

describe('the cluster id the storage is formatted with', () => {
  it('never starts with "-", which kafka-storage would read as an option ("--cluster-id: expected one argument")', () => {
    // 0xf8 0x… encodes to a base64url string starting with "-"; the next draw does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const id = clusterId(() => draws.shift() as Buffer);
    expect(Buffer.alloc(16, 0xf8).toString('base64url').startsWith('-')).toBe(true);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
    expect(draws).toHaveLength(0);
    for (let i = 0; i < 2000; i++) expect(clusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
