// A small W3C WebDriver client over fetch, enough to drive the desktop app through tauri-driver.

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf'

export class WebDriver {
  constructor(base, sessionId) {
    this.base = base
    this.sessionId = sessionId
  }

  static async start(base, application) {
    const response = await call(base, 'POST', '/session', {
      capabilities: { alwaysMatch: { browserName: 'wry', 'tauri:options': { application } } },
    })
    return new WebDriver(base, response.sessionId)
  }

  command(method, path, body) {
    return call(this.base, method, `/session/${this.sessionId}${path}`, body)
  }

  async quit() {
    await this.command('DELETE', '')
  }

  async find(selector) {
    const found = await this.command('POST', '/element', { using: 'css selector', value: selector })
    return found[ELEMENT]
  }

  async findAll(selector) {
    const found = await this.command('POST', '/elements', { using: 'css selector', value: selector })
    return found.map((element) => element[ELEMENT])
  }

  /** Waits until `selector` matches a displayed element and returns it. */
  async waitFor(selector, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs
    let lastError
    while (Date.now() < deadline) {
      try {
        const element = await this.find(selector)
        if (await this.command('GET', `/element/${element}/displayed`)) return element
      } catch (error) {
        lastError = error
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`timed out waiting for ${selector}: ${lastError?.message ?? 'not displayed'}`)
  }

  /**
   * Clicks `selector` once it is enabled (a button is disabled while its last action runs),
   * retrying while something (a toast, an animation) still covers it.
   */
  async click(selector, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const element = await this.waitFor(selector, Math.max(deadline - Date.now(), 0))
      if (!(await this.command('GET', `/element/${element}/enabled`)) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        continue
      }
      try {
        await this.command('POST', `/element/${element}/click`, {})
        return
      } catch (error) {
        if (Date.now() > deadline || !/intercepted|not interactable|stale/.test(error.message)) {
          throw new Error(`clicking ${selector}: ${error.message}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 200))
      }
    }
  }

  async type(selector, text) {
    const element = await this.waitFor(selector)
    await this.command('POST', `/element/${element}/clear`, {})
    await this.command('POST', `/element/${element}/value`, { text })
  }

  /**
   * Replaces what a field holds as a person does, selecting it all and typing over it: the
   * page sees the edit as typing (a WebDriver clear alone does not reach a Vue model).
   */
  async retype(selector, text) {
    const element = await this.waitFor(selector)
    await this.command('POST', `/element/${element}/value`, { text: '\uE009a\uE009' + text })
  }

  /** The text content of the first match, hidden parts included (table cells, say). */
  async content(selector, timeoutMs = 20000) {
    await this.waitFor(selector, timeoutMs)
    return this.execute('return document.querySelector(arguments[0]).textContent', [selector])
  }

  /** Waits until the text content of `selector` satisfies `predicate`; returns it. */
  async waitForContent(selector, predicate, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs
    let seen = ''
    while (Date.now() < deadline) {
      seen = await this.content(selector, Math.max(deadline - Date.now(), 0)).catch(() => '')
      if (predicate(seen)) return seen
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`timed out waiting for the content of ${selector}; last seen: ${JSON.stringify(seen)}`)
  }

  async text(selector) {
    const element = await this.waitFor(selector)
    return this.command('GET', `/element/${element}/text`)
  }

  /**
   * Waits until the text of an element matching `selector` satisfies `predicate`; returns that
   * text. Every match counts: toasts, for one, stack while an older one fades out.
   */
  async waitForText(selector, predicate, timeoutMs = 20000) {
    const deadline = Date.now() + timeoutMs
    let seen = []
    while (Date.now() < deadline) {
      try {
        seen = []
        for (const element of await this.findAll(selector)) {
          const text = await this.command('GET', `/element/${element}/text`)
          if (predicate(text)) return text
          seen.push(text)
        }
      } catch {
        // not there yet, or replaced while read
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
    throw new Error(`timed out waiting for the text of ${selector}; last seen: ${JSON.stringify(seen)}`)
  }

  /** Runs `script` (a function body; `arguments` holds `args`) in the page; its result. */
  execute(script, args = []) {
    return this.command('POST', '/execute/sync', { script, args })
  }

  /**
   * Runs `script` in the page until it calls its last argument with the result (for
   * promises: `arguments[arguments.length - 1]`).
   */
  executeAsync(script, args = []) {
    return this.command('POST', '/execute/async', { script, args })
  }

  /**
   * Drags the mouse across the element `selector` from (`from`) to (`to`), each given as a
   * share of its width and height measured from its centre (-0.5 … 0.5).
   */
  async drag(selector, from, to) {
    const element = await this.waitFor(selector)
    const rect = await this.command('GET', `/element/${element}/rect`)
    const at = ([x, y]) => ({ x: Math.round(x * rect.width), y: Math.round(y * rect.height) })
    const origin = { [ELEMENT]: element }
    const [a, b] = [at(from), at(to)]
    const steps = Array.from({ length: 6 }, (_, i) => ({
      type: 'pointerMove',
      duration: 30,
      origin,
      x: Math.round(a.x + ((b.x - a.x) * (i + 1)) / 6),
      y: Math.round(a.y + ((b.y - a.y) * (i + 1)) / 6),
    }))
    await this.command('POST', '/actions', {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [
            { type: 'pointerMove', duration: 0, origin, x: a.x, y: a.y },
            { type: 'pointerDown', button: 0 },
            ...steps,
            { type: 'pointerUp', button: 0 },
          ],
        },
      ],
    })
    await this.command('DELETE', '/actions')
  }

  /** A PNG of the window, as a Buffer. */
  async screenshot() {
    return Buffer.from(await this.command('GET', '/screenshot'), 'base64')
  }
}

async function call(base, method, path, body) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  })
  const payload = await response.json().catch(() => ({}))
  if (!response.ok || payload.value?.error) {
    const error = payload.value ?? {}
    throw new Error(`WebDriver ${method} ${path}: ${error.error ?? response.status} ${error.message ?? ''}`)
  }
  return payload.value
}
