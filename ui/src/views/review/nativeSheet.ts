// The desktop's drawing viewer: the sheet drawn natively (hayro, in the app's own process) a
// region at a time, as map viewers draw tiles, instead of by pdf.js in the webview, whose
// canvas is too slow in WebKitGTK for heavy sheets (bench/RESULTS.md). The regions drawn at
// each scale are kept and shown again when the view comes back; while a new scale is drawn,
// the ones before stay in view, stretched. Markups go on the same SVG layer as with pdf.js.

import type { SheetRenderer } from '../../backend'
import type { SheetRegion } from '../../bindings/SheetRegion'
import type { OpenedSheet, PageGeometry } from './sheetViewer'

/** Side of a cell of the grid that records what is drawn, in device pixels. */
export const CELL = 128
/** Pixels of drawn regions kept; past this the ones seen least recently are dropped. */
export const KEPT_PIXELS = 48_000_000
/** Space around the page, in CSS pixels. */
const MARGIN = 12
const MIN_SCALE = 0.02
const MAX_SCALE = 32

/** A range of cells, the end excluded. */
export interface Cells {
  c0: number
  r0: number
  c1: number
  r1: number
}

/** The scale a view draws at: CSS scale × device pixel ratio, to 4 significant digits, so that
 * coming back to a zoom finds what was drawn there. */
export function drawScale(cssScale: number, ratio: number): number {
  return Number((cssScale * ratio).toPrecision(4))
}

/** The cells a rectangle of device pixels touches, inside a page of `width` × `height` pixels. */
export function cellsOf(x0: number, y0: number, x1: number, y1: number, width: number, height: number): Cells {
  const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max)
  const columns = Math.ceil(width / CELL)
  const rows = Math.ceil(height / CELL)
  return {
    c0: clamp(Math.floor(x0 / CELL), columns),
    r0: clamp(Math.floor(y0 / CELL), rows),
    c1: clamp(Math.ceil(x1 / CELL), columns),
    r1: clamp(Math.ceil(y1 / CELL), rows),
  }
}

/** The smallest range holding every cell of `range` not in `drawn`; null when all are drawn. */
export function missing(range: Cells, drawn: ReadonlySet<string>): Cells | null {
  let box: Cells | null = null
  for (let r = range.r0; r < range.r1; r++) {
    for (let c = range.c0; c < range.c1; c++) {
      if (drawn.has(`${c},${r}`)) continue
      if (!box) box = { c0: c, r0: r, c1: c + 1, r1: r + 1 }
      else {
        box.c0 = Math.min(box.c0, c)
        box.r0 = Math.min(box.r0, r)
        box.c1 = Math.max(box.c1, c + 1)
        box.r1 = Math.max(box.r1, r + 1)
      }
    }
  }
  return box
}

/** The region of pixels a range of cells covers, cut at the page's edge. */
export function regionOf(cells: Cells, scale: number, width: number, height: number): SheetRegion {
  const x = cells.c0 * CELL
  const y = cells.r0 * CELL
  return {
    scale,
    x,
    y,
    width: Math.max(0, Math.min(cells.c1 * CELL, width) - x),
    height: Math.max(0, Math.min(cells.r1 * CELL, height) - y),
  }
}

interface Patch {
  region: SheetRegion
  image: HTMLImageElement
  url: string
  seen: number
}

export interface NativeOptions {
  /** Whether a drag pans the sheet now (not while a markup is being drawn). */
  canPan(): boolean
  onError(message: unknown): void
}

