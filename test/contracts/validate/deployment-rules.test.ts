import { problemsOf } from '../../helpers';
import { DEPLOYMENT } from '../../aws-helpers';

const consumers = (deployment: unknown) => ({ consumers: [{ name: 'ledger', principal: 'User:ledger-sink', deployment }] });
const fields = (deployment: unknown) => problemsOf(consumers(deployment)).map((p) => p.field);

describe('deployment rules', () => {
  it('accepts a pinned image, a Fargate size and sane bounds', () => {
    expect(problemsOf(consumers(DEPLOYMENT))).toEqual([]);
    expect(problemsOf(consumers({ ...DEPLOYMENT, image: `registry.example.com/ledger@sha256:${'a'.repeat(64)}` }))).toEqual([]);
  });
  it('fails if the image is not pinned', () => {
    expect(fields({ ...DEPLOYMENT, image: 'registry.example.com:5000/ledger' })).toEqual(['consumers[0].deployment.image']);
    expect(problemsOf(consumers({ ...DEPLOYMENT, image: 'ledger:latest' }))[0].message).toMatch(/not pinned \(tag "latest"\)/);
  });
  it('fails if cpu is not a Fargate size', () => {
    expect(fields({ ...DEPLOYMENT, cpu: 300 })).toEqual(['consumers[0].deployment.cpu']);
  });
  it('fails on cpu and memory at once when both are wrong (no second round), the numbers formatted', () => {
    const p = problemsOf(consumers({ ...DEPLOYMENT, cpu: 300, memoryMiB: 100_000 }));
    expect(p.map((x) => x.field)).toEqual(['consumers[0].deployment.cpu', 'consumers[0].deployment.memoryMiB']);
    expect(p[1].message).toBe('memoryMiB 100,000 is not a size Fargate allows with any cpu (512–122,880 MiB, in steps that depend on cpu).');
    expect(p[1].fix).toMatch(/cpu 256: 512, 1024 or 2048; cpu 512: 1024–4096 in steps of 1024;/);
    // a memory some cpu allows waits for the cpu to be fixed
    expect(fields({ ...DEPLOYMENT, cpu: 300, memoryMiB: 2048 })).toEqual(['consumers[0].deployment.cpu']);
  });
  it('fails if memory does not fit the cpu', () => {
    const p = problemsOf(consumers({ ...DEPLOYMENT, cpu: 1024, memoryMiB: 512 }));
    expect(p).toEqual([expect.objectContaining({ field: 'consumers[0].deployment.memoryMiB', message: expect.stringMatching(/512 is not a size Fargate allows with cpu 1024/) })]);
  });
  it('fails if minTasks is below 1 or maxTasks below minTasks', () => {
    expect(fields({ ...DEPLOYMENT, minTasks: 0 })).toEqual(['consumers[0].deployment.minTasks']);
    expect(problemsOf(consumers({ ...DEPLOYMENT, minTasks: 3, maxTasks: 2 }))[0].message).toMatch(/maxTasks 2 is below minTasks 3/);
  });
  it('fails if a deployment has an unknown setting or is not an object', () => {
    expect(fields({ ...DEPLOYMENT, replicas: 2 })).toEqual(['consumers[0].deployment.replicas']);
    expect(fields('ledger:1.0')).toEqual(['consumers[0].deployment']);
  });
});
