import { Testing } from 'cdktf';
import { PlatformStack } from '../../stacks/platform-stack';
import { dev, prod } from '../helpers';
import { parseTemplated, resources } from '../aws-helpers';
import { leastPrivilegeFindings } from '../../contracts/platform/iam-rules';
import { alarmsKeyPolicy, platformKeyPolicy } from '../../contracts/platform/key-policies';

const synth = (env: typeof dev) => JSON.parse(Testing.synth(new PlatformStack(Testing.app(), env), true));

describe('platform-<env>', () => {
  const tfDev = synth(dev);
  const tfProd = synth(prod);

  it('runs MSK on Kafka 3.7.x with TLS only, SCRAM and IAM side by side, no anonymous access', () => {
    const [msk] = resources(tfProd, 'aws_msk_cluster');
    expect(msk.cluster_name).toBe('mesh-prod');
    expect(msk.kafka_version).toMatch(/^3\.7\./);
    expect(msk.client_authentication).toEqual({ sasl: { iam: true, scram: true }, unauthenticated: false });
    expect(msk.encryption_info.encryption_in_transit).toEqual({ client_broker: 'TLS', in_cluster: true });
    expect(msk.encryption_info.encryption_at_rest_kms_key_arn).toMatch(/^\$\{aws_kms_key\.Key.*\.arn\}$/);
    expect(msk.enhanced_monitoring).toBe('PER_TOPIC_PER_PARTITION');
    expect(msk.number_of_broker_nodes).toBe(3);
    expect(msk.broker_node_group_info.client_subnets).toEqual(prod.aws!.network.privateSubnetIds);
    expect(msk.lifecycle).toEqual({ prevent_destroy: true });
  });

  it('refuses auto-created topics and access without an ACL through the MSK configuration', () => {
    const [conf] = resources(tfDev, 'aws_msk_configuration');
    const props = conf.server_properties.split('\n');
    expect(props).toContain('auto.create.topics.enable=false');
    expect(props).toContain('allow.everyone.if.no.acl.found=false');
    const [msk] = resources(tfDev, 'aws_msk_cluster');
    expect(msk.configuration_info.arn).toMatch(/aws_msk_configuration\..*\.arn/);
  });

  it('runs PostgreSQL 17 encrypted, with RDS-managed master credentials; prod keeps backups and deletion protection', () => {
    const [p] = resources(tfProd, 'aws_db_instance');
    expect(p).toMatchObject({ engine: 'postgres', storage_encrypted: true, manage_master_user_password: true, deletion_protection: true, backup_retention_period: 14, publicly_accessible: false, skip_final_snapshot: false });
    expect(p.engine_version).toMatch(/^17\./);
    expect(p.password).toBeUndefined();
    const [d] = resources(tfDev, 'aws_db_instance');
    expect(d).toMatchObject({ deletion_protection: false, skip_final_snapshot: true });
    expect(d.lifecycle).toBeUndefined();
  });

  it('fails if prod could lose its data: keys, cluster and database are prevent_destroy there', () => {
    for (const t of ['aws_kms_key', 'aws_msk_cluster', 'aws_db_instance']) {
      for (const r of resources(tfProd, t)) expect(r.lifecycle).toEqual({ prevent_destroy: true });
      for (const r of resources(tfDev, t)) expect(r.lifecycle).toBeUndefined();
    }
  });

  it('requires Terraform 1.11 or later (ephemeral resources, write-only attributes)', () => {
    expect(tfDev.terraform.required_version).toBe('>= 1.11');
  });

  it('pins rds.force_ssl = 1 in a parameter group of its own, attached to the instance', () => {
    const [group] = resources(tfProd, 'aws_db_parameter_group');
    expect(group).toMatchObject({ name: 'mesh-prod-postgres17', family: 'postgres17', lifecycle: { create_before_destroy: true } });
    expect(group.parameter).toEqual([{ name: 'rds.force_ssl', value: '1', apply_method: 'pending-reboot' }]);
    expect(resources(tfProd, 'aws_db_instance')[0].parameter_group_name).toMatch(/^\$\{aws_db_parameter_group\..*\.name\}$/);
  });

  it('encrypts the brokers\' log group with the platform key', () => {
    expect(resources(tfDev, 'aws_cloudwatch_log_group')[0].kms_key_id).toBe('${aws_kms_key.Key.arn}');
  });

  it('uses the existing network and puts the environment in account-wide names', () => {
    expect(tfDev.resource.aws_vpc).toBeUndefined();
    expect(tfDev.resource.aws_subnet).toBeUndefined();
    for (const sg of resources(tfDev, 'aws_security_group')) {
      expect(sg.vpc_id).toBe(dev.aws!.network.vpcId);
      expect(sg.name).toMatch(/^mesh-dev-/);
      expect(sg.ingress).toBeUndefined();
    }
    expect(resources(tfDev, 'aws_ecs_cluster')[0].name).toBe('mesh-dev');
    expect(resources(tfDev, 'aws_kms_alias').map((a) => a.name).sort()).toEqual(['alias/mesh-dev-alarms', 'alias/mesh-dev-kafka']);
    expect(resources(tfDev, 'aws_cloudwatch_log_group')[0]).toMatchObject({ name: '/mesh/dev/msk/mesh-dev', retention_in_days: 7 });
    expect(resources(tfProd, 'aws_cloudwatch_log_group')[0].retention_in_days).toBe(90);
  });

  it('admits only the admin group on the IAM port; SCRAM clients are added by their own stacks', () => {
    const ingress = resources(tfDev, 'aws_vpc_security_group_ingress_rule');
    expect(ingress).toHaveLength(1);
    expect(ingress[0]).toMatchObject({ from_port: 9098, to_port: 9098, ip_protocol: 'tcp' });
    expect(ingress[0].cidr_ipv4).toBeUndefined();
  });

  it('rotates both keys and exports what other stacks read', () => {
    for (const k of resources(tfDev, 'aws_kms_key')) expect(k.enable_key_rotation).toBe(true);
    expect(Object.keys(tfDev.output).sort()).toEqual(expect.arrayContaining(['alarms_kms_key_arn', 'bootstrap_brokers_sasl_scram', 'broker_security_group_id', 'kms_key_arn', 'msk_cluster_arn']));
  });

  it('gives each key the policy of contracts/platform/key-policies.ts, written explicitly', () => {
    const keys = Object.entries(tfDev.resource.aws_kms_key as Record<string, { policy: string }>);
    const policyOf = (prefix: string) => JSON.parse(keys.find(([id]) => id === prefix)![1].policy);
    expect(policyOf('Key')).toEqual(platformKeyPolicy(dev));
    expect(policyOf('AlarmsKey')).toEqual(alarmsKeyPolicy(dev));
  });

  it('fails if an environment has no aws settings', () => {
    expect(() => new PlatformStack(Testing.app(), { ...dev, aws: undefined })).toThrow(/environment dev has no aws settings/);
  });

  it('matches the snapshot of its resource types and names', () => {
    const summary: Record<string, string[]> = {};
    for (const [type, blocks] of Object.entries(tfDev.resource as Record<string, Record<string, any>>)) {
      summary[type] = Object.values(blocks).map((b) => b.name ?? b.cluster_name ?? b.identifier ?? b.description ?? '').sort();
    }
    expect(summary).toMatchSnapshot();
  });
});

