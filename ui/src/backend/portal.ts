// The applicant portal's calls to the central API: sign-up, projects, the portal's commands,
// and resumable uploads that go on from where the server stands after a dropped connection.
import type { ApplicantProfile } from '../bindings/ApplicantProfile'
import type { ApplicantSignUp } from '../bindings/ApplicantSignUp'
import type { Command } from '../bindings/Command'
import type { CommandOutcome } from '../bindings/CommandOutcome'
import type { Project } from '../bindings/Project'
import type { ProjectView } from '../bindings/ProjectView'
import type { Registration } from '../bindings/Registration'
import type { UploadLimits } from '../bindings/UploadLimits'
import type { UploadStatus } from '../bindings/UploadStatus'
import { acceptedOutcome, isApiError } from './errors'
import type { ApiError } from './types'
import { TOKEN_KEY, documentPath, exportPath, type HttpClient } from './web'
import { downloadAndSave, saveInBrowser } from './download'
import type { ExportForm } from '../bindings/ExportForm'
import type { ReviewDocument } from '../bindings/ReviewDocument'
import type { ConditionTemplate } from '../bindings/ConditionTemplate'
import type { Material } from '../bindings/Material'
import type { MaterialFile } from '../bindings/MaterialFile'
import type { PermitApplication } from '../bindings/PermitApplication'

/** Bytes sent per request: a dropped connection costs at most this much again. */
export const CHUNK_BYTES = 4 * 1024 * 1024
/** Attempts in a row without progress before an upload gives up. */
const ATTEMPTS = 6

export interface UploadProgress {
  sent: number
  total: number
}

/** Sends `chunk` at `offset`, reporting bytes as they leave; the server's status after it. */
export type SendChunk = (
  url: string,
  token: string | null,
  language: string,
  offset: number,
  chunk: Blob,
  onSent: (bytes: number) => void,
  signal?: AbortSignal,
) => Promise<{ status: number; body: unknown }>

/** A chunk over XMLHttpRequest, which, unlike fetch, reports upload progress. */
export const sendWithXhr: SendChunk = (url, token, language, offset, chunk, onSent, signal) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('PATCH', url)
    xhr.setRequestHeader('Upload-Offset', String(offset))
    xhr.setRequestHeader('Content-Type', 'application/octet-stream')
    xhr.setRequestHeader('Accept-Language', language)
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (event) => onSent(event.loaded)
    xhr.onload = () => {
      let body: unknown = null
      try {
        body = JSON.parse(xhr.responseText)
      } catch {
        // Not JSON: judged by the status alone.
      }
      resolve({ status: xhr.status, body })
    }
    xhr.onerror = () => reject(new Error('network'))
    xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort())
    xhr.send(chunk)
  })

export interface PortalBackend {
  signUp(request: ApplicantSignUp): Promise<Registration>
  me(): Promise<ApplicantProfile>
  projects(): Promise<Project[]>
  project(id: string): Promise<ProjectView>
  limits(): Promise<UploadLimits>
  sendCommand(command: Command): Promise<CommandOutcome>
  /** Saves a round's opinion letter or the certificate through the browser; its file name. */
  saveDocument(projectId: string, document: ReviewDocument, round: number | null): Promise<string>
  /** Saves a round's file with the released opinions' markups; its file name. */
  exportFile(fileId: string, form: ExportForm): Promise<string>
  /** The organisation's drainage permit applications, newest first. */
  permitApplications(): Promise<PermitApplication[]>
  /** Each industry's condition template: what an application needs. */
  permitTemplates(): Promise<ConditionTemplate[]>
  /** Uploads one material (a PDF or a scan) of an application; refused with the reason when
   * it is not a PDF, JPG or PNG, is cut short, or is too large. */
  uploadMaterial(kind: Material, file: Blob, name: string): Promise<MaterialFile>
  /**
   * Uploads `file` into the round, resuming after dropped connections from what the server
   * has; resolves with the final status (done, or refused by intake with the reason).
   */
  upload(
    roundId: string,
    file: Blob,
    name: string,
    onProgress: (progress: UploadProgress) => void,
    signal?: AbortSignal,
  ): Promise<UploadStatus>
}

