/** Display formatting (pure). */
import type { MetricLabel } from '../../../common/metrics/labels'

/** Seconds as h:mm:ss.mmm (the frame's real presentation timestamp); '–' when not finite. */
export function formatPts(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–'
  const sign = seconds < 0 ? '-' : ''
  const ms = Math.round(Math.abs(seconds) * 1000)
  const h = Math.floor(ms / 3_600_000)
  const m = Math.floor(ms / 60_000) % 60
  const s = Math.floor(ms / 1000) % 60
  const milli = ms % 1000
  return `${sign}${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(milli).padStart(3, '0')}`
}

/** A short duration for ETAs and ruler labels: 42s, 3m 05s, 1h 02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–'
  const s = Math.round(seconds)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`
  return `${Math.floor(s / 3600)}h ${String(Math.floor(s / 60) % 60).padStart(2, '0')}m`
}

/** A 0–1 share as a percentage to 3 significant digits: 100 %, 12.5 %, 0.25 %. */
export const formatShare = (v: number): string => `${Number((100 * v).toPrecision(3))} %`

/**
 * A metric value for tables: integers with thousands separators, others to 4 significant digits;
 * a `share` as a percentage, `flops` in TFLOPs, a `speedup` as ×.
 */
export function formatMetric(v: number | string | null | undefined, unit?: MetricLabel['unit']): string {
  if (v === null || v === undefined) return '–'
  if (typeof v === 'string') return v
  if (!Number.isFinite(v)) return String(v)
  if (unit === 'share') return formatShare(v)
  if (unit === 'flops') return `${Number((v / 1e12).toPrecision(4))} TFLOPs`
  if (unit === 'speedup') return `${Number(v.toPrecision(3))}×`
  if (Number.isInteger(v)) return v.toLocaleString('en-US')
  return Number(v.toPrecision(4)).toString()
}

/** The user-facing message of anything thrown across the API (ApiError, Error, string). */
export function errorMessage(e: unknown): string {
  if (typeof e === 'string') return e
  if (e && typeof e === 'object' && 'message' in e && typeof (e as { message: unknown }).message === 'string') {
    return (e as { message: string }).message
  }
  return 'Something went wrong (no details were given).'
}
