import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../api/lib/error-codes.ts';
import { DomainError, NotFoundError } from '../../api/lib/errors.ts';
import type { ErrorBody } from '../../api/schemas/common.ts';
import { ApiError } from '../../web/api/client.ts';
import { LANGUAGES, MESSAGES, translate, type I18n } from '../../web/i18n.ts';
import { errorMessage } from '../../web/lib/error-message.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** An error answer as the web client parses it from the wire. */
const answer = (body: Record<string, unknown>) =>
  new ApiError(400, String(body.message), JSON.parse(JSON.stringify(body)) as ErrorBody);

describe('the closed list of error codes and its catalogue', () => {
  it('lists each code once, in snake_case', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
  });

  it('has a message for every code in both languages, with the same placeholders', () => {
    const missing: string[] = [];
    for (const code of ERROR_CODES) {
      const key = `error.${code}`;
      const texts = LANGUAGES.map((l) => (MESSAGES[l] as Record<string, string | undefined>)[key]);
      if (texts.some((t) => !t?.trim())) missing.push(key);
      else expect(placeholders(texts[0]!), key).toEqual(placeholders(texts[1]!));
    }
    expect(missing).toEqual([]);
  });

  it('has no error message for a code that is not in the list', () => {
    for (const language of LANGUAGES) {
      const stale = Object.keys(MESSAGES[language])
        .filter((k) => k.startsWith('error.'))
        .filter((k) => !isErrorCode(k.slice('error.'.length)));
      expect(stale, language).toEqual([]);
    }
  });

  it('says a refusal in the user language with its parameters', () => {
    const zh: I18n['t'] = (k, p) => translate('zh-CN', k, p);
    const en: I18n['t'] = (k, p) => translate('en', k, p);
    const missing = answer({
      statusCode: 404,
      error: 'Not Found',
      message: 'no incident 42',
      code: 'incident_not_found',
      params: { id: '42' },
    });
    expect(errorMessage(missing, zh)).toBe('找不到事件 42。');
    expect(errorMessage(missing, en)).toBe('There is no incident 42.');
    // a code that only names its status shows the server's sentence
    const generic = answer({
      statusCode: 409,
      error: 'Conflict',
      message: 'import 7 is applied',
      code: 'conflict',
    });
    expect(errorMessage(generic, en)).toBe('Conflicts with the current state: import 7 is applied');
    // a code this build does not know (a newer server): its code, in the user language
    const unknown = answer({
      statusCode: 400,
      error: 'Bad Request',
      message: 'something new',
      code: 'new_code',
    });
    expect(errorMessage(unknown, zh)).toBe('请求未成功（HTTP 400，错误代码 new_code）。');
    expect(errorMessage(unknown, en)).toBe('something new (new_code)');
  });

  it('gives typed errors the code and parameters their catalogue text uses', () => {
    const e = new NotFoundError('api_key', 3);
    expect([e.statusCode, e.code, e.message, e.params]).toEqual([
      404,
      'api_key_not_found',
      'no API key 3',
      { id: '3' },
    ]);
    expect(new DomainError(409, 'conflict', 'x')).toBeInstanceOf(Error);
    for (const language of LANGUAGES) {
      expect(translate(language, 'error.api_key_not_found', e.params as Record<string, string>)).toContain(
        '3',
      );
    }
  });
});

describe('layers', () => {
  it('api/lib imports nothing from api/db', () => {
    const root = path.join(import.meta.dirname, '../../api/lib');
    const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    const offending = files.filter((f) =>
      /from '(\.\.\/)+db\//.test(readFileSync(path.join(root, f), 'utf8')),
    );
    expect(offending).toEqual([]);
  });
});
