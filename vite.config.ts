// Vite and Vitest configuration for the web UI in ui/ (desktop webview and browser pages).
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'

// During `npm run dev` in a browser, /api can be forwarded to a running central API.
const devApi = process.env.ONETRIP_DEV_API

export default defineConfig({
  root: 'ui',
  // Relative asset paths: the same build runs under tauri://localhost and from the central API.
  base: './',
  // Keep Vite's cache with the root node_modules instead of creating ui/node_modules.
  cacheDir: '../node_modules/.vite',
  plugins: [vue()],
  clearScreen: false,
  define: {
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  server: {
    port: 1420,
    strictPort: true,
    proxy: devApi ? { '/api': { target: devApi, changeOrigin: true } } : undefined,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
