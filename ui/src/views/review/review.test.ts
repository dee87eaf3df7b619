import { describe, expect, it } from 'vitest'
import type { ProjectView } from '../../bindings/ProjectView'
import { regionBoxes, releasedRounds } from './review'
import { thumbScale } from './thumbnails'
import { pdfAssetOptions } from './pdfAssets'

const round = (number: number) => ({ round: { id: `r${number}`, number } })
const opinion = (code: string, roundId: string, released: number | null) => ({ code, round_id: roundId, released_at_ms: released })

describe('rounds with an opinion letter', () => {
  it('counts the rounds opinions were released on and raised in, not drafts', () => {
    const view = {
      rounds: [round(1), round(2), round(3)],
      opinions: [
        // Raised in round 1, carried into round 2 and released there.
        opinion('建-R1-01', 'r2', 1),
        opinion('结-R2-01', 'r2', 2),
        // A draft of round 3 makes no letter.
        opinion('建-R3-01', 'r3', null),
      ],
    } as unknown as ProjectView
    expect(releasedRounds(view)).toEqual([1, 2])
  })

  it('has none before anything is released', () => {
    expect(releasedRounds({ rounds: [round(1)], opinions: [opinion('建-R1-01', 'r1', null)] } as unknown as ProjectView)).toEqual([])
  })
})

describe('changed regions on the overlay image', () => {
  it('turns PDF points from the bottom into pixels from the top', () => {
    // A 720 pt tall page at 100 dpi is 1000 px tall; a region 72 pt square at (72, 72).
    const [box] = regionBoxes([[720, 720, 1440, 1440]], 1000, 100)
    expect(box.x).toBeCloseTo(100)
    expect(box.w).toBeCloseTo(100)
    expect(box.h).toBeCloseTo(100)
    expect(box.y).toBeCloseTo(800)
  })
})

describe('thumbnail scale', () => {
  it('draws an A1 sheet 96 px wide, sharper on a high-density screen', () => {
    // A1 landscape is 2384 pt wide.
    expect(thumbScale(2384, 96, 1) * 2384).toBeCloseTo(96)
    expect(thumbScale(2384, 96, 2) * 2384).toBeCloseTo(192)
    expect(thumbScale(0, 96, 1)).toBe(1)
  })
})

describe('pdf.js assets', () => {
  it('sit beside the page in the desktop and on the central API, wherever the page is', () => {
    expect(pdfAssetOptions('tauri://localhost/index.html#/review/x').cMapUrl).toBe('tauri://localhost/pdfjs/cmaps/')
    expect(pdfAssetOptions('http://10.1.2.3:8480/#/review/x').standardFontDataUrl).toBe('http://10.1.2.3:8480/pdfjs/standard_fonts/')
    expect(pdfAssetOptions('http://10.1.2.3:8480/').cMapPacked).toBe(true)
  })
})
