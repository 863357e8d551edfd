// @ts-check
// The inspection page's controller: loads the local view and the schema (from the cache when
// offline), turns the inspector's actions into ops, and re-renders.
import { actionsPanel, requestsOf } from './actions.js'
import { contentHash, sha256Hex } from '../lib/canonical.js'
import { getDraft, putDraft } from '../lib/db.js'
import { h } from '../lib/dom.js'
import { failedPointers, formModel, missingPointers, pointerLabel, sectionOf, visibleSections } from '../model/form.js'
import { renderForm } from '../form/form.js'
import { L, t } from '../i18n/index.js'
import { baseFv, commentsByPath, conflictsByPath, getPath, localView, setBody, syncState } from '../model/inspection.js'
import { discardRejected } from '../sync/outbox.js'
import { preparePhoto } from '../media/photos.js'
import { storeBlob, thumbUrl } from '../sync/blobs.js'
import { loadSchema, schemaUrl } from '../sync/schemas.js'
import { openSignatureSheet } from './signature_sheet.js'
import { refusedValue, signedValue } from '../media/signature.js'
import { upgradePanel } from './upgrade.js'

const READ_ONLY = new Set(['submitted', 'approved', 'rejected', 'deleted'])

/**
 * Load an inspection into app.page. `section` < 0 keeps the section shown (or last shown).
 * Edits made while loading are kept: the page's newer ops join the loaded ones.
 * @param {any} app @param {string} id @param {number} section
 */
export async function openEditor(app, id, section) {
  const db = app.db
  const tx = db.transaction(['docs', 'outbox', 'meta'])
  const record = await tx.objectStore('docs').get(id)
  const ops = await tx.objectStore('outbox').index('inspection_id').getAll(id)
  const nextSeq = (await tx.objectStore('meta').get('next_client_seq')) || 1 // ops from here on were made while loading
  const base = { kind: 'inspection', id, record, ops, view: null, schema: null, model: null, draft: null, section: 0, missing: null, stale: new Set(), error: '' }
  // the user may leave while this loads (a reload after a sync, a tap on back): then stay where they went
  const wanted = () => typeof location === 'undefined' || location.hash.startsWith(`#/i/${id}`)
  const first = localView(record?.view || null, ops)
  if (!first) {
    if (wanted()) app.page = { ...base, error: t('inspection_not_found') }
    return
  }
  const same = () => (app.page?.kind === 'inspection' && app.page.id === id && !app.page.error ? app.page : null)
  const held = same() // its schema serves while the inspection stays on that version (a move changes it)
  let schema = held?.model?.version === first.version ? held.schema : null
  if (!schema) {
    try {
      schema = await loadSchema(schemaUrl(first.checklist_id, first.version), app.meta.token)
    } catch {
      if (wanted()) app.page = { ...base, error: t('schema_missing') }
      return
    }
  }
  const draft = await getDraft(db, id)
  const requests = await requestsOf(db, id)
  const kept = same()
  const page = { ...base, schema, model: kept?.schema === schema ? kept.model : formModel(schema), draft, requests, fix: null }
  page.view = localView(record?.view || null, ops)
  page.stale = await staleSignatures(page)
  if (!wanted()) return
  const current = same() // after the last await: nothing changes between here and the assignment
  if (current) {
    const later = current.ops.filter((/** @type {any} */ r) => r.client_seq >= nextSeq)
    if (later.length) {
      page.ops = [...ops, ...later]
      page.view = localView(record?.view || null, page.ops)
    }
    page.missing = current.missing
    page.fix = current.fix // a fix report being written stays open
  }
  page.section = section >= 0 ? section : current ? current.section : draft.section || 0
  app.page = page
}

/** Signatures whose covered answers changed since signing (or that the server marked stale). @param {any} page */
async function staleSignatures(page) {
  const stale = new Set()
  for (const item of Object.values(page.model.items)) {
    const value = page.view.answers[item.id]
    if (item.kind !== 'signature' || !value) continue
    const serverStale = page.view.fields?.[item.id]?.stale && !page.view.pending_paths.includes(item.id)
    if (serverStale || value.content_hash !== (await contentHash(page.schema, page.view.answers, item.id))) stale.add(item.id)
  }
  return stale
}

/** Recompute the view after a local op. @param {any} app @param {any} record */
async function applied(app, record) {
  const page = app.page
  if (!page.ops.some((/** @type {any} */ r) => r.client_seq === record.client_seq)) page.ops.push(record)
  page.view = localView(page.record?.view || null, page.ops)
  page.stale = await staleSignatures(page)
  if (page.missing) page.missing = missingPointers(page.model, page.view.answers)
  app.render()
}

/** @param {any} a @param {any} b */
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b)
}

