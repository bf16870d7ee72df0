import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { contentSecurityPolicy, WEB_HOST_CONNECT_SRC } from './shared/content-security.ts';

/** Writes the shared Content Security Policy into index.html (both hosts also send it as a header). */
function cspMeta(): Plugin {
  return { name: 'plumbline-csp', transformIndexHtml: (html) => html.replace('%PLUMBLINE_CSP%', contentSecurityPolicy(WEB_HOST_CONNECT_SRC, { meta: true })) };
}

/** The renderer is one static build served by both hosts (relative base so file:// and app:// work too). */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
    target: 'es2022',
    // Timing hints are noise on a shared 2-core machine; real build warnings still show.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: 'es' },
});
