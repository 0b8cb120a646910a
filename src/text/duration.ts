// Durations as people read them, in the log's progress lines and in messages and the summary.

export function formatDuration(seconds: number): string {
  const total = Math.round(seconds)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`
  if (m) return `${m}m ${String(s).padStart(2, '0')}s`
  return seconds < 10 ? `${seconds.toFixed(1)}s` : `${s}s`
}
