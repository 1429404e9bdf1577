import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_DEMO_PASSWORD } from '../../api/auth/bootstrap.ts';
import { sleep } from '../../api/auth/failure-throttle.ts';
import { openTestApp, signIn, type Client, type TestApp } from './template.ts';

// Sign-in answers wait on purpose after repeated failures; the tests record how long each
// wait would be instead of waiting (and never assert wall-clock times).
vi.mock('../../api/auth/failure-throttle.ts', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../../api/auth/failure-throttle.ts')>()),
  sleep: vi.fn(async () => {}),
}));
const waits = vi.mocked(sleep);

const login = (t: TestApp, username: string, password: string, remoteAddress = '10.1.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

describe('sign-in, sessions and CSRF', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
  });
  afterAll(() => t.close());

  /** A fresh user of its own for a case that changes or locks it. */
  async function newUser(username: string, role = 'viewer', homeAreaCode = '441900110'): Promise<number> {
    const res = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { username, displayName: username, role, homeAreaCode, password: 'first-password-1' },
    });
    expect(res.statusCode).toBe(201);
    return res.json().id as number;
  }

  it('signs in with a httpOnly SameSite cookie and answers who I am with the CSRF token', async () => {
    const res = await login(t, 'changping', DEFAULT_DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'riskmap_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const me = res.json();
    expect(me).toMatchObject({
      username: 'changping',
      role: 'town_coordinator',
      homeAreaCode: '441900110',
      homeAreaName: '常平镇',
    });
    expect(me.permissions).toContain('edit_grids');
    expect(me.csrfToken).toMatch(/^[\w-]{20,}$/);
    expect(me.homeAreaBBox).toHaveLength(4);
    const again = await t.app.inject({
      url: '/api/auth/me',
      headers: { cookie: `riskmap_session=${cookie.value}` },
    });
    expect(again.json().csrfToken).toBe(me.csrfToken);
  });

  it('refuses a wrong password and an unknown user with the same answer, and never stores the password', async () => {
    const wrong = await login(t, 'viewer', 'not-the-password-xyz', '10.1.0.2');
    const unknown = await login(t, 'nobody-here', 'not-the-password-xyz', '10.1.0.2');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
    const audit = await t.db.query<{ t: string }>(`SELECT row_to_json(a)::text AS t FROM audit_log a`);
    expect(audit.rows.some((r) => r.t.includes('not-the-password-xyz'))).toBe(false);
    expect(audit.rows.some((r) => r.t.includes('auth.login_failed'))).toBe(true);
  });

  it('rejects malformed sign-in bodies with 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/password/);
  });

  /** Statuses, messages and waits of `n` wrong passwords for `username` from one address. */
  async function failRepeatedly(username: string, n: number, address: string) {
    const statuses: number[] = [];
    const messages: string[] = [];
    waits.mockClear();
    for (let i = 0; i < n; i++) {
      // any letter case names the same account
      const res = await login(t, i % 2 ? username.toUpperCase() : username, `wrong-${i}-password`, address);
      statuses.push(res.statusCode);
      messages.push(res.json().message.replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/, '<time>'));
    }
    return { statuses, messages, waits: waits.mock.calls.map(([ms]) => ms) };
  }

  it('slows down and then locks an account after repeated failures, until an admin resets it', async () => {
    const id = await newUser('lock-me');
    const run = await failRepeatedly('lock-me', 5, '10.1.0.3');
    expect(run.statuses).toEqual([401, 401, 401, 401, 401]);
    // failures 3, 4 and 5 are answered after 250, 500 and 1000 ms
    expect(run.waits).toEqual([0, 0, 250, 500, 1000]);
    const locked = await login(t, 'lock-me', 'first-password-1', '10.1.0.3');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().message).toMatch(/locked/);
    const listed = (await admin.inject('/api/users')).json().find((u: { id: number }) => u.id === id);
    expect(listed.lockedUntil).not.toBeNull();
    // a new password set by an administrator forgets the failures before it
    const reset = await admin.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      payload: { password: 'harbour-lantern-quiet-42' },
    });
    expect(reset.statusCode).toBe(200);
    expect((await login(t, 'lock-me', 'harbour-lantern-quiet-42', '10.1.0.3')).statusCode).toBe(200);
  });

  it('answers unknown and known usernames with the same statuses, messages and waits', async () => {
    await newUser('known-user');
    const known = await failRepeatedly('known-user', 7, '10.1.0.8');
    const unknown = await failRepeatedly('unknown-user', 7, '10.1.0.9');
    expect(known.statuses).toEqual([401, 401, 401, 401, 401, 423, 423]);
    expect(known.waits).toEqual([0, 0, 250, 500, 1000]);
    expect(unknown).toEqual(known);
    // the lock is shared by every process: it is in the database, for unknown names too
    const rows = await t.db.query<{ username: string; failed_attempts: number; locked: boolean }>(
      `SELECT username, failed_attempts, locked_until > now() AS locked FROM login_failures
        WHERE username IN ('known-user', 'unknown-user') ORDER BY username`,
    );
    expect(rows.rows).toEqual([
      { username: 'known-user', failed_attempts: 5, locked: true },
      { username: 'unknown-user', failed_attempts: 5, locked: true },
    ]);
  });

  it('answers a disabled account like a wrong password, counting the failure', async () => {
    const id = await newUser('disabled-pw');
    await admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { disabled: true } });
    waits.mockClear();
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await login(t, 'disabled-pw', 'first-password-1', '10.1.0.11'));
    const wrong = await login(t, 'viewer', 'not-the-password-xyz', '10.1.0.11');
    expect(answers.map((r) => r.statusCode)).toEqual([401, 401, 401]);
    expect(answers[0]!.json()).toEqual(wrong.json());
    expect(waits.mock.calls.map(([ms]) => ms).slice(0, 3)).toEqual([0, 0, 250]);
  });

  it('refuses an address that keeps failing, whatever the accounts', async () => {
    for (let i = 0; i < 20; i++) await login(t, `ghost-${i}`, 'whatever-password', '10.1.0.4');
    const res = await login(t, 'viewer', DEFAULT_DEMO_PASSWORD, '10.1.0.4');
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    // another address is not affected
    expect((await login(t, 'viewer', DEFAULT_DEMO_PASSWORD, '10.1.0.5')).statusCode).toBe(200);
  });

  it('keeps counting the failures of an address across a successful sign-in', async () => {
    const address = '10.1.0.10';
    for (let i = 0; i < 19; i++)
      expect((await login(t, `spray-${i}`, 'whatever-password', address)).statusCode).toBe(401);
    // one valid account does not wipe the address's record
    expect((await login(t, 'viewer', DEFAULT_DEMO_PASSWORD, address)).statusCode).toBe(200);
    expect((await login(t, 'spray-19', 'whatever-password', address)).statusCode).toBe(401);
    expect((await login(t, 'viewer', DEFAULT_DEMO_PASSWORD, address)).statusCode).toBe(429);
  });

  it('requires the CSRF header on state-changing requests made with a session cookie', async () => {
    await newUser('csrf-user');
    const c = await signIn(t.app, 'csrf-user', 'first-password-1');
    const body = { currentPassword: 'first-password-1', newPassword: 'second-password-2' };
    const without = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: body,
      headers: { cookie: c.cookie },
    });
    expect(without.statusCode).toBe(403);
    expect(without.json().message).toMatch(/CSRF/);
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: body,
      headers: { cookie: c.cookie, 'x-csrf-token': 'forged' },
    });
    expect(wrong.statusCode).toBe(403);
    expect((await c.inject({ method: 'POST', url: '/api/auth/password', payload: body })).statusCode).toBe(
      204,
    );
  });

  it('changes the password: the old one stops working and other sessions end', async () => {
    await newUser('pw-user');
    const a = await signIn(t.app, 'pw-user', 'first-password-1');
    const b = await signIn(t.app, 'pw-user', 'first-password-1');
    const bad = await a.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: 'nope-nope-nope', newPassword: 'second-password-2' },
    });
    expect(bad.statusCode).toBe(400);
    const short = await a.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: 'first-password-1', newPassword: 'short' },
    });
    expect(short.statusCode).toBe(400);
    const ok = await a.inject({
      method: 'POST',
      url: '/api/auth/password',
      payload: { currentPassword: 'first-password-1', newPassword: 'second-password-2' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await a.inject('/api/auth/me')).statusCode).toBe(200);
    expect((await b.inject('/api/auth/me')).statusCode).toBe(401);
    expect((await login(t, 'pw-user', 'first-password-1', '10.1.0.6')).statusCode).toBe(401);
    expect((await login(t, 'pw-user', 'second-password-2', '10.1.0.6')).statusCode).toBe(200);
  });

  it('refuses short, common and unchanged new passwords with a code the interface translates', async () => {
    await newUser('policy-user');
    const c = await signIn(t.app, 'policy-user', 'first-password-1');
    const change = (newPassword: string, currentPassword = 'first-password-1') =>
      c.inject({ method: 'POST', url: '/api/auth/password', payload: { currentPassword, newPassword } });
    const refusal = async (newPassword: string) => {
      const res = await change(newPassword);
      expect(res.statusCode).toBe(400);
      return res.json();
    };
    expect(await refusal('nine-char')).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
      code: 'password_too_short',
      params: { min: 10 },
    });
    expect(await refusal('x'.repeat(201))).toMatchObject({ code: 'password_too_long', params: { max: 200 } });
    for (const common of [
      'password123456',
      'Password2026',
      'qwertyuiop',
      'zzzzzzzzzzzz',
      'policy-user2',
      'riskmap2026',
    ])
      expect((await refusal(common)).code, common).toBe('password_common');
    expect(await refusal('first-password-1')).toMatchObject({ code: 'password_reused' });
    const wrongCurrent = await change('tulip-harbour-quietly-7', 'not-my-password');
    expect(wrongCurrent.statusCode).toBe(400);
    expect(wrongCurrent.json().code).toBe('password_current_wrong');
    expect((await change('tulip-harbour-quietly-7')).statusCode).toBe(204);
    expect((await login(t, 'policy-user', 'tulip-harbour-quietly-7', '10.1.0.12')).statusCode).toBe(200);
  });

  it('logs out', async () => {
    const c = await signIn(t.app, 'viewer', DEFAULT_DEMO_PASSWORD);
    expect((await c.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
    expect((await c.inject('/api/auth/me')).statusCode).toBe(401);
  });

  it('ends the sessions of a disabled user', async () => {
    const id = await newUser('disable-me');
    const c = await signIn(t.app, 'disable-me', 'first-password-1');
    const res = await admin.inject({ method: 'PATCH', url: `/api/users/${id}`, payload: { disabled: true } });
    expect(res.statusCode).toBe(200);
    expect((await c.inject('/api/auth/me')).statusCode).toBe(401);
    expect((await login(t, 'disable-me', 'first-password-1', '10.1.0.7')).statusCode).toBe(401);
  });
});

