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

/**
 * Downloads `path` from the central API and saves it under the name the server gave
 * (`fallback` when it gave none); the browser keeps no path.
 */
export async function downloadAndSave(
  http: { call(method: string, path: string): Promise<Response>; offline(): unknown },
  path: string,
  fallback: string,
  save: (blob: Blob, fileName: string) => void,
): Promise<{ fileName: string; path: null }> {
  const response = await http.call('GET', path)
  let blob: Blob
  try {
    blob = await response.blob()
  } catch {
    throw http.offline()
  }
  const fileName = attachmentName(response.headers.get('Content-Disposition')) ?? fallback
  save(blob, fileName)
  return { fileName, path: null }
}
