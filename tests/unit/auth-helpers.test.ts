import { describe, expect, it } from 'vitest';
import { FailureThrottle, failureDelayMs } from '../../api/auth/failure-throttle.ts';
import {
  hashPassword,
  newPasswordProblem,
  passwordProblem,
  verifyPassword,
} from '../../api/auth/password.ts';
import { DomainError } from '../../api/lib/errors.ts';
import { ApiError } from '../../web/api/client.ts';
import type { ErrorBody } from '../../api/schemas/common.ts';
import { translate, type I18n } from '../../web/i18n.ts';
import { errorMessage } from '../../web/lib/error-message.ts';

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

describe('the rule for a new password', () => {
  const code = async (password: string, opts: Parameters<typeof newPasswordProblem>[1] = {}) =>
    (await newPasswordProblem(password, opts))?.code ?? null;

  it('refuses too short and too long passwords with the limit as a parameter', async () => {
    const short = await newPasswordProblem('123456789', {});
    expect(short).toBeInstanceOf(DomainError);
    expect(short).toMatchObject({ statusCode: 400, code: 'password_too_short', params: { min: 10 } });
    expect(short!.message).toMatch(/at least 10/);
    expect(await newPasswordProblem('a'.repeat(200) + 'b', {})).toMatchObject({
      code: 'password_too_long',
      params: { max: 200 },
    });
    expect(await code('tulip-harbour-quietly-7')).toBeNull();
  });

  it('refuses common passwords whatever their case and trailing digits', async () => {
    // entries of the published lists the dictionary is drawn from
    for (const p of [
      'qwertyuiop',
      '1234567890',
      'password123456',
      'Password2026',
      'PASSWORD1234',
      'iloveyou2026',
    ])
      expect(await code(p), p).toBe('password_common');
    expect(await code('Iloveyou-Harbour-88')).toBeNull();
  });

  it('refuses trivial passwords: one repeated character, the username, the product name', async () => {
    expect(await code('aaaaaaaaaaaa')).toBe('password_common');
    expect(await code('111111111111')).toBe('password_common');
    expect(await code('dispatcher-cp', { username: 'dispatcher-cp' })).toBe('password_common');
    expect(await code('Dispatcher-CP2026', { username: 'dispatcher-cp' })).toBe('password_common');
    expect(await code('Riskmap2026!')).toBe('password_common');
    expect(await code('dispatcher-cp', { username: 'someone-else' })).toBeNull();
  });

  it('refuses the current password and accepts a different one', async () => {
    const currentHash = await hashPassword('first-password-1');
    expect(await code('first-password-1', { currentHash })).toBe('password_reused');
    expect(await code('second-password-2', { currentHash })).toBeNull();
  });

  it('accepts the demo password and a generated one', async () => {
    expect(await code('riskmap-demo-2026')).toBeNull();
    expect(await code('Zk3_vR9wQ2mT')).toBeNull();
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
  });

  it('delays repeated failures of one account, doubling up to 4 s', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10].map(failureDelayMs)).toEqual([0, 0, 250, 500, 1000, 2000, 4000, 4000]);
  });
});

describe('the interface message of a refused password', () => {
  // a body as the client parses it: the code is whatever text the server sent
  const refusal = (code: string, params: Record<string, number> = {}) =>
    new ApiError(
      400,
      'password must have at least 10 characters',
      JSON.parse(
        JSON.stringify({
          statusCode: 400,
          error: 'Bad Request',
          message: 'password must have at least 10 characters',
          code,
          params,
        }),
      ) as ErrorBody,
    );
  const zh: I18n['t'] = (k, p) => translate('zh-CN', k, p);
  const en: I18n['t'] = (k, p) => translate('en', k, p);

  it('says a known code in the current language with its parameters', () => {
    const short = refusal('password_too_short', { min: 10 });
    expect(errorMessage(short, zh)).toBe('密码至少需要 10 个字符。');
    expect(errorMessage(short, en)).toBe('The password needs at least 10 characters.');
    expect(errorMessage(refusal('password_reused'), zh)).toBe('新密码不能与当前密码相同。');
  });

  it("falls back to the server's message for unknown codes, other errors and no translator", () => {
    const t = en;
    // a code this build does not know: the server's sentence and the code (in English)
    expect(errorMessage(refusal('something_new'), t)).toBe(
      'password must have at least 10 characters (something_new)',
    );
    expect(errorMessage(refusal('password_too_short', { min: 10 }))).toBe(
      'password must have at least 10 characters',
    );
    expect(errorMessage(new Error('offline'), t)).toBe('offline');
    expect(errorMessage('plain', t)).toBe('plain');
  });
});