/** The inspector's actions on the open inspection. @param {any} app */
function actions(app) {
  const id = app.page.id
  return {
    /** @param {string} path @param {any} value */
    async set(path, value) {
      const page = app.page
      if (same(getPath(page.view.answers, path) ?? null, value)) return
      const record = await app.edit('set', id, setBody(path, value, baseFv(page.record, path)))
      await applied(app, record)
    },
    /** @param {string} path @param {File} file @param {string} [forItem] */
    async attach(path, file, forItem) {
      const page = app.page
      page.busy = true
      try {
        const prepared = await preparePhoto(file)
        const originals = page.schema?.['x-evidence']?.originals === 'required' ? 'required' : 'wifi'
        await storeBlob(app.db, prepared, { kind: 'photo', inspection_id: id, path, originals })
        if (forItem) {
          const draft = await getDraft(app.db, id)
          draft.evidence[forItem] = [...new Set([...(draft.evidence[forItem] || []), prepared.sha256])]
          await putDraft(app.db, draft)
          app.page.draft = draft
        }
        // `item`: the answer this photo is evidence of, so the finding, the desk and the PDF show it there;
        // `captured`: the camera file's hash, taken now — what the answer records as taken
        const record = await app.edit('attach', id, {
          path,
          sha256: prepared.sha256,
          ...(forItem ? { item: forItem } : {}),
          ...(prepared.original ? { captured: prepared.original.sha256 } : {}),
        })
        await applied(app, record)
      } finally {
        page.busy = false
      }
    },
    /** @param {string} path @param {string} sha256 */
    async detach(path, sha256) {
      const page = app.page
      const record = await app.edit('detach', id, { path, sha256, base_fv: baseFv(page.record, path) })
      await applied(app, record)
    },
    /** @param {string} group */
    async addEntry(group) {
      const record = await app.edit('add_entry', id, { group, entry_id: crypto.randomUUID() })
      await applied(app, record)
    },
    /** @param {string} group @param {string} entryId */
    async removeEntry(group, entryId) {
      const page = app.page
      const key = `${group}/${entryId}`
      const record = await app.edit('remove_entry', id, { group, entry_id: entryId, base_fv: baseFv(page.record, key) })
      await applied(app, record)
    },
    /** @param {string} path */
    async openSignature(path) {
      const page = app.page
      const item = page.model.items[path]
      const result = await openSignatureSheet(item, signingSummary(app))
      if (!result) return
      page.busy = true
      try {
        const answers = app.page.view.answers
        let value
        if (result.mode === 'signed') {
          const sha = await storePng(app, result.png, path)
          value = await signedValue(app.page.schema, answers, path, { ...result, image_sha256: sha })
        } else {
          const witness = result.witness_png ? await storePng(app, result.witness_png, path) : undefined
          value = await refusedValue(app.page.schema, answers, path, { ...result, witness_image_sha256: witness })
        }
        const record = await app.edit('sign', id, { path, value, base_fv: baseFv(app.page.record, path) })
        await applied(app, record)
      } finally {
        page.busy = false
      }
    },
    /** @param {HTMLImageElement} img @param {string} sha256 */
    thumb(img, sha256) {
      thumbUrl(app.db, sha256, app.meta.token).then((url) => {
        if (url) img.src = url
        else {
          img.alt = t('photo_not_here')
          img.classList.add('missing')
        }
      })
    },
  }
}

/** What the signer confirms: the checklist, the site and the failed items by label. @param {any} app */
function signingSummary(app) {
  const page = app.page
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === page.view.site_id)
  const answers = page.view.answers
  return {
    checklist: L(page.model.title),
    site: site ? site.name : page.view.site_id,
    failed: failedPointers(page.model, answers).map((p) => pointerLabel(page.model, p, L, answers)),
  }
}

/** The form's shortcuts: all pass in a section (undoable), next unanswered, discard the draft. @param {any} app */
function shortcuts(app) {
  const page = app.page
  const id = page.id
  /** @param {Record<string, any>} values */
  const setMany = async (values) => {
    const base = Object.fromEntries(Object.keys(values).map((p) => [p, baseFv(page.record, p)]).filter(([, fv]) => fv))
    const record = await app.edit('set', id, Object.keys(base).length ? { answers: values, base } : { answers: values })
    await applied(app, record)
  }
  return {
    undo: page.undo || null,
    /** @param {string[]} paths */
    async passSection(paths) {
      page.undo = { paths }
      await setMany(Object.fromEntries(paths.map((p) => [p, 'pass'])))
    },
    async undoPass() {
      const paths = (page.undo?.paths || []).filter((/** @type {string} */ p) => page.view.answers[p] === 'pass')
      page.undo = null
      if (paths.length) await setMany(Object.fromEntries(paths.map((/** @type {string} */ p) => [p, null])))
      else app.render()
    },
    goToPointer: (/** @type {string} */ pointer) => focusPointer(app, pointer),
    async discardDraft() {
      if (!confirm(t('discard_draft_confirm'))) return
      const record = await app.edit('delete', id, {})
      await applied(app, record)
      location.hash = '#/'
    },
  }
}

