// Vite and Vitest configuration for the web UI in ui/ (desktop webview and browser pages).
import { defineConfig } from 'vitest/config'
import vue from '@vitejs/plugin-vue'
import { cpSync, existsSync, readFileSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import type { Plugin } from 'vite'

/**
 * pdf.js's character maps and standard font data, served at `pdfjs/` beside the build: PDFs
 * whose Chinese fonts are not embedded (common from CAD programs) need the Adobe-GB1 maps to
 * show their text at all.
 */
function pdfjsAssets(): Plugin {
  const source = resolve('node_modules/pdfjs-dist')
  const folders = ['cmaps', 'standard_fonts']
  return {
    name: 'onetrip-pdfjs-assets',
    writeBundle(options) {
      for (const folder of folders) {
        cpSync(resolve(source, folder), resolve(options.dir ?? 'ui/dist', 'pdfjs', folder), { recursive: true })
      }
    },
    configureServer(server) {
      server.middlewares.use('/pdfjs/', (request, response, next) => {
        const file = resolve(source, decodeURIComponent((request.url ?? '').split('?')[0].replace(/^\//, '')))
        const inside = folders.some((folder) => file.startsWith(resolve(source, folder) + sep))
        if (!inside || !existsSync(file)) return next()
        response.end(readFileSync(file))
      })
    },
  }
}

// During `npm run dev` in a browser, /api can be forwarded to a running central API.
const devApi = process.env.ONETRIP_DEV_API

export default defineConfig({
  root: 'ui',
  // Relative asset paths: the same build runs under tauri://localhost and from the central API.
  base: './',
  // Keep Vite's cache with the root node_modules instead of creating ui/node_modules.
  cacheDir: '../node_modules/.vite',
  plugins: [vue(), pdfjsAssets()],
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
