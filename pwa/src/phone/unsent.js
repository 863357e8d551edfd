// @ts-check
// What is unsent, one tap from the sync badge: the badge's words ("1 份巡检、3 张照片未同步")
// and the page listing each inspection, photo, signature, voice memo and fix report not on the server yet
// with its state (waiting for signal, uploading 3/12, refused: why). The lists come from
// model/unsent.js; this file only shows them.
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { sizeText, unsentCounts, unsentModel } from '../model/unsent.js'

/** The unsent model of the app's current stores and status. @param {any} app */
export function appUnsent(app) {
  const held = app.held || { ops: [], blobs: [], requests: [] }
  return unsentModel({ ...held, status: app.status, online: typeof navigator === 'undefined' || navigator.onLine })
}

/**
 * The badge's words: how many of each thing people know, or '' when nothing is unsent.
 * @param {import('../model/unsent.js').Unsent} unsent
 */
export function badgeText(unsent) {
  const counts = unsentCounts(unsent)
  const parts = [
    counts.inspections && t('unsent_inspections', { n: counts.inspections }),
    counts.photos && t('unsent_photos', { n: counts.photos }),
    counts.signatures && t('unsent_signatures', { n: counts.signatures }),
    counts.memos && t('unsent_memos', { n: counts.memos }),
    counts.fixes && t('unsent_fixes', { n: counts.fixes }),
  ].filter(Boolean)
  return parts.length ? t('unsent_badge', { list: parts.join(t('unsent_joiner')) }) : ''
}

/** An entry's state in words. @param {import('../model/unsent.js').UnsentEntry} entry @param {import('../model/unsent.js').Unsent} unsent */
export function stateText(entry, unsent) {
  if (entry.state === 'refused') return t('unsent_refused', { why: entry.detail })
  if (entry.state === 'offline') return t('unsent_offline')
  if (entry.state === 'sending' && unsent.upload && ['photo', 'signature', 'audio'].includes(entry.kind)) {
    return t('unsent_uploading', { done: unsent.upload.done + 1, total: unsent.upload.total })
  }
  return entry.state === 'sending' ? t('unsent_sending') : t('unsent_waiting')
}

/** The page (#/unsent). @param {any} app */
export function renderUnsent(app) {
  const unsent = appUnsent(app)
  const views = new Map()
  const body = h('div', { class: 'unsent-lists' })
  const draw = () => {
    /** @param {string} id */
    const label = (id) => {
      const view = views.get(id)
      const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === view?.checklist_id)
      const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === view?.site_id)
      return [checklist ? L(checklist.title) : view?.checklist_id || id.slice(0, 8), site?.name].filter(Boolean).join(' · ')
    }
    /** @param {string} kind @param {import('../model/unsent.js').UnsentEntry[]} entries */
    const group = (kind, entries) =>
      entries.length > 0 &&
      h('section', { class: 'card unsent-group', 'data-unsent-group': kind },
        h('h2', null, t(/** @type {any} */ (`unsent_group_${kind}`)), ` (${entries.length})`),
        h('ul', null, entries.map((e) =>
          h('li', { class: ['unsent-entry', `unsent-${e.state}`], 'data-unsent': e.kind, 'data-state': e.state, 'data-inspection': e.inspection_id },
            h('a', { href: `#/i/${e.inspection_id}` }, label(e.inspection_id)),
            h('span', { class: 'unsent-state' }, stateText(e, unsent)),
            e.kind === 'inspection' && h('span', { class: 'muted' }, t('unsent_changes', { n: e.ops || 0 })),
            e.bytes_left ? h('span', { class: 'muted', 'data-bytes-left': e.bytes_left }, t('unsent_left', { size: sizeText(e.bytes_left) })) : null))))
    const counts = unsentCounts(unsent)
    const none = !counts.inspections && !counts.photos && !counts.signatures && !counts.memos && !counts.fixes
    body.replaceChildren()
    body.append(...[
      none ? h('p', { class: 'muted', 'data-unsent-none': 'true' }, t('unsent_none')) : null,
      unsent.bytes_left ? h('p', { class: 'muted' }, t('unsent_bytes_total', { size: sizeText(unsent.bytes_left) })) : null,
      group('inspections', unsent.inspections),
      group('photos', unsent.photos),
      group('signatures', unsent.signatures),
      group('memos', unsent.memos),
      group('fixes', unsent.fixes),
    ].filter((n) => n instanceof Node))
  }
  draw()
  app.db.getAll('docs').then((/** @type {any[]} */ docs) => {
    for (const d of docs) if (d.view) views.set(d.id, d.view)
    for (const r of app.held?.ops || []) if (r.op?.kind === 'create' && !views.has(r.inspection_id)) views.set(r.inspection_id, r.op)
    draw()
    body.dataset.loaded = 'true'
  })
  return h('div', { class: 'page unsent', 'data-page': 'unsent' },
    h('header', { class: 'bar' },
      h('a', { class: 'icon-btn', href: '#/', 'aria-label': t('back') }, '‹'),
      h('div', { class: 'bar-title' }, h('strong', null, t('unsent_title')))),
    body)
}
