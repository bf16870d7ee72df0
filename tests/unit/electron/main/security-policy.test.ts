import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, CONTENT_SECURITY_POLICY, decideNavigation, isAllowedExternalUrl, isAppUrl, isTrustedSender } from '../../../../electron/main/security-policy';

/** The CSP as a directive → sources map. */
function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...sources]) => [name ?? '', sources]));
}

describe('Content Security Policy', () => {
  const csp = directives(CONTENT_SECURITY_POLICY);

  it('allows scripts only from the app origin: no inline, no eval, no remote hosts', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
  });

  it('forbids plugins, frames, base and form targets', () => {
    for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action', 'frame-ancestors']) expect(csp.get(name)).toEqual(["'none'"]);
  });

  it('lets Monaco start workers from the app origin', () => {
    expect(csp.get('worker-src')).toContain("'self'");
  });
});

describe('isAppUrl', () => {
  it('accepts the app origin and its paths', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://plumbline/assets/index-abc.js?x=1#y')).toBe(true);
  });

  it.each([
    'app://evil/index.html',
    'app://plumbline.evil.com/index.html',
    'app://user:pw@plumbline/index.html',
    'http://plumbline/index.html',
    'file:///index.html',
    'https://example.com',
    'not a url',
    '',
  ])('refuses %s', (url) => {
    expect(isAppUrl(url)).toBe(false);
  });
});

describe('isTrustedSender', () => {
  const good = { present: true, isOurMainFrame: true, url: APP_ENTRY_URL };

  it('trusts only our window main frame on the app origin', () => {
    expect(isTrustedSender(good)).toBe(true);
  });

  it('refuses a destroyed frame, a subframe or another window, and a foreign URL', () => {
    expect(isTrustedSender({ ...good, present: false })).toBe(false);
    expect(isTrustedSender({ ...good, isOurMainFrame: false })).toBe(false);
    expect(isTrustedSender({ ...good, url: 'https://example.com/' })).toBe(false);
    expect(isTrustedSender({ ...good, url: 'data:text/html,<script>1</script>' })).toBe(false);
  });
});

describe('navigation and external links', () => {
  it('opens only https links in the system browser', () => {
    expect(isAllowedExternalUrl('https://github.com/x/y')).toBe(true);
    for (const url of ['http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'https://user:pw@example.com/', 'ms-msdt:/id']) {
      expect(isAllowedExternalUrl(url)).toBe(false);
    }
  });

  it('keeps the window on the app: other schemes are dropped, https goes outside', () => {
    expect(decideNavigation('app://plumbline/index.html?open=%2Ftmp')).toBe('allow');
    expect(decideNavigation('https://example.com/')).toBe('openExternal');
    expect(decideNavigation('http://example.com/')).toBe('deny');
    expect(decideNavigation('file:///tmp/x.html')).toBe('deny');
    expect(decideNavigation('javascript:alert(1)')).toBe('deny');
  });
});
