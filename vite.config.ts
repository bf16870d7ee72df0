import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The renderer is one static build served by both hosts (relative base so file:// and app:// work too). */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
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
