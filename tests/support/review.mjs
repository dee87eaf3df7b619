// Drawing review set up through the central API, as an applicant would do it in the portal:
// a generated set uploaded, its sheet list confirmed, the round submitted; replies and the
// next round. Shared by the browser and desktop suites that start from a submitted project.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { required } from './env.mjs'
import { apiClient } from './server.mjs'

/**
 * Writes a generated set (the revised round of the same seed with `revised`, its first drawing
 * sheet with `heavyFirstSheet` segments when given); its folder and manifest.
 */
export function drawingSet({ seed, perSpecialty, segments, revised = false, heavyFirstSheet = null }) {
  const dir = mkdtempSync(join(tmpdir(), 'onetrip-set-'))
  const args = ['--out', dir, '--seed', String(seed), '--per-specialty', perSpecialty, '--segments', String(segments)]
  if (revised) args.push('--revised')
  if (heavyFirstSheet) args.push('--heavy-first-sheet', String(heavyFirstSheet))
  execFileSync(required('ONETRIP_DRAWING_SET_BIN'), args)
  return { dir, manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) }
}

/** An applicant of a new organisation, created by the admin; the session token. */
export async function applicant(base, username) {
  const { api, login } = apiClient(base)
  const admin = await login('admin')
  await api('POST', '/applicants', admin, {
    username, password: 'Jianshe@2026', display_name: '王经办', organisation_name: '玉环市城市建设投资有限公司',
    credit_code: '91330000MA2ABCDE1L', phone: '13805761234',
  })
  return (await api('POST', '/auth/login', null, { username, password: 'Jianshe@2026' })).token
}

/** Uploads the set's files into the round, confirms the sheets as read and submits. */
export async function submitRound(base, token, round, set) {
  const { api } = apiClient(base)
  const portal = (kind, payload) => api('POST', '/portal/commands', token, { id: crypto.randomUUID(), kind, payload })
  for (const name of set.manifest.files) {
    const bytes = readFileSync(join(set.dir, name))
    const upload = await api('POST', '/portal/uploads', token, { round_id: round, file_name: name, size: bytes.length })
    const response = await fetch(`${base}/api/portal/uploads/${upload.id}`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${token}`, 'Upload-Offset': '0', 'Content-Type': 'application/octet-stream' },
      body: bytes,
    })
    assert.equal((await response.json()).state, 'done')
  }
  const projects = await api('GET', '/portal/projects', token)
  for (const project of projects) {
    const view = await api('GET', `/portal/projects/${project.id}`, token)
    const found = view.rounds.find((r) => r.round.id === round)
    if (!found) continue
    const sheets = found.sheets.map((s) => ({ sheet_id: s.id, number: s.number, title: s.title }))
    await portal('confirm_sheets', { round_id: round, sheets })
    await portal('submit_round', { round_id: round })
    return
  }
  assert.fail(`round ${round} is in none of the applicant's projects`)
}

/** Registers a project with the five common specialties and submits `set` as its first round. */
export async function submittedProject(base, token, set, name = '玉环市人民医院门诊楼') {
  const { api } = apiClient(base)
  const project = crypto.randomUUID()
  const round = crypto.randomUUID()
  const code = `2026-331021-47-02-${String(Date.now() % 1000000).padStart(6, '0')}`
  await api('POST', '/portal/commands', token, {
    id: crypto.randomUUID(),
    kind: 'register_project',
    payload: {
      id: project, code, name, builder: '玉环市卫生健康局', designer: '浙江省建筑设计研究院', town: '玉城街道',
      kind: 'public', floor_area_m2: '18600',
      specialties: ['architecture', 'structure', 'plumbing', 'hvac', 'electrical'], first_round_id: round,
    },
  })
  await submitRound(base, token, round, set)
  return { project, code, round }
}

/** The applicant answers every open opinion 已修改 on its sheet and opens the next round; its id. */
export async function replyAndOpen(base, token, project) {
  const { api } = apiClient(base)
  const portal = (kind, payload) => api('POST', '/portal/commands', token, { id: crypto.randomUUID(), kind, payload })
  const view = await api('GET', `/portal/projects/${project}`, token)
  for (const opinion of view.opinions.filter((o) => o.state === 'open')) {
    await portal('reply_opinion', {
      opinion_id: opinion.id,
      reply: { kind: 'changed', sheets: [opinion.sheet_number] },
      text: '已按意见修改',
    })
  }
  const round = crypto.randomUUID()
  await portal('open_round', { project_id: project, round_id: round })
  return round
}
