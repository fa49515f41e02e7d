import { compiled, problemsOf } from '../../helpers';

const consumers = (sink: unknown) => [{ name: 'ledger', principal: 'User:ledger-sink', sink }];

describe('consumer sink', () => {
  it('accepts a Postgres sink in upsert and append mode and carries it into the compiled consumer', () => {
    for (const mode of ['upsert', 'append']) {
      const p = compiled({ consumers: consumers({ postgres: { mode } }) });
      expect(p.consumers[0].sink).toEqual({ postgres: { mode } });
    }
  });

  it('leaves sink absent when the consumer declares none', () => {
    const p = compiled({ consumers: [{ name: 'ledger', principal: 'User:ledger-sink' }] });
    expect(p.consumers[0]).not.toHaveProperty('sink');
  });

  it('fails if the mode is unknown, naming the field and the allowed modes', () => {
    const problems = problemsOf({ consumers: consumers({ postgres: { mode: 'merge' } }) });
    expect(problems).toEqual([
      expect.objectContaining({ field: 'consumers[0].sink.postgres.mode', message: expect.stringMatching(/"upsert", "append", got "merge"/) }),
    ]);
  });

  it('fails if the sink names an unknown target or setting', () => {
    const problems = problemsOf({ consumers: consumers({ postgres: { mode: 'append', table: 'x' }, s3: {} }) });
    expect(problems.map((p) => p.field).sort()).toEqual(['consumers[0].sink.postgres.table', 'consumers[0].sink.s3']);
  });

  it('fails if sink is not an object or names no target', () => {
    expect(problemsOf({ consumers: consumers('postgres') })[0]).toMatchObject({ field: 'consumers[0].sink', fix: expect.stringMatching(/mode: 'upsert'/) });
    expect(problemsOf({ consumers: consumers({}) })[0]).toMatchObject({ field: 'consumers[0].sink', message: 'sink names no target.' });
  });
});
