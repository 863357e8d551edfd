// @ts-check
// The last resort: everything not yet on the server (ops, refused ones included, the local view
// of each inspection they touch, photos and signatures not uploaded, and kept requests such as
// fix reports, failed ones included) as one JSON file. A photo's camera original not yet sent is
// evidence too: it goes with its light version's hash (light_sha256), and the light version with
// its chain of custody (the capture hash, time, device, position).
import { localView } from '../model/inspection.js'

/** @typedef {import('idb').IDBPDatabase<any>} DB */

/** @param {Blob} blob */
async function base64(blob) {
  const bytes = new Uint8Array(await blob.arrayBuffer())
  let text = ''
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(text)
}

/** The export's content. @param {DB} db @param {number} [now] */
export async function unsyncedData(db, now = Date.now()) {
  const ops = (await db.getAll('outbox')).filter((r) => r.state !== 'acked')
  const blobs = (await db.getAll('blobs')).filter((b) => b.state !== 'uploaded')
  const requests = (await db.getAll('requests')).sort((a, b) => a.created_at - b.created_at)
  const ids = [...new Set([...ops, ...blobs, ...requests].map((r) => r.inspection_id))]
  const inspections = []
  for (const id of ids) {
    const record = await db.get('docs', id)
    const records = await db.getAllFromIndex('outbox', 'inspection_id', id)
    const view = localView(record?.view || null, records)
    if (view) inspections.push(view)
  }
  const meta = {
    client_id: await db.get('meta', 'client_id'),
    user: await db.get('meta', 'user'),
    checkpoint: await db.get('meta', 'checkpoint'),
  }
  return {
    format: 'xunjian-unsynced/1',
    exported_at: new Date(now).toISOString(),
    ...meta,
    ops: ops.map((r) => ({ ...r.op, state: r.state, problem: r.problem || null, created_at: new Date(r.created_at).toISOString() })),
    inspections,
    requests: requests.map((r) => ({
      kind: r.kind,
      method: 'POST',
      path: r.path,
      body: r.body,
      finding_id: r.finding_id,
      inspection_id: r.inspection_id,
      state: r.state,
      problem: r.problem || null,
      created_at: new Date(r.created_at).toISOString(),
    })),
    evidence: await Promise.all(
      blobs.map(async (b) => ({
        sha256: b.sha256,
        kind: b.kind,
        media_type: b.media_type,
        inspection_id: b.inspection_id,
        path: b.path,
        size: b.size,
        ...(b.role === 'original' ? { role: 'original', light_sha256: b.light_sha256 } : {}),
        ...(b.custody ? { custody: b.custody } : {}),
        base64: await base64(b.blob),
      })),
    ),
  }
}

/** Offer the export as a download. @param {DB} db */
export async function downloadUnsynced(db) {
  const data = await unsyncedData(db)
  const text = JSON.stringify(data, (key, value) => (key === 'hlc' ? String(value) : value), 1)
  const blob = new Blob([text], { type: 'application/json' })
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = `xunjian-unsynced-${data.exported_at.replace(/[:.]/g, '-')}.json`
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
  return data
}
