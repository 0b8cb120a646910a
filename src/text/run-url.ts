// Where a run is seen in the W&B app, derived as the SDK's wandb.util.api_to_app_url does.

/** The app (UI) URL for an API URL; WANDB_APP_URL overrides it. */
export function appUrl(baseUrl: string, override?: string): string {
  if (override?.trim()) return override.trim().replace(/\/+$/, '')
  const api = baseUrl.replace(/\/+$/, '')
  if (api.includes('://api.wandb.test')) return api.replace('://api.', '://app.')
  if (api.includes('://api.wandb.')) return api.replace('://api.', '://')
  if (api.includes('://api.')) return api.replace('://api.', '://app.')
  return api
}

export function runUrl(app: string, entity: string, project: string, runId: string): string {
  const segment = (s: string) => encodeURIComponent(s)
  return `${app}/${segment(entity)}/${segment(project)}/runs/${segment(runId)}`
}
