// Files the browser downloads from the central API: the name the server gave, and the save.

/**
 * The file name in a `Content-Disposition` header: the RFC 5987 `filename*` (UTF-8, percent
 * encoded) when there is one, else the plain `filename`; null when there is neither.
 */
export function attachmentName(header: string | null): string | null {
  if (!header) return null
  let plain: string | null = null
  for (const part of header.split(';').map((p) => p.trim())) {
    const encoded = /^filename\*=utf-8''(.+)$/i.exec(part)
    if (encoded) {
      try {
        return decodeURIComponent(encoded[1])
      } catch {
        continue
      }
    }
    const simple = /^filename="?([^"]*)"?$/i.exec(part)
    if (simple) plain = simple[1]
  }
  return plain
}

/** Saves a blob through the browser's own download, under `fileName`. */
export function saveInBrowser(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Give the browser time to start the download before the data goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}
