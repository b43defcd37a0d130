import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

// Forge serves Custom UI from a sub-path of its CDN: assets must be referenced
// relatively (`base: './'`). The build lands where manifest.yml's `admin`
// resource points (static/admin/build).
export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'build',
    emptyOutDir: true,
    sourcemap: false,
    // scripts/ui-size.ts reads it to measure the first load.
    manifest: true,
    target: 'es2020',
  },
  server: { fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
});
