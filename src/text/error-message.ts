// How a thrown value reads in a message: anything may be thrown, and every message is one line.

/** Any thrown value, Error or not, as one line. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error) ?? String(error)
  } catch {
    return String(error)
  }
}
