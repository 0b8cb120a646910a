// The types of real-sdk.mjs, for the TypeScript scripts that provide the real SDK (the demo).
export type Provided = { ok: true; venv: string; marker: string } | { ok: false; reason: string }
export function provideWandb030(): Provided
export const LEGACY_VERSIONS: string[]
export function legacyVenv(version: string): string
export function provideWandbLegacy(version: string): Provided
