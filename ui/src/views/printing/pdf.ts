// Drawing PDF pages with pdf.js. Loaded only when a preview is shown, so the rest of the app
// (and its unit tests) never load pdf.js.

import { pdfAssetOptions } from '../review/pdfAssets'

export interface PdfRendering {
  done: Promise<{ total: number; shown: number }>
  cancel(): void
}

/** Draws the first `maxPages` pages of `data` as canvases appended to `host`. */
export function renderPdf(data: Uint8Array, host: HTMLElement, maxPages: number): PdfRendering {
  let cancelled = false
  let destroy: () => void = () => undefined
  const done = (async () => {
    const [pdfjs, worker] = await Promise.all([
      import('pdfjs-dist/legacy/build/pdf.mjs'),
      import('pdfjs-dist/legacy/build/pdf.worker.min.mjs?url'),
    ])
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default
    const task = pdfjs.getDocument({ data, isEvalSupported: false, ...pdfAssetOptions() })
    destroy = () => void task.destroy()
    const document = await task.promise
    const shown = Math.min(document.numPages, maxPages)
    // Sharp on high-density screens, without drawing more pixels than needed.
    const density = Math.min(globalThis.devicePixelRatio || 1, 2)
    for (let number = 1; number <= shown && !cancelled; number++) {
      const page = await document.getPage(number)
      // 1.5 CSS pixels per point: an A4 page is about 890 pixels wide before CSS scales it.
      const viewport = page.getViewport({ scale: 1.5 * density })
      const canvas = globalThis.document.createElement('canvas')
      canvas.width = Math.floor(viewport.width)
      canvas.height = Math.floor(viewport.height)
      canvas.style.width = `${Math.floor(viewport.width / density)}px`
      canvas.dataset.page = String(number)
      host.appendChild(canvas)
      await page.render({ canvas, viewport }).promise
    }
    const total = document.numPages
    void task.destroy()
    return { total, shown }
  })()
  return {
    done,
    cancel() {
      cancelled = true
      destroy()
    },
  }
}
