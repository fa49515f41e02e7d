/**
 * Reading IAM policies as synthesis writes them: JSON whose strings hold Terraform references, `${jsonencode(…)}`,
 * a policy document's JSON. The texts below are what cdktf 0.21 writes into cdk.tf.json (see the fixture mesh's
 * stacks and test/constructs/mesh-policy-synth.test.ts, which builds them with real constructs).
 */
import { policiesOf, readPolicyDocument, readPolicyText, withoutReferences, type PolicyReading } from '../../../contracts/policy/iam-policy';

const statements = (r: PolicyReading) => {
  if (r.status !== 'read') throw new Error(`expected a read policy, got ${JSON.stringify(r)}`);
  return r.statements;
};

describe('readPolicyText', () => {
  it('reads JSON with references inside its strings, keeping each reference verbatim (HCL quotes and all)', () => {
    // As JSON.stringify writes it before cdktf puts the references in: their quotes are not escaped.
    const text = '{"Version":"2012-10-17","Statement":[{"Sid":"ReadOwnSecrets","Effect":"Allow","Action":["secretsmanager:GetSecretValue"],'
      + '"Resource":["${data.terraform_remote_state.Identities.outputs.scram_secret_arns["ledger-sink"]}","arn:aws:secretsmanager:eu-west-1:1:secret:mesh/x-??????"]},'
      + '{"Effect":"Allow","Action":"kms:Decrypt","Resource":"${data.terraform_remote_state.Platform.outputs.kms_key_arn}","Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.${data.aws_region.r.name}.amazonaws.com"}}}]}';
    expect(() => JSON.parse(text)).toThrow(); // not JSON until Terraform has evaluated the references
    expect(statements(readPolicyText(text))).toEqual([
      {
        sid: 'ReadOwnSecrets', effect: 'Allow', actions: ['secretsmanager:GetSecretValue'], notActions: [],
        resources: ['${data.terraform_remote_state.Identities.outputs.scram_secret_arns["ledger-sink"]}', 'arn:aws:secretsmanager:eu-west-1:1:secret:mesh/x-??????'],
        notResources: [], principals: [], notPrincipals: [], conditions: [], conditionKeys: [],
      },
      {
        effect: 'Allow', actions: ['kms:Decrypt'], notActions: [], resources: ['${data.terraform_remote_state.Platform.outputs.kms_key_arn}'], notResources: [],
        principals: [], notPrincipals: [],
        conditions: [{ operator: 'StringEquals', key: 'kms:ViaService', values: ['secretsmanager.${data.aws_region.r.name}.amazonaws.com'] }],
        conditionKeys: ['kms:viaservice'],
      },
    ]);
  });

  it('reads principals and conditions of a trust policy, references in their values included', () => {
    const text = '{"Statement":[{"Effect":"Allow","Principal":{"Service":["lambda.amazonaws.com"],"AWS":"${aws_iam_role.admin.arn}"},"Action":"sts:AssumeRole",'
      + '"Condition":{"StringEquals":{"aws:SourceAccount":"${data.aws_caller_identity.me.account_id}"}}}]}';
    const [s] = statements(readPolicyText(text));
    expect(s.principals).toEqual([{ type: 'Service', id: 'lambda.amazonaws.com' }, { type: 'AWS', id: '${aws_iam_role.admin.arn}' }]);
    expect(s.conditions).toEqual([{ operator: 'StringEquals', key: 'aws:SourceAccount', values: ['${data.aws_caller_identity.me.account_id}'] }]);
    expect(statements(readPolicyText('{"Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}'))[0].principals).toEqual([{ type: '*', id: '*' }]);
  });

  it("reads Fn.jsonencode's HCL object: a bare traversal is a reference, a string keeps its interpolations", () => {
    // What cdktf 0.21 writes for Fn.jsonencode({ …, Resource: topic.arn }) and [`${topic.arn}/x`, '*'].
    const text = '${jsonencode({"Version" = "2012-10-17", "Statement" = [{"Effect" = "Allow", "Action" = ["sns:Publish"], "Resource" = aws_sns_topic.T.arn, '
      + '"Condition" = {"StringEquals" = {"aws:SourceAccount" = "1"}}}, {"Effect" = "Allow", "Action" = "sns:Get*", "Resource" = ["${aws_sns_topic.T.arn}/x", "*"]}]})}';
    expect(statements(readPolicyText(text)).map((s) => [s.actions, s.resources, s.conditionKeys])).toEqual([
      [['sns:Publish'], ['${aws_sns_topic.T.arn}'], ['aws:sourceaccount']],
      [['sns:Get*'], ['${aws_sns_topic.T.arn}/x', '*'], []],
    ]);
  });

  it('reads hand-written HCL: bare keys, ":" and newlines, comments, numbers, function calls kept as references', () => {
    const text = `\${jsonencode({
      Version = "2012-10-17" # the current language
      Statement = [{
        Effect: "Allow", // one statement
        Action = ["s3:GetObject"]
        Resource = [for b in var.buckets : "\${b}/*"]
        Condition = { NumericLessThan = { "s3:max-keys" = 10 }, Bool = { "aws:SecureTransport" = true } }
      }]
    })}`;
    const [s] = statements(readPolicyText(text));
    expect(s.resources).toEqual(['${[for b in var.buckets : "${b}/*"]}']);
    expect(s.conditions).toEqual([
      { operator: 'NumericLessThan', key: 's3:max-keys', values: ['10'] },
      { operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] },
    ]);
  });

  it('keeps an IAM policy variable ($${aws:username} in Terraform) as written for AWS', () => {
    const [s] = statements(readPolicyText('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/$${aws:username}/*"}]}'));
    expect(s.resources).toEqual(['arn:aws:s3:::home/${aws:username}/*']);
  });

  it("names a policy document's JSON as the document to judge", () => {
    expect(readPolicyText('${data.aws_iam_policy_document.sink.json}')).toEqual({ status: 'document', address: 'data.aws_iam_policy_document.sink' });
    expect(readPolicyText('${data.aws_iam_policy_document.sink.minified_json}')).toEqual({ status: 'document', address: 'data.aws_iam_policy_document.sink' });
  });

  it.each([
    ['${file("policy.json")}', /value of \$\{file\("policy.json"\)\}/],
    ['${aws_iam_policy.other.policy}', /value of \$\{aws_iam_policy.other.policy\}/],
    ['{"Statement":[{"Effect":"Allow","Action":"${var.action}","Resource":"arn:aws:s3:::b"}]}', /Action \$\{var.action\} is a reference/],
    ['{"Statement":[{"Effect":"${var.effect}","Action":"s3:GetObject","Resource":"arn:aws:s3:::b"}]}', /Effect \$\{var.effect\} is a reference/],
    ['{"Statement":[%{ for s in var.s }{"Effect":"Allow"}%{ endfor }]}', /template directive/],
    ['{"Statement": "${jsonencode(local.statements)}"}', /Statement is the reference/],
    ['{"Version":"2012-10-17"}', /no Statement/],
    ['{"Statement":[{"Effect":"Allow"', /not JSON/],
    ['{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"${aws_s3_bucket.b.arn"}]}', /not closed/],
  ])('fails to read %s, saying why', (text, why) => {
    const r = readPolicyText(text);
    expect(r.status).toBe('unreadable');
    expect(r.status === 'unreadable' && r.reason).toMatch(why);
  });
});

