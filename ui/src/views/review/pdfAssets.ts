// Where pdf.js finds its character maps and standard fonts: `pdfjs/` beside the page, copied
// there by the build (vite.config.ts). Without them the text of PDFs whose Chinese fonts are
// not embedded does not show.

/** Options for pdf.js's `getDocument`, resolved against the page's address. */
export function pdfAssetOptions(base: string = document.baseURI): { cMapUrl: string; cMapPacked: boolean; standardFontDataUrl: string } {
  return {
    cMapUrl: new URL('pdfjs/cmaps/', base).href,
    cMapPacked: true,
    standardFontDataUrl: new URL('pdfjs/standard_fonts/', base).href,
  }
}
