// The web UI's build: `vite build` (run by `npm run build`) writes ui/dist, which the backend
// serves on service.backend.ui.address. `npx vite ui` serves it for development, forwarding the
// API to a backend on 8090 (WATCHINGCAT_API to change).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const api = process.env['WATCHINGCAT_API'] ?? 'http://127.0.0.1:8090';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': api, '/health': api } },
});
