import { useEffect, useState } from 'react';
import { useApi } from '../api/api-context';
import type { HostConnection } from '../api/client';

/**
 * Tells the user, in place of a string of failing requests, that the web host went away and what
 * to do. It disappears by itself when the host is back and accepts this tab again.
 */
export function HostNotice() {
  const api = useApi();
  const [state, setState] = useState<HostConnection>('connected');
  useEffect(() => api.onConnection?.(setState), [api]);
  if (state === 'connected') return null;
  return (
    <div className={`notice host-notice${state === 'reconnecting' ? '' : ' error'}`} role={state === 'reconnecting' ? 'status' : 'alert'}>
      <span aria-hidden="true">{state === 'reconnecting' ? '…' : '✘'}</span>
      <span className="grow">{hostMessage(state)}</span>
    </div>
  );
}

/** What each lost-connection state means for the user. */
export function hostMessage(state: Exclude<HostConnection, 'connected'>): string {
  switch (state) {
    case 'restarted':
      return 'The Plumbline web host restarted with a new token, so this tab is locked out. Open the new URL it printed in its terminal (http://127.0.0.1:…/?token=…). To keep the same URL across restarts, start it with --token-file FILE.';
    case 'stopped':
      return 'The Plumbline web host has stopped. Start it again (npm start, or npm run serve) and open the URL it prints; this tab reconnects by itself if the host keeps its token (--token-file).';
    case 'reconnecting':
      return 'Lost the connection to the Plumbline web host; reconnecting…';
  }
}