describe('withoutReferences', () => {
  it('keeps the literal parts, where a wildcard would be', () => {
    expect(withoutReferences('arn:aws:secretsmanager:${data.aws_region.r.name}:1:secret:*')).toBe('arn:aws:secretsmanager:\u0001:1:secret:*');
    expect(withoutReferences('${aws_s3_bucket.b["*"].arn}')).toBe('\u0001');
    expect(withoutReferences('*')).toBe('*');
  });
});

describe('readPolicyDocument and policiesOf', () => {
  it("reads a document's statements with principals and conditions, and the documents it merges", () => {
    const { statements: read, merged } = readPolicyDocument({
      statement: [{ effect: 'Allow', actions: ['sns:Publish'], resources: ['${aws_sns_topic.T.arn}'], principals: [{ type: 'Service', identifiers: ['cloudwatch.amazonaws.com'] }], condition: [{ test: 'StringEquals', variable: 'aws:SourceAccount', values: ['1'] }] }],
      source_policy_documents: ['${data.aws_iam_policy_document.base.json}', '{"Statement":[{"Effect":"Allow","Action":"sns:Subscribe","Resource":"${aws_sns_topic.T.arn}"}]}'],
    });
    expect(statements(read)[0]).toMatchObject({ actions: ['sns:Publish'], resources: ['${aws_sns_topic.T.arn}'], principals: [{ type: 'Service', id: 'cloudwatch.amazonaws.com' }], conditionKeys: ['aws:sourceaccount'] });
    expect(merged.map((m) => [m.attribute, m.reading.status])).toEqual([['source_policy_documents', 'document'], ['source_policy_documents', 'read']]);
  });

  it('fails to read a document whose actions are a reference', () => {
    expect(readPolicyDocument({ statement: [{ actions: '${var.actions}', resources: ['*'] }] }).statements.status).toBe('unreadable');
  });

  it("lists a role's trust policy and inline policies, and an identity policy's policy; nothing for other types", () => {
    const role = policiesOf({ kind: 'resource', type: 'aws_iam_role', config: { assume_role_policy: '{"Statement":[]}', inline_policy: [{ name: 'a', policy: '{"Statement":[]}' }, {}] } });
    expect(role.map((p) => [p.attribute, p.trust, p.reading.status])).toEqual([['assume_role_policy', true, 'read'], ['inline_policy[0].policy', false, 'read']]);
    expect(policiesOf({ kind: 'resource', type: 'aws_iam_role_policy', config: { policy: '${file("x")}' } }).map((p) => p.reading.status)).toEqual(['unreadable']);
    expect(policiesOf({ kind: 'resource', type: 'aws_kms_key', config: { policy: '{"Statement":[]}' } })).toEqual([]);
  });
});
