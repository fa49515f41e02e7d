import { deriveDeadLetterRetention, deriveRetention } from '../../../contracts/derive/retention';
import { dev, prod } from '../../helpers';

const DAY = 86_400_000;
const p = (days: number, classification: 'public' | 'internal' | 'confidential' | 'pii' = 'internal') => ({
  retention: { ms: days * DAY, text: `${days} days` },
  classification,
});

describe('deriveRetention', () => {
  it('keeps the contract retention within the bound', () => {
    const d = deriveRetention(p(7), prod);
    expect(d).toMatchObject({ value: 7 * DAY });
    expect(d.error).toBeUndefined();
    expect(d.reason).toMatch(/within prod's 90 days limit for internal data/);
  });

  it('fails if a pii product asks for more than the bound in an environment that refuses', () => {
    const d = deriveRetention(p(60, 'pii'), prod);
    expect(d.error?.message).toMatch(/60 days is over prod's limit of 30 days for pii data/);
    expect(d.error?.fix).toMatch(/at most 30 days/);
  });

  it('clamps in an environment that clamps, and says so', () => {
    const d = deriveRetention(p(7, 'pii'), dev);
    expect(d.value).toBe(3 * DAY);
    expect(d.error).toBeUndefined();
    expect(d.reason).toMatch(/clamped to dev's 3 days limit for pii data/);
  });
});

describe('deriveDeadLetterRetention', () => {
  it('keeps dead letters longer than the main topic: max(2 × main, 14 days)', () => {
    expect(deriveDeadLetterRetention(7 * DAY, p(7), prod).value).toBe(14 * DAY);
    expect(deriveDeadLetterRetention(30 * DAY, p(30), prod).value).toBe(60 * DAY);
  });

  it('never keeps pii dead letters longer than the classification allows', () => {
    const d = deriveDeadLetterRetention(20 * DAY, p(20, 'pii'), prod);
    expect(d.value).toBe(30 * DAY);
    expect(d.reason).toMatch(/clamped to prod's 30 days limit for pii data/);
  });
});
