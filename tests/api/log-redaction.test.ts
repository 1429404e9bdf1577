import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../api/app.ts';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { randomToken } from '../../api/auth/password.ts';
import { SYSTEM_SCOPE } from '../../api/auth/scope.ts';
import { createApiKey } from '../../api/db/api-key-repository.ts';
import { redactUrl, withLogRedaction } from '../../api/lib/log-options.ts';
import { sha256 } from '../../api/plugins/auth.ts';
import { openTestApp, type TestApp } from './template.ts';

describe('logs', () => {
  let t: TestApp;
  /** The same database, logging every request into `log`. */
  let logged: FastifyInstance;
  let log = '';
  let apiKey: string;

  beforeAll(async () => {
    t = await openTestApp();
    // a key as POST /api/api-keys makes one
    apiKey = `rmk_${randomToken(24)}`;
    await createApiKey(t.db, SYSTEM_SCOPE, {
      name: '日志测试',
      keyHash: sha256(apiKey),
      keyPrefix: apiKey.slice(0, 8),
      permissions: ['read', 'report'],
      areaCode: '441900',
    });
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log += chunk.toString('utf8');
        done();
      },
    });
    logged = await build({
      db: t.db,
      config: { seed: false, webDir: '/nonexistent' },
      logger: { level: 'debug', stream },
    });
    await logged.ready();
  });
  afterAll(async () => {
    await logged.close();
    await t.close();
  });

  it('hold no API key, bearer token, cookie, session, CSRF token or password', async () => {
    const before = log.length;
    await logged.inject({ url: '/api/areas?level=town', headers: { 'x-api-key': apiKey } });
    await logged.inject({ url: '/api/areas?level=town', headers: { authorization: `Bearer ${apiKey}` } });
    const open311 = await logged.inject(`/open311/v2/requests.json?api_key=${apiKey}&status=open`);
    expect(open311.statusCode).toBe(200);
    await logged.inject('/open311/v2/requests.json?api_key=not-a-key-but-secret-all-the-same');
    await logged.inject('/api/health?password=query-password-1&token=query-token-1');
    const login = await logged.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: DEFAULT_DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const session = login.cookies.find((c) => c.name === 'riskmap_session')!.value;
    const csrf = login.json().csrfToken as string;
    await logged.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'viewer', password: 'a-wrong-password-to-log' },
    });
    await logged.inject({
      method: 'POST',
      url: '/api/auth/password',
      headers: { cookie: `riskmap_session=${session}`, 'x-csrf-token': csrf },
      payload: { currentPassword: 'not-the-current-one', newPassword: 'never-the-new-one-2026' },
    });
    await logged.inject({ url: '/api/auth/me', headers: { cookie: `riskmap_session=${session}` } });
    // a log call that hands over a request's headers or a body with a password
    logged.log.info({
      req: { headers: { authorization: `Bearer ${apiKey}`, cookie: `riskmap_session=${session}` } },
    });
    logged.log.info(
      {
        headers: { 'x-api-key': apiKey, cookie: `riskmap_session=${session}`, 'x-csrf-token': csrf },
        body: { username: 'viewer', password: 'body-password-1' },
        password: 'top-password-1',
      },
      'something to look into',
    );
    logged.log.info({ res: { headers: { 'set-cookie': `riskmap_session=${session}` } } }, 'sent');

    const text = log.slice(before);
    // the requests were logged: the redaction is not the absence of a log
    expect(text).toContain('/open311/v2/requests.json?api_key=[Redacted]&status=open');
    expect(text).toContain('/api/health?password=[Redacted]&token=[Redacted]');
    expect(text).toContain('/api/auth/login');
    expect(text).toContain('something to look into');
    for (const secret of [
      apiKey,
      'not-a-key-but-secret-all-the-same',
      'query-password-1',
      'query-token-1',
      DEFAULT_DEMO_PASSWORD,
      'a-wrong-password-to-log',
      'not-the-current-one',
      'never-the-new-one-2026',
      session,
      csrf,
      'body-password-1',
      'top-password-1',
    ]) {
      expect(text, secret).not.toContain(secret);
    }
  });

  it('are redacted the same way for `npm start` (no logger given) and `logger: true`', () => {
    for (const option of [undefined, true]) {
      const o = withLogRedaction(option, 'info') as { level: string; redact: { paths: string[] } };
      expect(o.level).toBe('info');
      expect(o.redact.paths).toEqual(
        expect.arrayContaining([
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
        ]),
      );
    }
    expect(withLogRedaction(false, 'info')).toBe(false);
  });

  it('take secret query values out of URLs, and leave the rest as sent', () => {
    expect(redactUrl('/open311/v2/requests.json?api_key=abc&jurisdiction_id=dg')).toBe(
      '/open311/v2/requests.json?api_key=[Redacted]&jurisdiction_id=dg',
    );
    expect(redactUrl('/x?API%5FKEY=abc&newPassword=p&access_token=t')).toBe(
      '/x?API%5FKEY=[Redacted]&newPassword=[Redacted]&access_token=[Redacted]',
    );
    expect(redactUrl('/api/areas?level=town&parent=441900110')).toBe(
      '/api/areas?level=town&parent=441900110',
    );
    expect(redactUrl('/api/areas')).toBe('/api/areas');
    expect(redactUrl('/x?%E0%A4%A=1&api_key')).toBe('/x?%E0%A4%A=1&api_key');
  });
});