describe('the administrative identity', () => {
  const tf = JSON.parse(Testing.synth(new PlatformStack(Testing.app(), dev), true));

  it('is authorised by an IAM policy with explicit kafka-cluster actions, scoped to this cluster', () => {
    const [policy] = resources(tf, 'aws_iam_policy');
    expect(policy.name).toBe('mesh-dev-kafka-admin');
    const doc = parseTemplated(policy.policy);
    expect(leastPrivilegeFindings(doc)).toEqual([]);
    const actions = doc.Statement.flatMap((s: { Action: string[] }) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['kafka-cluster:Connect', 'kafka-cluster:AlterCluster', 'kafka-cluster:CreateTopic']));
    for (const a of actions) expect(a).not.toMatch(/\*/);
    expect(doc.Statement[1].Resource).toEqual([expect.stringMatching(/^arn:aws:kafka:eu-west-1:111111111111:topic\/<aws_msk_cluster\..*\.cluster_name>\/<aws_msk_cluster\..*\.cluster_uuid>\/\*$/)]);
  });

  it('fails if the admin principal is not exempt by name: it gets no SCRAM identity', () => {
    expect(JSON.stringify(tf)).not.toContain('AmazonMSK_');
    expect(dev.kafka.adminAuth.mechanism).toBe('aws-iam');
  });
});
