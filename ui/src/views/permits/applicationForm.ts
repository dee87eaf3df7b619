// The application form's fields as people fill them in, shared by the portal and the window,
// and the draft the server is sent.

import type { ApplicationDraft } from '../../bindings/ApplicationDraft'
import type { Industry } from '../../bindings/Industry'
import type { Material } from '../../bindings/Material'
import type { MaterialFile } from '../../bindings/MaterialFile'
import type { Outfall } from '../../bindings/Outfall'
import type { Pretreatment } from '../../bindings/Pretreatment'

export interface DischargeForm {
  name: string
  idKind: 'organisation' | 'person'
  idNumber: string
  legalRepresentative: string
  address: string
  town: string
  industry: Industry
  phone: string
  outfalls: Outfall[]
  /** m³ a day as typed. */
  volume: string
  pollutants: string[]
  pretreatment: Pretreatment[]
  samplingWell: boolean
}

export function blankDischargeForm(): DischargeForm {
  return {
    name: '',
    idKind: 'organisation',
    idNumber: '',
    legalRepresentative: '',
    address: '',
    town: '',
    industry: 'catering',
    phone: '',
    outfalls: [{ code: 'WS-01', location: '', receiving: '' }],
    volume: '',
    pollutants: [],
    pretreatment: [],
    samplingWell: false,
  }
}

/** The draft of a filled-in form; outfall rows left empty are dropped. */
export function draftOf(
  form: DischargeForm,
  litres: number,
  materials: { files: MaterialFile[]; paper?: Material[]; caseId?: string },
): ApplicationDraft {
  return {
    id: crypto.randomUUID(),
    case_id: materials.caseId,
    discharger: {
      name: form.name,
      id: { kind: form.idKind, value: form.idNumber },
      legal_representative: form.legalRepresentative,
      address: form.address,
      town: form.town,
      industry: form.industry,
      contact_phone: form.phone,
    },
    outfalls: form.outfalls.filter((o) => o.code.trim() || o.location.trim() || o.receiving.trim()),
    daily_volume_litres: litres,
    pollutants: form.pollutants,
    pretreatment: form.pretreatment,
    sampling_well: form.samplingWell,
    materials: materials.files,
    paper_materials: materials.paper ?? [],
  }
}