export function createPortalBackend(
  http: HttpClient,
  language: () => string,
  sendChunk: SendChunk = sendWithXhr,
  pause: (ms: number) => Promise<void> = (ms) => new Promise((done) => setTimeout(done, ms)),
  save: (blob: Blob, fileName: string) => void = saveInBrowser,
): PortalBackend {
  const { request } = http
  return {
    signUp: (body) => request<Registration>('POST', '/portal/sign-up', body),
    me: () => request<ApplicantProfile>('GET', '/portal/me'),
    projects: () => request<Project[]>('GET', '/portal/projects'),
    project: (id) => request<ProjectView>('GET', `/portal/projects/${encodeURIComponent(id)}`),
    limits: () => request<UploadLimits>('GET', '/portal/limits'),
    saveDocument: async (project, document, round) =>
      (await downloadAndSave(http, documentPath('portal', project, document, round), `${document}.pdf`, save)).fileName,
    exportFile: async (file, form) =>
      (await downloadAndSave(http, exportPath('portal', file, form), `export.${form === 'xfdf' ? 'xfdf' : 'pdf'}`, save)).fileName,
    permitApplications: () => request<PermitApplication[]>('GET', '/portal/permit-applications'),
    permitTemplates: () => request<ConditionTemplate[]>('GET', '/portal/permit-templates'),
    async uploadMaterial(kind, file, name) {
      const query = new URLSearchParams({ kind, name })
      const headers: Record<string, string> = {
        Accept: 'application/json',
        'Accept-Language': language(),
        'Content-Type': 'application/octet-stream',
      }
      const token = http.storage.getItem(TOKEN_KEY)
      if (token) headers.Authorization = `Bearer ${token}`
      let response: Response
      try {
        response = await fetch(`${http.origin}/api/portal/materials?${query}`, { method: 'POST', headers, body: file })
      } catch {
        throw http.offline()
      }
      const body: unknown = await response.json().catch(() => null)
      if (!response.ok) throw isApiError(body) ? body : http.offline()
      return body as MaterialFile
    },
    sendCommand: async (command) =>
      acceptedOutcome(await request<CommandOutcome>('POST', '/portal/commands', command)),
    async upload(roundId, file, name, onProgress, signal) {
      let status = await request<UploadStatus>('POST', '/portal/uploads', {
        round_id: roundId,
        file_name: name,
        size: file.size,
      })
      const url = `${http.origin}/api/portal/uploads/${status.id}`
      let failures = 0
      onProgress({ sent: status.received, total: file.size })
      while (status.state === 'receiving') {
        const offset = status.received
        const chunk = file.slice(offset, Math.min(offset + CHUNK_BYTES, file.size))
        try {
          const answer = await sendChunk(
            url,
            http.storage.getItem(TOKEN_KEY),
            language(),
            offset,
            chunk,
            (bytes) => onProgress({ sent: offset + bytes, total: file.size }),
            signal,
          )
          if (answer.status >= 200 && answer.status < 300) {
            status = answer.body as UploadStatus
            failures = 0
            onProgress({ sent: status.received, total: file.size })
            continue
          }
          const refusal = answer.body
          // The server's refusal stands, unless it only says where to go on from.
          if (!(isApiError(refusal) && refusal.reason === 'upload_offset')) {
            throw isApiError(refusal) ? refusal : http.offline()
          }
          status = await request<UploadStatus>('GET', `/portal/uploads/${status.id}`)
        } catch (error) {
          const lostConnection = !isApiError(error) || error.code === 'offline'
          if (signal?.aborted || !lostConnection) throw error
          failures += 1
          if (failures >= ATTEMPTS) throw http.offline() satisfies ApiError
          await pause(Math.min(1000 * 2 ** (failures - 1), 8000))
          try {
            // Where does the server stand now? Go on from there.
            status = await request<UploadStatus>('GET', `/portal/uploads/${status.id}`)
          } catch {
            // Still unreachable: the next attempt asks again.
          }
        }
      }
      return status
    },
  }
}

let current: PortalBackend | null = null

export function setPortalBackend(backend: PortalBackend): void {
  current = backend
}

export function usePortalBackend(): PortalBackend {
  if (!current) throw new Error('portal backend not initialised')
  return current
}
