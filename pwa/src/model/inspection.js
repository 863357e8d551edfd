// @ts-check
// What the inspector sees of one inspection: the server's document with this device's
// unconfirmed ops on top (refused ones left out), shaped as the server shapes answers
// (sync/document.py answers_of): groups as {entry_uuid: {item: value}}, cleared answers absent,
// photo lists kept even when empty. Pure functions.

/**
 * @param {any|null} serverView the InspectionView from the last pull, or null
 * @param {any[]} records outbox records of this inspection, oldest first
 */
export function localView(serverView, records) {
  const create = records.find((r) => r.op.kind === 'create')
  if (!serverView && !create) return null
  const base = serverView
    ? structuredClone(serverView)
    : {
        id: create.inspection_id,
        site_id: create.op.site_id,
        checklist_id: create.op.checklist_id,
        version: create.op.version,
        inspector_id: '',
        status: 'draft',
        created_at: new Date(create.created_at).toISOString(),
        updated_at: new Date(create.created_at).toISOString(),
        updated_seq: 0,
        answers: {},
        fields: {},
        entries: {},
        comments: [],
        conflicts: [],
        failed_items: [],
        reason: '',
        notes: {},
      }
  const answers = base.answers
  const pendingPaths = new Set()
  for (const record of records) {
    if (record.state === 'rejected') continue
    const op = record.op
    for (const path of applyOp(answers, op, base, record.drop)) pendingPaths.add(path)
  }
  base.pending_paths = [...pendingPaths]
  base.local_only = !serverView
  return base
}

/**
 * A `set` op's body: one answer in the answers map, with the version it was based on (if any).
 * @param {string} path @param {any} value @param {number} baseFv
 */
export function setBody(path, value, baseFv) {
  return baseFv ? { answers: { [path]: value }, base: { [path]: baseFv } } : { answers: { [path]: value } }
}

/**
 * A `set` op's answers as [path, value] pairs, from its map or the list form of earlier builds
 * (outboxes and op logs may hold either).
 * @param {any} op @returns {[string, any][]}
 */
export function setPairs(op) {
  if (op.changes) return op.changes.map((/** @type {any} */ c) => [c.path, c.value])
  return Object.entries(op.answers || {})
}

/**
 * Apply one op to answers (and status); returns the paths it touched. `drop`: for a move to a
 * newer checklist version (`upgrade`), the answers it could not carry (model/carry.js), taken out.
 * @param {Record<string, any>} answers @param {any} op @param {any} doc @param {string[]} [drop]
 */
export function applyOp(answers, op, doc, drop = []) {
  switch (op.kind) {
    case 'set': {
      const pairs = setPairs(op)
      for (const [path, value] of pairs) setPath(answers, path, value)
      return pairs.map(([path]) => path)
    }
    case 'add_entry': {
      const entries = (answers[op.group] ||= {})
      entries[op.entry_id] ||= {}
      return [`${op.group}/${op.entry_id}`]
    }
    case 'remove_entry': {
      const entries = answers[op.group]
      if (entries) {
        delete entries[op.entry_id]
        if (Object.keys(entries).length === 0) delete answers[op.group]
      }
      return [`${op.group}/${op.entry_id}`]
    }
    case 'attach': {
      const list = getPath(answers, op.path)
      const photos = Array.isArray(list) ? [...list] : []
      if (!photos.includes(op.sha256)) photos.push(op.sha256)
      setPath(answers, op.path, photos)
      return [op.path]
    }
    case 'detach': {
      const list = getPath(answers, op.path)
      if (Array.isArray(list)) setPath(answers, op.path, list.filter((s) => s !== op.sha256))
      return [op.path]
    }
    case 'sign':
      setPath(answers, op.path, op.value)
      return [op.path]
    case 'transition':
      doc.status = op.to
      return ['status']
    case 'delete':
      doc.status = 'deleted'
      return ['status']
    case 'note': {
      // the inspector's note beside an item (not an answer): text and voice memo; the later one wins
      // whole, and empty text with no memo removes it
      const notes = (doc.notes ||= {})
      const text = String(op.text || '').trim()
      if (text || op.voice) {
        const { voice: _dropped, ...held } = notes[op.path] || {}
        notes[op.path] = { ...held, text, pending: true, ...(op.voice ? { voice: op.voice } : {}) }
      } else delete notes[op.path]
      return []
    }
    case 'upgrade':
      if (op.version <= doc.version) return [] // the server's document has moved already
      doc.version = op.version
      for (const path of drop) setPath(answers, path, null)
      return ['version']
    default:
      return []
  }
}

/** @param {Record<string, any>} answers @param {string} path */
export function getPath(answers, path) {
  const [top, entry, child] = path.split('/')
  if (entry === undefined) return answers[top]
  return answers[top]?.[entry]?.[child]
}

/** Set (or clear, with null) one answer; a path inside a group entry creates the entry.
 * @param {Record<string, any>} answers @param {string} path @param {any} value */
export function setPath(answers, path, value) {
  const [top, entry, child] = path.split('/')
  if (entry === undefined) {
    if (value === null || value === undefined) delete answers[top]
    else answers[top] = value
    return
  }
  const entries = (answers[top] ||= {})
  const fields = (entries[entry] ||= {})
  if (child === undefined) return
  if (value === null || value === undefined) delete fields[child]
  else fields[child] = value
}

/**
 * The field version a new edit of `path` is based on (0 for none).
 * @param {any} docRecord the docs-store record {view, known_fv} or undefined
 * @param {string} path
 */
export function baseFv(docRecord, path) {
  return docRecord?.known_fv?.[path] || 0
}

/**
 * Inspection state for lists: workflow status plus sync state.
 * @param {any} view local view @param {any[]} records outbox records of the inspection
 */
export function syncState(view, records) {
  if (records.some((r) => r.state === 'rejected')) return 'refused'
  if (records.some((r) => r.state === 'pending')) return 'waiting'
  return 'synced'
}

/**
 * Conflicts of this inspection worth showing on an item, by path, with whether one of the
 * candidates came from this device or user.
 * @param {any} view @param {string} clientId @param {string} userId
 */
export function conflictsByPath(view, clientId, userId) {
  /** @type {Record<string, any[]>} */
  const out = {}
  for (const conflict of view?.conflicts || []) {
    if (conflict.kind === 'soft') continue
    const mine = conflict.candidates.some(
      (/** @type {any} */ c) => (clientId && c.client_id === clientId) || (userId && c.user_id === userId),
    )
    ;(out[conflict.path] ||= []).push({ ...conflict, mine })
  }
  return out
}

/** Supervisor comments by item path ("" for the whole inspection). @param {any} view */
export function commentsByPath(view) {
  /** @type {Record<string, any[]>} */
  const out = {}
  for (const comment of view?.comments || []) (out[comment.path || ''] ||= []).push(comment)
  return out
}
