import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Absolute, so the build works from any working directory.
const webRoot = fileURLToPath(new URL('./web', import.meta.url));
const outDir = fileURLToPath(new URL('./dist/web', import.meta.url));
/** The build with the browser tests' hooks (`--mode test`), kept apart from the one users get. */
const testOutDir = fileURLToPath(new URL('./dist/web-test', import.meta.url));

/**
 * Build of the web client (web/ → dist/web). The API serves dist/web at http://localhost:8080/;
 * in development the Vite server on :5173 proxies /api to that API.
 */
export default defineConfig(({ mode }) => ({
  root: webRoot,
  plugins: [react()],
  build: {
    outDir: mode === 'test' ? testOutDir : outDir,
    emptyOutDir: true,
    // maplibre-gl and deck.gl are large by nature; the warning would be noise.
    chunkSizeWarningLimit: 3000,
  },
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/api': {
        target: 'http://localhost:8080',
        changeOrigin: true,
        // web/api/*.ts is served at /api/*.ts in development: source modules are not API calls.
        bypass: (req) => (/\.tsx?(?:\?|$)/.test(req.url ?? '') ? req.url : undefined),
      },
    },
  },
  preview: { port: 4173 },
}));
