// @ts-check
// What is not on the server yet, in people's terms: the inspections with edits not sent (or
// refused), the photos and signatures not uploaded (with the bytes left), and the fix reports
// kept for sending, each with its state. Derived from the outbox, blobs and requests stores and
// the last sync status; no IndexedDB and no DOM here.

/**
 * @typedef {'offline'|'waiting'|'sending'|'refused'} UnsentState
 * @typedef {{
 *   key: string, kind: 'inspection'|'photo'|'signature'|'fix', inspection_id: string, state: UnsentState,
 *   detail: string, created_at: number, ops?: number, bytes?: number, bytes_left?: number, path?: string,
 * }} UnsentEntry
 * @typedef {{
 *   inspections: UnsentEntry[], photos: UnsentEntry[], signatures: UnsentEntry[], fixes: UnsentEntry[],
 *   bytes_left: number, upload: {done: number, total: number}|null,
 * }} Unsent
 */

/** The words of a refusal: the problem's detail, else its title, else its type. @param {any} problem */
export function refusalText(problem) {
  return String(problem?.detail || problem?.title || problem?.type || '')
}

/**
 * @param {{ops: any[], blobs: any[], requests?: any[], status?: {phase?: string, uploaded?: number, upload_total?: number}, online?: boolean}} input
 * @returns {Unsent}
 */
export function unsentModel({ ops, blobs: held, requests = [], status = {}, online = true }) {
  // camera originals follow their light versions when the network allows (Wi-Fi, the inspector's
  // leave, or the checklist's rule): the form is on the server without them, so they are not unsent
  const blobs = held.filter((b) => b.role !== 'original')
  const phase = status.phase || 'idle'
  const quiet = !online || phase === 'offline' ? 'offline' : 'waiting'
  /** @param {string} during @returns {UnsentState} */
  const moving = (during) => (phase === during ? 'sending' : quiet)
  return {
    inspections: inspections(ops, moving('push')),
    photos: evidence(blobs, 'photo', moving('upload')),
    signatures: signatures(ops, blobs, moving('upload')),
    fixes: requests.map((r) => ({
      key: `fix:${r.id}`,
      kind: /** @type {const} */ ('fix'),
      inspection_id: r.inspection_id,
      state: r.state === 'failed' ? /** @type {const} */ ('refused') : quiet,
      detail: r.state === 'failed' ? refusalText(r.problem) : '',
      created_at: r.created_at,
    })),
    bytes_left: blobs.filter((b) => b.state !== 'uploaded' && b.state !== 'refused').reduce((n, b) => n + left(b), 0),
    upload: phase === 'upload' && status.upload_total ? { done: status.uploaded || 0, total: status.upload_total } : null,
  }
}

/** @param {any} blob */
function left(blob) {
  const size = blob.size ?? blob.blob?.size ?? 0
  return Math.max(0, size - (blob.offset || 0))
}

/** One entry per inspection with ops not acknowledged; refused when any was refused. @param {any[]} ops @param {UnsentState} moving */
function inspections(ops, moving) {
  /** @type {Map<string, UnsentEntry>} */
  const out = new Map()
  for (const r of ops) {
    if (r.state === 'acked') continue
    const entry = out.get(r.inspection_id) || {
      key: `inspection:${r.inspection_id}`, kind: /** @type {const} */ ('inspection'), inspection_id: r.inspection_id,
      state: moving, detail: '', created_at: r.created_at, ops: 0,
    }
    entry.ops = (entry.ops || 0) + 1
    entry.created_at = Math.min(entry.created_at, r.created_at)
    if (r.state === 'rejected' && entry.state !== 'refused') {
      entry.state = 'refused'
      entry.detail = refusalText(r.problem)
    }
    out.set(r.inspection_id, entry)
  }
  return [...out.values()]
}

/** Blobs of a kind not on the server. @param {any[]} blobs @param {'photo'|'signature'} kind @param {UnsentState} moving */
function evidence(blobs, kind, moving) {
  return blobs
    .filter((b) => b.kind === kind && b.state !== 'uploaded')
    .map((b) => ({
      key: `${kind}:${b.sha256}`,
      kind,
      inspection_id: b.inspection_id,
      path: b.path,
      state: blobState(b, moving),
      detail: b.state === 'refused' ? refusalText(b.problem) : '',
      created_at: b.created_at,
      bytes: b.size ?? b.blob?.size ?? 0,
      bytes_left: left(b),
    }))
}

/**
 * Refused for good; or, while an upload runs, sending (the one begun) or waiting its turn; else
 * as everything else (offline, waiting). @param {any} blob @param {UnsentState} moving @returns {UnsentState}
 */
function blobState(blob, moving) {
  if (blob.state === 'refused') return 'refused'
  if (moving !== 'sending') return moving
  return blob.state === 'uploading' ? 'sending' : 'waiting'
}

/**
 * Signatures not on the server: a signature image not uploaded, or a signing (or refusal) not
 * acknowledged; one per inspection and item. @param {any[]} ops @param {any[]} blobs @param {UnsentState} moving
 */
function signatures(ops, blobs, moving) {
  /** @type {Map<string, UnsentEntry>} */
  const out = new Map()
  for (const entry of evidence(blobs, 'signature', moving)) out.set(`${entry.inspection_id}/${entry.path}`, entry)
  for (const r of ops) {
    if (r.state === 'acked' || r.op?.kind !== 'sign') continue
    const at = `${r.inspection_id}/${r.op.path}`
    const held = out.get(at)
    const refused = r.state === 'rejected'
    if (held && !refused) continue
    out.set(at, {
      key: `signature:${at}`, kind: 'signature', inspection_id: r.inspection_id, path: r.op.path,
      state: refused ? 'refused' : held?.state || (moving === 'sending' ? 'waiting' : moving), detail: refused ? refusalText(r.problem) : '',
      created_at: r.created_at, bytes: held?.bytes, bytes_left: held?.bytes_left,
    })
  }
  return [...out.values()]
}

/** How many of each, for the badge. @param {Unsent} unsent */
export function unsentCounts(unsent) {
  return {
    inspections: unsent.inspections.length,
    photos: unsent.photos.length,
    signatures: unsent.signatures.length,
    fixes: unsent.fixes.length,
  }
}

/** Whole, readable sizes: "1.2 MB", "340 KB". @param {number} bytes */
export function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.ceil(bytes / 1024)} KB`
  return `${bytes} B`
}