/** Opens page `page` (0-based) of a kept file in `container` (absolutely positioned). */
export async function openNativeSheet(
  renderer: SheetRenderer,
  fileId: string,
  page: number,
  container: HTMLDivElement,
  options: NativeOptions,
): Promise<OpenedSheet> {
  const started = performance.now()
  const info = await renderer.page(fileId, page)
  const [a, b, c, d, e, f] = info.to_view
  const det = a * d - b * c
  const geometry: PageGeometry = {
    width: info.width,
    height: info.height,
    toView: (x, y) => [a * x + c * y + e, b * x + d * y + f],
    toPdf: (x, y) => [(d * (x - e) - c * (y - f)) / det, (a * (y - f) - b * (x - e)) / det],
  }

  // Not pdf.js's viewer: its styles for pages must not apply.
  const wrapper = container.querySelector('.pdfViewer, .native-viewer') as HTMLDivElement
  wrapper.classList.replace('pdfViewer', 'native-viewer')
  wrapper.style.cssText = `display:grid;place-items:center;min-width:100%;min-height:100%;width:max-content;height:max-content;padding:${MARGIN}px;box-sizing:border-box`
  const pageElement = document.createElement('div')
  pageElement.className = 'page native-page'
  pageElement.dataset.pageNumber = String(page + 1)
  pageElement.style.cssText = 'position:relative;background:#fff;box-shadow:0 1px 4px rgba(0,0,0,.25);overflow:hidden'
  const tiles = document.createElement('div')
  tiles.style.cssText = 'position:absolute;inset:0;z-index:1'
  pageElement.appendChild(tiles)
  wrapper.appendChild(pageElement)

  const ratio = () => globalThis.devicePixelRatio || 1
  const fitScale = (width: boolean) => {
    const w = (container.clientWidth - 2 * MARGIN) / info.width
    const h = (container.clientHeight - 2 * MARGIN) / info.height
    return Math.max(MIN_SCALE, width ? w : Math.min(w, h))
  }
  let cssScale = fitScale(false)
  const layout = () => {
    pageElement.style.width = `${info.width * cssScale}px`
    pageElement.style.height = `${info.height * cssScale}px`
  }
  layout()

  // What is drawn, per scale: the patches (one per region asked for) and the cells they cover.
  const patches = new Map<number, Patch[]>()
  const drawn = new Map<number, Set<string>>()
  let closed = false
  let busy = false
  let frame = 0
  let firstShown = false
  let zoomStarted: number | null = null
  const renderedHandlers: (() => void)[] = []
  const zoomHandlers: ((ms: number) => void)[] = []
  let resolveFirst: (ms: number) => void = () => undefined
  const firstRenderMs = new Promise<number>((resolve) => (resolveFirst = resolve))

  const place = (patch: Patch, current: boolean) => {
    const { region } = patch
    const width = info.width * region.scale
    const height = info.height * region.scale
    patch.image.style.cssText =
      `position:absolute;left:${(region.x / width) * 100}%;top:${(region.y / height) * 100}%;` +
      `width:${(region.width / width) * 100}%;height:${(region.height / height) * 100}%;` +
      `z-index:${current ? 2 : 1};pointer-events:none;user-select:none`
  }

  /** The visible part of the page in device pixels at `scale`. */
  const visible = (scale: number): Cells => {
    const box = pageElement.getBoundingClientRect()
    const view = container.getBoundingClientRect()
    const k = scale / cssScale
    return cellsOf(
      (view.left - box.left) * k,
      (view.top - box.top) * k,
      (view.right - box.left) * k,
      (view.bottom - box.top) * k,
      Math.floor(info.width * scale),
      Math.floor(info.height * scale),
    )
  }

  const forget = (scale: number, patch: Patch) => {
    patch.image.remove()
    URL.revokeObjectURL(patch.url)
    const list = patches.get(scale)?.filter((p) => p !== patch) ?? []
    if (list.length) patches.set(scale, list)
    else patches.delete(scale)
    const cells = new Set<string>()
    for (const kept of list) for (const key of cellKeys(kept.region)) cells.add(key)
    drawn.set(scale, cells)
  }

  /** Once the view is sharp: other scales go, then the oldest regions past the budget. */
  const tidy = (current: number) => {
    for (const [scale, list] of [...patches]) {
      if (scale !== current) for (const patch of [...list]) forget(scale, patch)
    }
    const all = [...patches].flatMap(([scale, list]) => list.map((patch) => ({ scale, patch })))
    let pixels = all.reduce((sum, { patch }) => sum + patch.region.width * patch.region.height, 0)
    for (const { scale, patch } of all.sort((x, y) => x.patch.seen - y.patch.seen)) {
      if (pixels <= KEPT_PIXELS) break
      pixels -= patch.region.width * patch.region.height
      forget(scale, patch)
    }
  }

  const sharp = () => {
    const now = performance.now()
    if (!firstShown) {
      firstShown = true
      resolveFirst(now - started)
      renderedHandlers.forEach((handler) => handler())
    }
    if (zoomStarted !== null) {
      const ms = now - zoomStarted
      zoomStarted = null
      zoomHandlers.forEach((handler) => handler(ms))
    }
  }

  /** Draws what the view lacks at its scale, one region at a time, until it lacks nothing. */
  const update = async () => {
    if (closed) return
    if (busy) return
    const scale = drawScale(cssScale, ratio())
    const range = visible(scale)
    const now = performance.now()
    for (const patch of patches.get(scale) ?? []) patch.seen = now
    const lacking = missing(range, drawn.get(scale) ?? new Set())
    if (!lacking) {
      tidy(scale)
      sharp()
      return
    }
    const region = regionOf(lacking, scale, Math.floor(info.width * scale), Math.floor(info.height * scale))
    busy = true
    try {
      const png = await renderer.region(fileId, page, region)
      if (closed) return
      const url = URL.createObjectURL(new Blob([png as BlobPart], { type: 'image/png' }))
      const image = new Image()
      image.src = url
      image.alt = ''
      image.draggable = false
      image.dataset.testid = 'sheet-tile'
      await image.decode()
      if (closed) {
        URL.revokeObjectURL(url)
        return
      }
      const patch: Patch = { region, image, url, seen: performance.now() }
      patches.set(scale, [...(patches.get(scale) ?? []), patch])
      const cells = drawn.get(scale) ?? new Set<string>()
      for (const key of cellKeys(region)) cells.add(key)
      drawn.set(scale, cells)
      place(patch, scale === drawScale(cssScale, ratio()))
      tiles.appendChild(image)
    } catch (failure) {
      if (!closed) options.onError(failure)
      busy = false
      return
    }
    busy = false
    void update()
  }

  const schedule = () => {
    if (closed) return
    cancelAnimationFrame(frame)
    frame = requestAnimationFrame(() => void update())
  }

  /** Sets the scale, keeping the page's point under (`x`, `y`) in the window where it was. */
  const setScale = (next: number, x?: number, y?: number) => {
    const clamped = Math.min(Math.max(next, MIN_SCALE), MAX_SCALE)
    const view = container.getBoundingClientRect()
    const ax = x ?? view.left + view.width / 2
    const ay = y ?? view.top + view.height / 2
    const before = pageElement.getBoundingClientRect()
    const px = (ax - before.left) / cssScale
    const py = (ay - before.top) / cssScale
    cssScale = clamped
    layout()
    const after = pageElement.getBoundingClientRect()
    container.scrollLeft += after.left + px * cssScale - ax
    container.scrollTop += after.top + py * cssScale - ay
    const current = drawScale(cssScale, ratio())
    for (const [scale, list] of patches) for (const patch of list) place(patch, scale === current)
    zoomStarted = performance.now()
    schedule()
  }

  // Panning by dragging, zooming with Ctrl and the wheel at the pointer.
  let dragging: { x: number; y: number; id: number } | null = null
  const onDown = (event: PointerEvent) => {
    // Not on the scroll bars, which are the container's own.
    if (event.button !== 0 || event.target === container || !options.canPan()) return
    dragging = { x: event.clientX, y: event.clientY, id: event.pointerId }
    container.setPointerCapture(event.pointerId)
    container.style.cursor = 'grabbing'
  }
  const onMove = (event: PointerEvent) => {
    if (!dragging || event.pointerId !== dragging.id) return
    container.scrollLeft -= event.clientX - dragging.x
    container.scrollTop -= event.clientY - dragging.y
    dragging.x = event.clientX
    dragging.y = event.clientY
  }
  const onUp = (event: PointerEvent) => {
    if (!dragging || event.pointerId !== dragging.id) return
    dragging = null
    container.style.cursor = ''
  }
  const onWheel = (event: WheelEvent) => {
    if (!event.ctrlKey) return
    event.preventDefault()
    setScale(cssScale * (event.deltaY < 0 ? 1.25 : 0.8), event.clientX, event.clientY)
  }
  container.addEventListener('pointerdown', onDown)
  container.addEventListener('pointermove', onMove)
  container.addEventListener('pointerup', onUp)
  container.addEventListener('pointercancel', onUp)
  container.addEventListener('wheel', onWheel, { passive: false })
  container.addEventListener('scroll', schedule, { passive: true })
  const resized = new ResizeObserver(schedule)
  resized.observe(container)
  schedule()

  return {
    geometry,
    pageElement: () => pageElement,
    zoom: (factor) => setScale(cssScale * factor),
    fitWidth: () => setScale(fitScale(true)),
    onRendered(handler) {
      renderedHandlers.push(handler)
      if (firstShown) handler()
    },
    onZoomed(handler) {
      zoomHandlers.push(handler)
    },
    firstRenderMs,
    close() {
      closed = true
      cancelAnimationFrame(frame)
      resized.disconnect()
      container.removeEventListener('pointerdown', onDown)
      container.removeEventListener('pointermove', onMove)
      container.removeEventListener('pointerup', onUp)
      container.removeEventListener('pointercancel', onUp)
      container.removeEventListener('wheel', onWheel)
      container.removeEventListener('scroll', schedule)
      for (const list of patches.values()) for (const patch of list) URL.revokeObjectURL(patch.url)
      patches.clear()
      pageElement.remove()
      wrapper.style.cssText = ''
      wrapper.classList.replace('native-viewer', 'pdfViewer')
    },
  }
}

/** The keys of the cells a region covers whole (its last column and row may stop at the page's
 * edge, which counts). */
function cellKeys(region: SheetRegion): string[] {
  const keys: string[] = []
  const c0 = Math.floor(region.x / CELL)
  const r0 = Math.floor(region.y / CELL)
  const c1 = Math.ceil((region.x + region.width) / CELL)
  const r1 = Math.ceil((region.y + region.height) / CELL)
  for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) keys.push(`${c},${r}`)
  return keys
}
