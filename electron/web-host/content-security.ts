import { contentSecurityPolicy, WEB_HOST_CONNECT_SRC } from '../../shared/content-security';
/** The renderer's Content Security Policy in the web host: the shared policy plus its loopback WebSocket. */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy(WEB_HOST_CONNECT_SRC);