describe('API keys for machine integrations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp();
  });
  afterAll(() => t.close());

  it('work without a session or CSRF, within their area and permissions, until revoked', async () => {
    const admin = await t.as('admin');
    const created = await admin.inject({
      method: 'POST',
      url: '/api/api-keys',
      payload: { name: '常平 视频告警', permissions: ['read', 'report'], areaCode: '441900110' },
    });
    expect(created.statusCode).toBe(201);
    const { key, id } = created.json();
    expect(key).toMatch(/^rmk_/);
    const stored = await t.db.query<{ key_hash: string }>('SELECT key_hash FROM api_keys WHERE id = $1', [
      id,
    ]);
    expect(stored.rows[0]!.key_hash).not.toContain(key);

    const inTown = await t.app.inject({ url: '/api/areas/441900110', headers: { 'x-api-key': key } });
    expect(inTown.statusCode).toBe(200);
    const outside = await t.app.inject({
      url: '/api/areas/441900121',
      headers: { authorization: `Bearer ${key}` },
    });
    // outside the key's area answers as a missing area would: no existence oracle
    expect(outside.statusCode).toBe(404);
    const users = await t.app.inject({ url: '/api/users', headers: { 'x-api-key': key } });
    expect(users.statusCode).toBe(403);

    expect((await admin.inject({ method: 'POST', url: `/api/api-keys/${id}/revoke` })).statusCode).toBe(200);
    const revoked = await t.app.inject({ url: '/api/areas/441900110', headers: { 'x-api-key': key } });
    expect(revoked.statusCode).toBe(401);
    const unknown = await t.app.inject({
      url: '/api/areas/441900110',
      headers: { 'x-api-key': 'rmk_made_up' },
    });
    expect(unknown.statusCode).toBe(401);
  });
});

