import { describe, expect, it } from 'vitest';
import { FailureThrottle, failureDelayMs } from '../../api/auth/failure-throttle.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../../api/auth/password.ts';

describe('password hashing', () => {
  it('verifies the right password only, with a fresh salt each time', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct horse');
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('x', 'not-a-hash')).toBe(false);
  });

  it('states what is wrong with a weak password', () => {
    expect(passwordProblem('short')).toMatch(/at least 10/);
    expect(passwordProblem('long enough pw')).toBeNull();
  });
});

describe('sign-in failure throttling', () => {
  it('refuses an address after the limit until the window passes', () => {
    let now = 1_000_000;
    const t = new FailureThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterMs('a')).toBe(0);
      t.recordFailure('a');
      now += 1000;
    }
    expect(t.retryAfterMs('a')).toBe(57_000);
    expect(t.retryAfterMs('b')).toBe(0);
    now += 57_000;
    expect(t.retryAfterMs('a')).toBe(0);
    t.recordFailure('a');
    t.reset('a');
    expect(t.retryAfterMs('a')).toBe(0);
  });

  it('delays repeated failures of one account, doubling up to 4 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(failureDelayMs)).toEqual([0, 0, 250, 500, 1000, 2000, 4000, 4000]);
  });
});
