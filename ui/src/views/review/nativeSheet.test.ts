import { describe, expect, it } from 'vitest'
import { CELL, cellsOf, drawScale, missing, regionOf } from './nativeSheet'

describe('the native viewer’s grid', () => {
  it('draws at the screen’s pixels, rounded so that a zoom comes back to the same scale', () => {
    expect(drawScale(0.5371234, 1)).toBe(0.5371)
    expect(drawScale(0.5371234, 2)).toBe(1.074)
    // Zooming in and out by the same factor lands on the scale drawn before.
    const fit = 0.4412
    expect(drawScale(fit * 1.5 * (1 / 1.5), 1)).toBe(drawScale(fit, 1))
  })

  it('takes the cells a view touches, inside the page', () => {
    expect(cellsOf(0, 0, 1280, 800, 3000, 2000)).toEqual({ c0: 0, r0: 0, c1: 10, r1: 7 })
    // Scrolled past the page's corner: cut at the page.
    expect(cellsOf(-50, 1900, 500, 2600, 3000, 2000)).toEqual({ c0: 0, r0: 14, c1: 4, r1: 16 })
    expect(cellsOf(2990, 0, 4000, 10, 3000, 2000)).toEqual({ c0: 23, r0: 0, c1: 24, r1: 1 })
  })

  it('asks only for the box of what is not drawn yet', () => {
    const view = { c0: 0, r0: 0, c1: 4, r1: 3 }
    expect(missing(view, new Set())).toEqual(view)
    const drawn = new Set<string>()
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) drawn.add(`${c},${r}`)
    expect(missing(view, drawn)).toBeNull()
    drawn.delete('3,1')
    drawn.delete('2,2')
    expect(missing(view, drawn)).toEqual({ c0: 2, r0: 1, c1: 4, r1: 3 })
  })

  it('turns cells into pixels, stopping at the page’s edge', () => {
    expect(regionOf({ c0: 1, r0: 2, c1: 3, r1: 4 }, 0.8, 10_000, 10_000)).toEqual({ scale: 0.8, x: CELL, y: 2 * CELL, width: 2 * CELL, height: 2 * CELL })
    expect(regionOf({ c0: 0, r0: 0, c1: 3, r1: 1 }, 0.8, 300, 100)).toEqual({ scale: 0.8, x: 0, y: 0, width: 300, height: 100 })
  })
})
