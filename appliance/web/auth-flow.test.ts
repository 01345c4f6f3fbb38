import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, asClient, cookieOf, openSetup, setUpAdmin, setupBody, testWeb, type TestWeb } from './testing.js';

const webs: TestWeb[] = [];
afterEach(async () => {
  for (const w of webs.splice(0)) await w.close();
});
async function web(): Promise<TestWeb> {
  const w = await testWeb();
  webs.push(w);
  return w;
}

const CODE_FILE = 'outpost-setup-code.txt';

describe('first boot', () => {
  it('issues a setup code on the console, in the data folder and on the boot partition; nothing but health answers without it', async () => {
    const w = await web();
    expect(w.code()).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    for (const dir of [w.dataDir, w.bootDir]) expect(readFileSync(join(dir, CODE_FILE), 'utf8')).toContain(w.code());
    expect((await w.app.inject('/api/health')).statusCode).not.toBe(401);
    for (const url of ['/api/stats', '/api/devices', '/api/summaries', '/api/alerts', '/api/readings/latest', '/api/system']) {
      const r = await w.app.inject(url);
      expect([url, r.statusCode, r.json().error.code]).toEqual([url, 401, 'SETUP_REQUIRED']);
    }
  });

  it('refuses a wrong setup code, then every attempt after five, even the right code', async () => {
    const w = await web();
    const r = await w.app.inject({ method: 'POST', url: '/api/setup/code', payload: { code: 'AAAA-BBBB-CCCC' } });
    expect(r.statusCode).toBe(401);
    expect(r.json()).toEqual({ error: { code: 'SETUP_CODE_WRONG', message: expect.stringContaining('setup code'), field: 'code' } });
    expect(r.headers['set-cookie']).toBeUndefined();
    for (let i = 0; i < 4; i++) await w.app.inject({ method: 'POST', url: '/api/setup/code', payload: { code: 'nope' } });
    const limited = await w.app.inject({ method: 'POST', url: '/api/setup/code', payload: { code: w.code() } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('AUTH_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(w.access.setupDone).toBe(false);
  });

  it('a weak password, a bad time zone or a bad node name is refused next to its field and sets nothing up', async () => {
    const w = await web();
    const setup = await openSetup(w);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ password: 'short1A!' }, 'PASSWORD_WEAK', 'password'],
      [{ password: 'hall-3-hall-3-hall' }, 'PASSWORD_WEAK', 'password'],
      [{ timeZone: 'Mars/Olympus' }, 'TIMEZONE_INVALID', 'timeZone'],
      [{ nodeName: 'has spaces' }, 'INVALID_INPUT', 'nodeName'],
    ];
    for (const [change, code, field] of cases) {
      const r = await w.app.inject({ method: 'POST', url: '/api/setup', headers: asClient(setup), payload: setupBody(change) });
      expect([r.statusCode, r.json().error.code, r.json().error.field]).toEqual([400, code, field]);
    }
    expect(w.access.setupDone).toBe(false);
    expect(existsSync(join(w.dataDir, 'config.json'))).toBe(false);
  });

  it('completes once: HttpOnly SameSite=Strict admin session, code burnt, config written; a second setup is refused', async () => {
    const w = await web();
    const setup = await openSetup(w);
    const stats = await w.app.inject({ url: '/api/stats', headers: asClient(setup) });
    expect(stats.json().error.code).toBe('FORBIDDEN');
    const r = await w.app.inject({ method: 'POST', url: '/api/setup', headers: asClient(setup), payload: setupBody() });
    expect(r.statusCode).toBe(200);
    expect(r.headers['set-cookie']).toMatch(/^outpost_session=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\/$/);
    const admin = { cookie: cookieOf(r), csrf: r.json().csrf };
    expect((await w.app.inject({ url: '/api/stats', headers: asClient(admin) })).statusCode).toBe(200);
    expect((await w.app.inject({ url: '/api/stats', headers: asClient(setup) })).statusCode).toBe(401);
    for (const dir of [w.dataDir, w.bootDir]) expect(existsSync(join(dir, CODE_FILE))).toBe(false);
    expect(JSON.parse(readFileSync(join(w.dataDir, 'config.json'), 'utf8'))).toEqual({ nodeId: 'hall-3' });
    expect(readFileSync(join(w.dataDir, 'web-auth.json'), 'utf8')).not.toContain(ADMIN_PASSWORD);
    const again = await w.app.inject({ method: 'POST', url: '/api/setup/code', payload: { code: w.code() } });
    expect([again.statusCode, again.json().error.code]).toEqual([409, 'SETUP_DONE']);
  });
});

