import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { cookieName, guardRequest, tokensEqual } from '../../../../electron/web-host/request-guard';

const req = (headers: Record<string, string>, url = '/api/rpc') => ({ headers, url }) as unknown as IncomingMessage;

describe('guardRequest', () => {
  const port = 4321;
  const token = 'secret-token';
  it('accepts the loopback host with the token in a bearer header, cookie or query', () => {
    expect(guardRequest(req({ host: '127.0.0.1:4321', authorization: `Bearer ${token}` }), port, token)).toEqual({ ok: true });
    expect(guardRequest(req({ host: 'localhost:4321', cookie: `a=b; plumbline_token_4321=${token}` }), port, token)).toEqual({ ok: true });
    expect(guardRequest(req({ host: '127.0.0.1:4321' }, `/?token=${token}`), port, token)).toEqual({ ok: true });
  });
  it('answers 401 without or with a wrong token', () => {
    expect(guardRequest(req({ host: '127.0.0.1:4321' }), port, token)).toMatchObject({ ok: false, status: 401 });
    expect(guardRequest(req({ host: '127.0.0.1:4321', authorization: 'Bearer secret-tokeN' }), port, token)).toMatchObject({ ok: false, status: 401 });
  });
  it('answers 403 to a foreign Host (DNS rebinding) even with the token', () => {
    expect(guardRequest(req({ host: 'evil.example:4321', authorization: `Bearer ${token}` }), port, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req({ host: '127.0.0.1:9999', authorization: `Bearer ${token}` }), port, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req({ authorization: `Bearer ${token}` }), port, token)).toMatchObject({ ok: false, status: 403 });
  });
  it('answers 403 to a foreign Origin and accepts its own', () => {
    expect(guardRequest(req({ host: '127.0.0.1:4321', origin: 'http://evil.example', authorization: `Bearer ${token}` }), port, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req({ host: '127.0.0.1:4321', origin: 'https://127.0.0.1:4321', authorization: `Bearer ${token}` }), port, token)).toMatchObject({ ok: false, status: 403 });
    expect(guardRequest(req({ host: '127.0.0.1:4321', origin: 'http://127.0.0.1:4321', authorization: `Bearer ${token}` }), port, token)).toEqual({ ok: true });
  });
  it('lets the token in the URL win over a stale cookie, so a restarted host\'s URL works', () => {
    const stale = { host: '127.0.0.1:4321', cookie: `plumbline_token_4321=old-token` };
    expect(guardRequest(req(stale, `/?token=${token}`), port, token)).toEqual({ ok: true });
    expect(guardRequest(req({ ...stale, cookie: `plumbline_token_4321=${token}` }, '/?token=old-token'), port, token)).toMatchObject({ ok: false, status: 401 });
  });
  it('reads only its own port\'s cookie, so hosts on two ports do not clash', () => {
    expect(cookieName(4321)).toBe('plumbline_token_4321');
    const both = `plumbline_token_4322=other; plumbline_token_4321=${token}`;
    expect(guardRequest(req({ host: '127.0.0.1:4321', cookie: both }), port, token)).toEqual({ ok: true });
    expect(guardRequest(req({ host: '127.0.0.1:4321', cookie: `plumbline_token=${token}; plumbline_token_4322=${token}` }), port, token)).toMatchObject({ ok: false, status: 401 });
  });
  it('answers 401, not a crash, to a cookie with a malformed %-escape', () => {
    expect(guardRequest(req({ host: '127.0.0.1:4321', cookie: 'plumbline_token_4321=%E0%A4%A' }), port, token)).toMatchObject({ ok: false, status: 401 });
  });
  it('compares tokens by value regardless of length', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
  });
});
