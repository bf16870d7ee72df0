import { describe, expect, it } from 'vitest';
import { chooseHost, fallbackMessage, FETCH_MESSAGE, hasDisplay, shouldFetchBinary, splitStartArgs, summariseInstallError } from '../../../scripts/start-decision.mjs';

describe('splitStartArgs', () => {
  it('passes web host options through, takes the folder, and drops --web', () => {
    expect(splitStartArgs(['--port', '8080', '--web', '--token', 't', '../proj'])).toEqual({ forceWeb: true, folder: '../proj', passthrough: ['--port', '8080', '--token', 't', '../proj'] });
    expect(splitStartArgs(['--data-dir', 'data', '--root', '/r'])).toEqual({ forceWeb: false, folder: null, passthrough: ['--data-dir', 'data', '--root', '/r'] });
    expect(splitStartArgs([])).toEqual({ forceWeb: false, folder: null, passthrough: [] });
    expect(splitStartArgs(['--token-file', 'tok', 'proj'])).toEqual({ forceWeb: false, folder: 'proj', passthrough: ['--token-file', 'tok', 'proj'] });
  });
});

describe('chooseHost', () => {
  const env = { DISPLAY: ':0' };

  it('opens the desktop app when the binary is present and a display exists', () => {
    expect(chooseHost({ forceWeb: false, platform: 'linux', env, binary: 'present' })).toEqual({ host: 'desktop' });
    expect(chooseHost({ forceWeb: false, platform: 'darwin', env: {}, binary: 'present' })).toEqual({ host: 'desktop' });
    expect(chooseHost({ forceWeb: false, platform: 'win32', env: {}, binary: 'present' })).toEqual({ host: 'desktop' });
  });

  it('falls back to the web host without the binary, without a display, or when asked', () => {
    expect(chooseHost({ forceWeb: false, platform: 'linux', env, binary: 'missing' })).toEqual({ host: 'web', reason: 'no-binary' });
    expect(chooseHost({ forceWeb: false, platform: 'linux', env: {}, binary: 'present' })).toEqual({ host: 'web', reason: 'no-display' });
    expect(chooseHost({ forceWeb: true, platform: 'darwin', env, binary: 'present' })).toEqual({ host: 'web', reason: 'requested' });
  });

  it('without a display, names the display rather than a binary it did not try to fetch', () => {
    expect(chooseHost({ forceWeb: false, platform: 'linux', env: {}, binary: 'missing' })).toEqual({ host: 'web', reason: 'no-display' });
  });

  it('counts Wayland as a display', () => {
    expect(hasDisplay('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDisplay('linux', { DISPLAY: '' })).toBe(false);
  });
});

describe('shouldFetchBinary', () => {
  const display = { DISPLAY: ':0' };
  it('fetches only when the binary is missing and the desktop app could open', () => {
    expect(shouldFetchBinary({ forceWeb: false, platform: 'linux', env: display, binaryPresent: false })).toBe(true);
    expect(shouldFetchBinary({ forceWeb: false, platform: 'darwin', env: {}, binaryPresent: false })).toBe(true);
  });
  it('does not fetch (nor say it does) when the binary is there, with --web, without a display, or when downloads are off', () => {
    expect(shouldFetchBinary({ forceWeb: false, platform: 'linux', env: display, binaryPresent: true })).toBe(false);
    expect(shouldFetchBinary({ forceWeb: true, platform: 'linux', env: display, binaryPresent: false })).toBe(false);
    expect(shouldFetchBinary({ forceWeb: false, platform: 'linux', env: {}, binaryPresent: false })).toBe(false);
    expect(shouldFetchBinary({ forceWeb: false, platform: 'linux', env: { ...display, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, binaryPresent: false })).toBe(false);
  });
  it('does not promise that it happens on the first start only', () => {
    expect(FETCH_MESSAGE).not.toContain('first start only');
  });
});

describe('fallback words', () => {
  it('say in one paragraph that the binary could not be fetched, why, and that the web host starts', () => {
    const text = fallbackMessage({ host: 'web', reason: 'no-binary' }, 'getaddrinfo ENOTFOUND github.com');
    expect(text).not.toContain('\n');
    expect(text).toContain('could not fetch the Electron desktop binary (getaddrinfo ENOTFOUND github.com)');
    expect(text).toMatch(/Starting the web host instead/);
  });

  it('name the missing display', () => {
    expect(fallbackMessage({ host: 'web', reason: 'no-display' })).toMatch(/No display was found.*web host instead/);
  });

  it('pick the telling line of an install failure', () => {
    const stack = 'RequestError: getaddrinfo ENOTFOUND github.com\n    at ClientRequest.<anonymous> (/x/got/index.js:970:111)\n    at emit (node:events:1)';
    expect(summariseInstallError(stack)).toBe('getaddrinfo ENOTFOUND github.com');
    expect(summariseInstallError('HTTPError: Response code 404 (Not Found)')).toBe('Response code 404 (Not Found)');
    expect(summariseInstallError('')).toMatch(/without saying why/);
  });
});
