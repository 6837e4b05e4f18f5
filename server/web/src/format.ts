// Display helpers: times in UTC (the data's reference; stations span time zones), QC flags.

export function utc(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/:\d{2}\.\d{3}Z$/, ' UTC')
}

export function dateInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** OceanSITES reference table 2 in words, with a class for the badge colour. */
export function qcLabel(flag: number): { text: string; cls: string } {
  switch (flag) {
    case 1:
      return { text: 'good', cls: 'qc-good' }
    case 2:
      return { text: 'probably good', cls: 'qc-good' }
    case 3:
      return { text: 'suspect', cls: 'qc-suspect' }
    case 4:
      return { text: 'bad', cls: 'qc-bad' }
    case 9:
      return { text: 'missing', cls: 'qc-bad' }
    default:
      return { text: 'not checked', cls: 'qc-none' }
  }
}

export function value(v: number | null, unit: string): string {
  if (v === null) return '—'
  const digits = Math.abs(v) >= 100 ? 1 : Math.abs(v) >= 10 ? 2 : 3
  return `${v.toFixed(digits)} ${unit}`
}

/** Escapes text for innerHTML templates. */
export function h(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
