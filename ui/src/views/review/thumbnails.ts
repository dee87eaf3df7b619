// Small pictures of the sheets for the sheet list, drawn one at a time (so that they never
// hold up the sheet being read), only for sheets scrolled into view: natively on the desktop,
// with pdf.js in the browser, each file opened once.

import type { SheetRenderer } from '../../backend'
import { pdfAssetOptions } from './pdfAssets'
import type { PDFDocumentProxy } from 'pdfjs-dist'

/** Width of a thumbnail in CSS pixels. */
export const THUMB_WIDTH = 96

/** The scale that draws a page `pageWidth` points wide at `width` CSS pixels on a screen of `ratio`. */
export function thumbScale(pageWidth: number, width: number, ratio: number): number {
  return pageWidth > 0 ? (width * ratio) / pageWidth : 1
}

export class Thumbnails {
  private documents = new Map<string, Promise<PDFDocumentProxy>>()
  private queue: Promise<void> = Promise.resolve()
  private closed = false

  constructor(
    private load: (fileId: string) => Promise<Uint8Array>,
    private renderer: SheetRenderer | null = null,
  ) {}

  private open(fileId: string): Promise<PDFDocumentProxy> {
    let document = this.documents.get(fileId)
    if (!document) {
      document = (async () => {
        const [pdfjs, worker] = await Promise.all([
          import('pdfjs-dist/legacy/build/pdf.mjs'),
          import('pdfjs-dist/legacy/build/pdf.worker.min.mjs?url'),
        ])
        pdfjs.GlobalWorkerOptions.workerSrc = worker.default
        const data = await this.load(fileId)
        return pdfjs.getDocument({ data: data.slice(), isEvalSupported: false, ...pdfAssetOptions() }).promise
      })()
      this.documents.set(fileId, document)
    }
    return document
  }

  /** Draws page `page` (0-based) of the file into `canvas`, after those asked for before. */
  draw(canvas: HTMLCanvasElement, fileId: string, page: number): Promise<void> {
    const job = this.queue.then(async () => {
      if (this.closed || !canvas.isConnected) return
      if (this.renderer) return this.drawNatively(this.renderer, canvas, fileId, page)
      const document = await this.open(fileId)
      const pdfPage = await document.getPage(page + 1)
      const ratio = globalThis.devicePixelRatio || 1
      const viewport = pdfPage.getViewport({ scale: thumbScale(pdfPage.getViewport({ scale: 1 }).width, THUMB_WIDTH, ratio) })
      canvas.width = Math.ceil(viewport.width)
      canvas.height = Math.ceil(viewport.height)
      canvas.style.width = `${THUMB_WIDTH}px`
      canvas.style.height = `${Math.round(viewport.height / ratio)}px`
      const context = canvas.getContext('2d')
      if (!context) return
      await pdfPage.render({ canvasContext: context, viewport, canvas }).promise
      pdfPage.cleanup()
    })
    // One failed thumbnail does not stop the others.
    this.queue = job.catch(() => undefined)
    return job
  }

  private async drawNatively(renderer: SheetRenderer, canvas: HTMLCanvasElement, fileId: string, page: number): Promise<void> {
    const ratio = globalThis.devicePixelRatio || 1
    const info = await renderer.page(fileId, page)
    const scale = thumbScale(info.width, THUMB_WIDTH, ratio)
    const width = Math.max(1, Math.floor(info.width * scale))
    const height = Math.max(1, Math.floor(info.height * scale))
    const png = await renderer.region(fileId, page, { scale, x: 0, y: 0, width, height })
    const bitmap = await createImageBitmap(new Blob([png as BlobPart], { type: 'image/png' }))
    canvas.width = width
    canvas.height = height
    canvas.style.width = `${THUMB_WIDTH}px`
    canvas.style.height = `${Math.round(height / ratio)}px`
    canvas.getContext('2d')?.drawImage(bitmap, 0, 0)
    bitmap.close()
  }

  close(): void {
    this.closed = true
    for (const document of this.documents.values()) void document.then((d) => d.destroy()).catch(() => undefined)
    this.documents.clear()
  }
}
