// @ts-check
// Talking to the server: JSON requests with the bearer token, problems (RFC 9457) as errors.
// Callers branch on the problem's type name, never on its text.

export const PROBLEM_PREFIX = 'urn:xunjian:problem:'

/** A problem response from the server. */
export class ApiError extends Error {
  /** @param {number} status @param {any} problem */
  constructor(status, problem) {
    super(problem?.detail || `HTTP ${status}`)
    this.status = status
    this.problem = problem || {}
    this.name = 'ApiError'
  }

  /** The problem type's short name, e.g. "unauthorized". */
  get type() {
    return problemName(this.problem)
  }
}

/** The request never got an answer (offline, cut connection). */
export class NetworkError extends Error {
  /** @param {unknown} cause */
  constructor(cause) {
    super('network unavailable')
    this.name = 'NetworkError'
    this.cause = cause
  }
}

/** @param {any} problem */
export function problemName(problem) {
  const type = String(problem?.type || '')
  return type.startsWith(PROBLEM_PREFIX) ? type.slice(PROBLEM_PREFIX.length) : type
}

/**
 * Send a request; the body, when not a string or Blob, is sent as JSON.
 * Returns the Response for 2xx; throws ApiError (problem) or NetworkError.
 * @param {string} path
 * @param {{method?: string, token?: string|null, body?: any, headers?: Record<string, string>, signal?: AbortSignal}} [options]
 */
export async function send(path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...(options.headers || {}) }
  if (options.token) headers.Authorization = `Bearer ${options.token}`
  let body = options.body
  if (body !== undefined && typeof body !== 'string' && !(body instanceof Blob)) {
    body = JSON.stringify(body)
    headers['Content-Type'] = 'application/json'
  } else if (typeof body === 'string' && !headers['Content-Type']) {
    headers['Content-Type'] = 'application/json'
  }
  let response
  try {
    response = await fetch(path, { method: options.method || 'GET', headers, body, signal: options.signal, cache: 'no-store' })
  } catch (error) {
    throw new NetworkError(error)
  }
  if (!response.ok) {
    let problem = null
    try {
      problem = await response.json()
    } catch {
      problem = { type: 'about:blank', title: response.statusText, status: response.status }
    }
    throw new ApiError(response.status, problem)
  }
  return response
}

/** GET/POST JSON and decode the answer. @param {string} path @param {Parameters<typeof send>[1]} [options] */
export async function json(path, options) {
  const response = await send(path, options)
  return response.json()
}

/** The URL of the next page from a listing's Link header (rel="next", RFC 8288), or null. @param {string|null} link */
export function nextLink(link) {
  for (const part of (link || '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part)
    if (match) return match[1]
  }
  return null
}
