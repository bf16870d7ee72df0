import { describe, expect, it } from 'vitest';
import { entryUrlFor, parseLaunchArgs } from '../../../../electron/main/launch-args';

describe('parseLaunchArgs', () => {
  it('reads the folder of a packaged app, resolving it against the launch folder', () => {
    expect(parseLaunchArgs(['/opt/Plumbline/plumbline', 'proj'], { isDefaultApp: false, cwd: '/home/u' })).toEqual({ folder: '/home/u/proj' });
    expect(parseLaunchArgs(['/opt/Plumbline/plumbline', '/abs/path/'], { isDefaultApp: false, cwd: '/home/u' })).toEqual({ folder: '/abs/path' });
  });

  it('skips the app path of `electron <app>` and Chromium switches anywhere', () => {
    const argv = ['/x/electron', '--inspect=0', '--remote-debugging-port=0', '/repo', '--no-sandbox', '/work/proj'];
    expect(parseLaunchArgs(argv, { isDefaultApp: true, cwd: '/' })).toEqual({ folder: '/work/proj' });
  });

  it('gives no folder when only the app path and switches are present', () => {
    expect(parseLaunchArgs(['/x/electron', '.', '--enable-logging'], { isDefaultApp: true, cwd: '/repo' })).toEqual({ folder: null });
    expect(parseLaunchArgs(['/opt/plumbline', '--original-process-start-time=1'], { isDefaultApp: false, cwd: '/' })).toEqual({ folder: null });
  });
});

describe('entryUrlFor', () => {
  it('passes the folder as the `open` query parameter, encoded', () => {
    const url = new URL(entryUrlFor('app://plumbline/index.html', '/home/u/my project&x'));
    expect(url.searchParams.get('open')).toBe('/home/u/my project&x');
    expect(entryUrlFor('app://plumbline/index.html', null)).toBe('app://plumbline/index.html');
  });
});
