// The drawing viewer: pdf.js's single-page viewer (sharp at any zoom through its detail
// canvas, canvases kept inside WebKit's size limits), with an SVG layer for markups drawn in
// the page's PDF coordinates. Loaded only when a sheet is opened.

import { pdfAssetOptions } from './pdfAssets'
import type { Markup } from '../../bindings/Markup'

/** Largest canvas pdf.js draws a page into; the visible part is drawn sharper on top. */
export const MAX_CANVAS_PIXELS = 16_000_000

/** Converts between the SVG layer's units (the page at scale 1, as seen) and PDF points. */
export interface PageGeometry {
  width: number
  height: number
  toView(x: number, y: number): [number, number]
  toPdf(x: number, y: number): [number, number]
}

/** A markup's rectangle in the SVG layer's units, from tenths of a PDF point. */
export function markupBox(markup: Markup, page: PageGeometry): { x: number; y: number; w: number; h: number; from: [number, number]; to: [number, number] } {
  const [x0, y0, x1, y1] = markup.rect.map((v) => v / 10)
  const from = page.toView(x0, y0)
  const to = page.toView(x1, y1)
  return {
    x: Math.min(from[0], to[0]),
    y: Math.min(from[1], to[1]),
    w: Math.abs(to[0] - from[0]),
    h: Math.abs(to[1] - from[1]),
    from,
    to,
  }
}

/** A revision cloud around a box: arcs along each side, as CAD programs draw them. */
export function cloudPath(x: number, y: number, w: number, h: number, bump: number): string {
  const steps = (length: number) => Math.max(2, Math.round(length / bump))
  const points: [number, number][] = []
  const side = (ax: number, ay: number, bx: number, by: number) => {
    const n = steps(Math.hypot(bx - ax, by - ay))
    for (let i = 0; i < n; i++) points.push([ax + ((bx - ax) * i) / n, ay + ((by - ay) * i) / n])
  }
  side(x, y, x + w, y)
  side(x + w, y, x + w, y + h)
  side(x + w, y + h, x, y + h)
  side(x, y + h, x, y)
  const r = bump / 2
  let d = `M ${points[0][0]} ${points[0][1]}`
  for (let i = 1; i <= points.length; i++) {
    const [px, py] = points[i % points.length]
    d += ` A ${r} ${r} 0 0 1 ${px} ${py}`
  }
  return `${d} Z`
}

/** Markup rectangle in tenths of a PDF point from two corners in the SVG layer's units. */
export function rectFrom(page: PageGeometry, a: [number, number], b: [number, number]): [number, number, number, number] {
  const [x0, y0] = page.toPdf(a[0], a[1])
  const [x1, y1] = page.toPdf(b[0], b[1])
  return [x0, y0, x1, y1].map((v) => Math.round(v * 10)) as [number, number, number, number]
}

export interface OpenedSheet {
  geometry: PageGeometry
  /** The page element pdf.js draws into; the markup layer is put inside it. */
  pageElement(): HTMLElement | null
  zoom(factor: number): void
  fitWidth(): void
  onRendered(handler: () => void): void
  /** Milliseconds from each zoom to the page sharp again (its last render before a pause). */
  onZoomed(handler: (ms: number) => void): void
  /** Milliseconds from opening to the first sharp view. */
  firstRenderMs: Promise<number>
  close(): void
}

/** Opens page `page` (0-based) of `data` in `container` (which must be absolutely positioned). */
export async function openSheet(data: Uint8Array, page: number, container: HTMLDivElement): Promise<OpenedSheet> {
  const started = performance.now()
  const [pdfjs, worker] = await Promise.all([
    import('pdfjs-dist/legacy/build/pdf.mjs'),
    import('pdfjs-dist/legacy/build/pdf.worker.min.mjs?url'),
  ])
  pdfjs.GlobalWorkerOptions.workerSrc = worker.default
  ;(globalThis as unknown as { pdfjsLib: unknown }).pdfjsLib = pdfjs
  const viewerLib = await import('pdfjs-dist/legacy/web/pdf_viewer.mjs')
  const eventBus = new viewerLib.EventBus()
  const linkService = new viewerLib.PDFLinkService({ eventBus })
  const viewerElement = container.querySelector('.pdfViewer') as HTMLDivElement
  const viewer = new viewerLib.PDFSinglePageViewer({
    container,
    viewer: viewerElement,
    eventBus,
    linkService,
    textLayerMode: 0,
    annotationMode: 0,
    enableDetailCanvas: true,
    maxCanvasPixels: MAX_CANVAS_PIXELS,
  })
  linkService.setViewer(viewer)
  const handlers: (() => void)[] = []
  let resolveFirst: (ms: number) => void = () => undefined
  const firstRenderMs = new Promise<number>((resolve) => (resolveFirst = resolve))
  let shown = false
  // Listening before the document is set, so that no event is missed.
  eventBus.on('pagesinit', () => {
    viewer.currentPageNumber = page + 1
    viewer.currentScaleValue = 'page-fit'
    shown = true
  })
  // After a zoom the page draws again, then its detail canvas over the visible part: it is
  // sharp when the last of those renders is done and no other follows for a moment.
  const zoomHandlers: ((ms: number) => void)[] = []
  let zoomStarted: number | null = null
  let quiet: ReturnType<typeof setTimeout> | undefined
  eventBus.on('pagerendered', (event: { pageNumber: number }) => {
    if (!shown || event.pageNumber !== page + 1) return
    const now = performance.now()
    resolveFirst(now - started)
    handlers.forEach((handler) => handler())
    if (zoomStarted !== null) {
      const since = zoomStarted
      clearTimeout(quiet)
      quiet = setTimeout(() => {
        if (zoomStarted !== since) return
        zoomStarted = null
        zoomHandlers.forEach((handler) => handler(now - since))
      }, 400)
    }
  })
  // The copy pdf.js transfers to its worker must not be the caller's buffer.
  const task = pdfjs.getDocument({ data: data.slice(), isEvalSupported: false, ...pdfAssetOptions() })
  const document = await task.promise
  const pdfPage = await document.getPage(page + 1)
  const base = pdfPage.getViewport({ scale: 1 })
  const geometry: PageGeometry = {
    width: base.width,
    height: base.height,
    toView: (x, y) => base.convertToViewportPoint(x, y) as [number, number],
    toPdf: (x, y) => base.convertToPdfPoint(x, y) as [number, number],
  }
  viewer.setDocument(document)
  linkService.setDocument(document)
  return {
    geometry,
    pageElement: () => viewerElement.querySelector(`.page[data-page-number="${page + 1}"]`),
    zoom(factor) {
      zoomStarted = performance.now()
      viewer.currentScale = Math.min(Math.max(viewer.currentScale * factor, 0.05), 32)
    },
    fitWidth() {
      viewer.currentScaleValue = 'page-width'
    },
    onRendered(handler) {
      handlers.push(handler)
    },
    onZoomed(handler) {
      zoomHandlers.push(handler)
    },
    firstRenderMs,
    close() {
      viewer.cleanup()
      void task.destroy()
    },
  }
}