describe('after setup', () => {
  it('a request without a session is refused with AUTH_REQUIRED', async () => {
    const w = await web();
    await setUpAdmin(w);
    const r = await w.app.inject('/api/alerts');
    expect([r.statusCode, r.json().error.code]).toEqual([401, 'AUTH_REQUIRED']);
  });

  it('wrong password is refused; after five failures even the right one waits', async () => {
    const w = await web();
    await setUpAdmin(w);
    const login = (password: string) => w.app.inject({ method: 'POST', url: '/api/login', payload: { password } });
    const wrong = await login('Wrong-Horse-42');
    expect([wrong.statusCode, wrong.json().error]).toEqual([401, { code: 'AUTH_WRONG_PASSWORD', message: 'wrong password', field: 'password' }]);
    expect((await login(ADMIN_PASSWORD)).statusCode).toBe(200);
    for (let i = 0; i < 5; i++) await login(`Wrong-Horse-${i}`);
    const limited = await login(ADMIN_PASSWORD);
    expect([limited.statusCode, limited.json().error.code]).toEqual([429, 'AUTH_RATE_LIMITED']);
  });

  it('a change without the CSRF token, with a stale one, or from another origin is refused and changes nothing', async () => {
    const w = await web();
    const first = await setUpAdmin(w);
    const missing = await w.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: first.cookie } });
    expect([missing.statusCode, missing.json().error.code]).toEqual([403, 'CSRF_MISSING']);
    const stale = await w.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: first.cookie, 'x-csrf-token': 'x'.repeat(43) } });
    expect([stale.statusCode, stale.json().error.code]).toEqual([403, 'CSRF_INVALID']);
    const foreign = await w.app.inject({ method: 'POST', url: '/api/logout', headers: { ...asClient(first), origin: 'http://evil.example' } });
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([403, 'ORIGIN_MISMATCH']);
    expect((await w.app.inject({ url: '/api/stats', headers: asClient(first) })).statusCode).toBe(200);

    const out = await w.app.inject({ method: 'POST', url: '/api/logout', headers: asClient(first) });
    expect(out.headers['set-cookie']).toContain('Max-Age=0');
    const login = await w.app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
    const second = { cookie: cookieOf(login), csrf: login.json().csrf };
    const old = await w.app.inject({ method: 'POST', url: '/api/logout', headers: { cookie: second.cookie, 'x-csrf-token': first.csrf } });
    expect([old.statusCode, old.json().error.code]).toEqual([403, 'CSRF_INVALID']);
  });

  it('changes the password only with the current one and a strong new one; other sessions end', async () => {
    const w = await web();
    const admin = await setUpAdmin(w);
    const other = await w.app.inject({ method: 'POST', url: '/api/login', payload: { password: ADMIN_PASSWORD } });
    const change = (current: string, next: string) =>
      w.app.inject({ method: 'POST', url: '/api/password', headers: asClient(admin), payload: { current, next } });
    expect((await change('not-it-at-all', 'Another-Strong-Pass-7')).json().error).toMatchObject({ code: 'AUTH_WRONG_PASSWORD', field: 'current' });
    expect((await change(ADMIN_PASSWORD, 'password123')).json().error).toMatchObject({ code: 'PASSWORD_WEAK', field: 'next' });
    expect((await change(ADMIN_PASSWORD, 'Another-Strong-Pass-7')).statusCode).toBe(200);
    expect((await w.app.inject({ url: '/api/stats', headers: { cookie: cookieOf(other) } })).statusCode).toBe(401);
    expect((await w.app.inject({ url: '/api/stats', headers: asClient(admin) })).statusCode).toBe(200);
    expect((await w.app.inject({ method: 'POST', url: '/api/login', payload: { password: 'Another-Strong-Pass-7' } })).statusCode).toBe(200);
  });

  it('the admin can redo setup: a new code is issued and every session ends', async () => {
    const w = await web();
    const admin = await setUpAdmin(w);
    const firstCode = w.code();
    const r = await w.app.inject({ method: 'POST', url: '/api/setup/redo', headers: asClient(admin), payload: { password: ADMIN_PASSWORD } });
    expect(r.statusCode).toBe(200);
    expect(w.code()).not.toBe(firstCode);
    expect((await w.app.inject({ url: '/api/stats', headers: asClient(admin) })).json().error.code).toBe('SETUP_REQUIRED');
    expect((await w.app.inject({ method: 'POST', url: '/api/setup/code', payload: { code: w.code() } })).statusCode).toBe(200);
  });
});