describe('user management and the audit log', () => {
  let t: TestApp;
  let admin: Client;
  beforeAll(async () => {
    t = await openTestApp();
    admin = await t.as('admin');
  });
  afterAll(() => t.close());

  it('creates users, refusing taken names, unknown areas and weak passwords', async () => {
    const body = {
      username: 'new-dispatcher',
      displayName: '新调度员',
      role: 'dispatcher',
      homeAreaCode: '441900121',
      password: 'a-good-password',
    };
    const res = await admin.inject({ method: 'POST', url: '/api/users', payload: body });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ username: 'new-dispatcher', homeAreaName: '虎门镇' });
    expect(res.json()).not.toHaveProperty('password');
    expect(res.json()).not.toHaveProperty('passwordHash');
    expect((await admin.inject({ method: 'POST', url: '/api/users', payload: body })).statusCode).toBe(409);
    const badArea = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { ...body, username: 'x-1', homeAreaCode: '441900999' },
    });
    expect(badArea.statusCode).toBe(422);
    const badRole = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { ...body, username: 'x-2', role: 'king' },
    });
    expect(badRole.statusCode).toBe(400);
    const weak = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: { ...body, username: 'x-3', password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    const count = await t.db.query<{ n: number }>(
      `SELECT count(*)::int n FROM users WHERE username LIKE 'x-%'`,
    );
    expect(count.rows[0]!.n).toBe(0);
  });

  it('records every write with who, what and before/after, and lets admins filter it', async () => {
    const created = await admin.inject({
      method: 'POST',
      url: '/api/users',
      payload: {
        username: 'audited',
        displayName: '审计',
        role: 'viewer',
        homeAreaCode: '441900',
        password: 'a-good-password',
      },
    });
    const id = created.json().id;
    await admin.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      payload: { role: 'dispatcher', homeAreaCode: '441900110' },
    });
    const res = await admin.inject(`/api/audit?targetType=user&targetId=${id}`);
    expect(res.statusCode).toBe(200);
    const records = res.json();
    expect(records.map((r: { action: string }) => r.action)).toEqual(['user.update', 'user.create']);
    expect(records[0]).toMatchObject({
      actor: 'admin',
      actorKind: 'user',
      before: { role: 'viewer', homeAreaCode: '441900' },
      after: { role: 'dispatcher', homeAreaCode: '441900110' },
    });
    const byAction = await admin.inject('/api/audit?action=auth.login&limit=5');
    expect(byAction.json().every((r: { action: string }) => r.action === 'auth.login')).toBe(true);
    const bad = await admin.inject('/api/audit?from=yesterday');
    expect(bad.statusCode).toBe(400);
  });

  it('keeps the audit log append-only even for the database user', async () => {
    await expect(t.db.query(`UPDATE audit_log SET action = 'x'`)).rejects.toThrow(/append-only/);
    await expect(t.db.query(`DELETE FROM audit_log`)).rejects.toThrow(/append-only/);
  });
});