/** @param {any} app @param {Blob} png @param {string} path */
async function storePng(app, png, path) {
  const sha = await sha256Hex(await png.arrayBuffer())
  await storeBlob(app.db, { blob: png, thumb: null, sha256: sha, media_type: 'image/png' }, { kind: 'signature', inspection_id: app.page.id, path })
  return sha
}

/** Go to a section (of the visible ones), remembered per inspection. @param {any} app @param {number} index */
async function go(app, index) {
  const page = app.page
  page.section = index
  const draft = await getDraft(app.db, page.id)
  draft.section = index
  await putDraft(app.db, draft)
  history.replaceState(null, '', `#/i/${page.id}/s/${index}`)
  app.render()
  window.scrollTo(0, 0)
}

/** Show the item a pointer names. @param {any} app @param {string} pointer */
async function focusPointer(app, pointer) {
  const page = app.page
  const itemId = pointer.replace(/^\/answers(?=\/)/, '').split('/')[1]
  const section = page.model.sections[sectionOf(page.model, itemId)]
  const index = visibleSections(page.model, page.view.answers).indexOf(section)
  if (index >= 0) await go(app, index)
  const card = /** @type {HTMLElement|null} */ (document.querySelector(`[data-path="${CSS.escape(itemId)}"]`))
  card?.scrollIntoView({ block: 'center' })
  card?.setAttribute('data-jumped', 'true')
}

/** @param {any} app */
async function submit(app) {
  const page = app.page
  page.missing = missingPointers(page.model, page.view.answers)
  if (page.missing.length) {
    app.render()
    document.querySelector('[data-banner="missing"]')?.scrollIntoView({ block: 'start' })
    return
  }
  page.missing = null
  const record = await app.edit('transition', page.id, { to: 'submitted' })
  await applied(app, record)
  app.sync()
}

/** Load the open inspection again (after a move to a new checklist version) and show it. @param {any} app */
async function reopen(app) {
  await openEditor(app, app.page.id, 0)
  app.render()
}

/** The page. @param {any} app */
export function renderEditor(app) {
  const page = app.page
  if (page.error) {
    return h('div', { class: 'page' }, h('p', { class: 'banner bad' }, page.error), h('a', { class: 'btn', href: '#/' }, t('back')))
  }
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === page.view.site_id)
  const clientId = app.meta.client_id
  const userId = app.meta.user?.id
  return renderForm({
    model: page.model,
    view: page.view,
    site,
    section: page.section,
    readOnly: READ_ONLY.has(page.view.status),
    conflicts: conflictsByPath(page.view, clientId, userId),
    comments: commentsByPath(page.view),
    rejected: page.ops.filter((/** @type {any} */ r) => r.state === 'rejected'),
    evidence: evidenceByItem(page.view, page.draft),
    stale: page.stale,
    missing: page.missing,
    syncState: syncState(page.view, page.ops),
    actions: actions(app),
    go: (/** @type {number} */ i) => go(app, i),
    back: () => {
      location.hash = '#/'
    },
    submit: () => submit(app),
    discard: async (/** @type {number} */ seq) => {
      await discardRejected(app.db, seq)
      await app.refreshSummary()
      await openEditor(app, page.id, page.section)
      app.render()
    },
    focusPointer: (/** @type {string} */ p) => focusPointer(app, p),
    panel: h('div', null, upgradePanel(app, () => reopen(app)), actionsPanel(app)),
    shortcuts: shortcuts(app),
    saveNote: async (/** @type {string} */ path, /** @type {string} */ text) => {
      if ((page.view.notes?.[path]?.text || '') === text.trim()) return app.render()
      const record = await app.edit('note', page.id, { path, text })
      await applied(app, record)
    },
  })
}

/**
 * Answer path → the photos taken as its evidence: those the server knows (from any device) and
 * those this phone linked and has not synced yet.
 * @param {any} view @param {any} draft @returns {Record<string, string[]>}
 */
export function evidenceByItem(view, draft) {
  /** @type {Record<string, string[]>} */
  const out = {}
  for (const source of [view?.photo_evidence || {}, draft?.evidence || {}]) {
    for (const [path, shas] of Object.entries(source)) out[path] = [...new Set([...(out[path] || []), ...shas])]
  }
  return out
}
