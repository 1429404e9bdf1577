import { describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../api/schemas/common.ts';
import { ApiError } from '../../web/api/client.ts';
import { MESSAGES, translate, type I18n } from '../../web/i18n.ts';
import { errorMessage } from '../../web/lib/error-message.ts';

const zh: I18n['t'] = (k, p) => translate('zh-CN', k, p);
const en: I18n['t'] = (k, p) => translate('en', k, p);

/** Latin words in a text, the error codes (snake_case or one word) and "HTTP" left out. */
const englishWords = (text: string, codes: readonly string[]) =>
  (text.match(/[A-Za-z][A-Za-z_]+/g) ?? []).filter((w) => w !== 'HTTP' && !codes.includes(w));

const refusal = (status: number, body: Record<string, unknown> | null) =>
  new ApiError(
    status,
    body ? String(body.message) : `${status} Bad Gateway (/api/incidents)`,
    body === null ? null : (JSON.parse(JSON.stringify(body)) as ErrorBody),
  );

describe('server refusals never show English in the Chinese interface', () => {
  it('says a refusal named only after its status with its code, not the server sentence', () => {
    for (const [status, code] of [
      [400, 'bad_request'],
      [401, 'unauthorized'],
      [403, 'forbidden'],
      [404, 'not_found'],
      [409, 'conflict'],
      [422, 'unprocessable'],
      [418, 'refused'],
      [500, 'internal_error'],
    ] as const) {
      const e = refusal(status, {
        statusCode: status,
        error: 'x',
        message: 'no service here',
        code,
        params: {},
      });
      const text = errorMessage(e, zh);
      expect(text, code).toContain(code);
      expect(englishWords(text, [code]), code).toEqual([]);
      // English keeps the server's sentence
      expect(errorMessage(e, en), code).toContain('no service here');
    }
    expect(
      errorMessage(
        refusal(409, {
          statusCode: 409,
          error: 'Conflict',
          message: 'import 7 is applied',
          code: 'conflict',
        }),
        zh,
      ),
    ).toBe('与当前状态冲突：错误代码 conflict');
  });

  it('says a code newer than the web app, and an answer without a code, in Chinese', () => {
    const newer = refusal(422, {
      statusCode: 422,
      error: 'x',
      message: 'the moon is down',
      code: 'moon_down',
    });
    expect(errorMessage(newer, zh)).toBe('请求未成功（HTTP 422，错误代码 moon_down）。');
    expect(errorMessage(newer, en)).toBe('the moon is down (moon_down)');
    const proxy = refusal(502, null);
    expect(errorMessage(proxy, zh)).toBe('服务器返回错误（HTTP 502），请稍后再试。');
    expect(errorMessage(proxy, en)).toBe('502 Bad Gateway (/api/incidents)');
  });

  it('says a request that never reached the server in the user language', () => {
    const offline = new TypeError('Failed to fetch');
    expect(errorMessage(offline, zh)).toBe('无法连接服务器，请检查网络后重试。');
    expect(errorMessage(offline, en)).toBe('Cannot reach the server; check the network and try again.');
  });

  it('has no Chinese message of any code that shows the server sentence', () => {
    // {message} is the server's English; the Chinese catalogue fills it with the code only
    expect(translate('zh-CN', 'refusal.detail', { message: 'English', code: 'c' })).not.toContain('English');
    const withSentence = Object.entries(MESSAGES['zh-CN']).filter(
      ([k, v]) => k.startsWith('error.') && v.includes('{message}'),
    );
    for (const [key] of withSentence) {
      const code = key.slice('error.'.length);
      const e = refusal(400, {
        statusCode: 400,
        error: 'x',
        message: 'Some English words',
        code,
        params: {},
      });
      expect(errorMessage(e, zh), key).not.toContain('English');
    }
  });
});
