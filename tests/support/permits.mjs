// Drainage-permit applications as tests give them: real credit codes and complete drafts.

/** A unified social credit code (GB 32100-2015) from its first 17 characters. */
export function creditCode(first17) {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY'
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
  const sum = [...first17].reduce((total, c, i) => total + alphabet.indexOf(c) * weights[i], 0)
  return first17 + alphabet[(31 - (sum % 31)) % 31]
}

/**
 * A restaurant's application as the window registers it, its materials handed in on paper
 * (一表一图一承诺): shop `n` of `town`, with the pretreatment given.
 */
export function windowApplication({ n, town, name = `清港${n}号面馆`, pretreatment = ['grease_trap'] }) {
  return {
    id: crypto.randomUUID(),
    discharger: {
      name,
      id: { kind: 'organisation', value: creditCode(`91331021MA2H7XY${n}0`) },
      legal_representative: '陈小华',
      address: `${town}兴港路 ${100 + n} 号`,
      town,
      industry: 'catering',
      contact_phone: '13905761234',
    },
    outfalls: [{ code: 'WS-01', location: '店后', receiving: '兴港路污水管' }],
    daily_volume_litres: 1800,
    pollutants: ['COD', '动植物油'],
    pretreatment,
    sampling_well: false,
    materials: [],
    paper_materials: ['application_form', 'drainage_drawing', 'separation_pledge', 'water_quality_pledge'],
  }
}
