/**
 * The desktop window's security rules as pure functions, so they are unit-tested without Electron:
 * the origin the renderer is served from, the Content Security Policy, and which IPC senders,
 * navigations and external links are allowed.
 */
import { contentSecurityPolicy } from '../../shared/content-security';

/** The privileged custom scheme the renderer is served from (standard + secure, so `'self'` works). */
export const APP_SCHEME = 'app';
/** The single host of the app origin: app://plumbline/. */
export const APP_HOST = 'plumbline';
/** The renderer's entry page. */
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** The Content Security Policy sent with every app:// response (the shared policy; the page talks over IPC). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** Parses a URL, or null when it is not one. */
function parseUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True when the URL belongs to the app origin. Compared by protocol and host because Node's URL
 * reports the origin of a custom scheme as "null".
 */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/** What the IPC transport knows about the frame that sent a message. */
export interface SenderFrameFacts {
  /** The frame exists (Electron reports null once a frame navigated away or was destroyed). */
  readonly present: boolean;
  /** The frame is the top frame of our main window's web contents. */
  readonly isOurMainFrame: boolean;
  readonly url: string;
}

/** Every IPC message must come from the main frame of our window while it shows the app origin. */
export function isTrustedSender(frame: SenderFrameFacts): boolean {
  return frame.present && frame.isOurMainFrame && isAppUrl(frame.url);
}

/** Links the user clicked may leave the app only as https, and only to the system browser. */
export function isAllowedExternalUrl(url: string): boolean {
  const parsed = parseUrl(url);
  return parsed !== null && parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
}

/** Where a navigation request goes: the app itself reloading, out to the browser, or nowhere. */
export type NavigationDecision = 'allow' | 'openExternal' | 'deny';

/**
 * In-window navigation is denied except within the app origin (a reload); https links are handed
 * to the system browser; every other scheme (file:, javascript:, data:, http:) is dropped.
 */
export function decideNavigation(url: string): NavigationDecision {
  if (isAppUrl(url)) return 'allow';
  if (isAllowedExternalUrl(url)) return 'openExternal';
  return 'deny';
}
