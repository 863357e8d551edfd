// @ts-check
// The supervisor's desk: one inspection with every answer under its zh label and clause (from
// the cached checklist schema), failed items marked, photos and signatures as thumbnails that
// open the photo viewer (photos not uploaded yet shown as awaiting), conflicts side by side,
// resolved by choosing a candidate or entering a value, the audit trail, and the review:
// comments pinned to items, an overall reason, approve / return / reject. Problems are told
// apart by their type name, never by their text. A photo is shown under the item it documents
// only (an evidence photo is held by the form's photo item, but belongs to the failed item); the
// failed items can be shown alone ("只看不合格", or "3 项不合格" in the summary); print and PDF.
import { ApiError, json, problemName, send } from '../lib/api.js'
import { loadDirectory } from './directory.js'
import { h, replace } from '../lib/dom.js'
import { formModel, visibleItems } from '../model/form.js'
import { colon, L, statusText, t } from '../i18n/index.js'
import { loadSchema, schemaUrl } from '../sync/schemas.js'
import { valueView } from './answer.js'
import { auditTrail } from './audit.js'
import { conflictCard, itemAt } from './conflict.js'
import { blobUrl, photoThumbs } from './photos.js'
import { voiceMemo } from '../form/voice.js'
import { deskBar, scoreText, when, who } from './shell.js'

/**
 * The inspection page; its content loads after it is shown and reloads in place after each action.
 * @param {any} app @param {string} id
 */
export function renderDeskInspection(app, id) {
  const content = h('div', { class: 'desk-body' }, h('p', { class: 'muted' }, '…'))
  const page = h(
    'div',
    { class: 'page desk', 'data-desk': 'inspection', 'data-inspection': id },
    deskBar(app, t('desk_inspection'), h('a', { class: 'btn small', href: '#/' }, `‹ ${t('desk_queue')}`)),
    tools(app, id, (on) => onlyFailed(page, on)),
    content,
  )
  const { drafts, state } = keptFor(id)
  state.problem = '' // the last attempt's problem is not this page's
  const load = async () => {
    try {
      const [view] = await Promise.all([json(`/api/inspections/${id}`, { token: app.meta.token }), loadDirectory(app)])
      const schema = await loadSchema(schemaUrl(view.checklist_id, view.version), app.meta.token)
      page.dataset.status = view.status
      replace(content, body(app, view, formModel(schema), { drafts, state, reload: load }))
    } catch (e) {
      replace(content, h('div', { class: 'banner bad', 'data-problem': e instanceof ApiError ? e.type : 'network' },
        e instanceof ApiError && e.status === 404 ? t('inspection_not_found') : e instanceof Error ? e.message : String(e)))
    }
  }
  load()
  return page
}

/**
 * @typedef {{drafts: Map<string, string>, state: {reason: string, problem: string}, reload: () => Promise<void>}} DeskContext
 */

/**
 * What is written on an inspection's page — comments by item path, the reason — kept by inspection for the
 * app's lifetime until a review of it succeeds, so a page built again (back from the findings, another
 * language, a login after the session ended) still holds a return half written.
 * @type {Map<string, {drafts: Map<string, string>, state: {reason: string, problem: string}}>}
 */
const kept = new Map()

/** @param {string} id */
function keptFor(id) {
  let entry = kept.get(id)
  if (!entry) {
    entry = { drafts: new Map(), state: { reason: '', problem: '' } }
    kept.set(id, entry)
  }
  return entry
}

/** Show the failed items alone, or every item. @param {HTMLElement} page @param {boolean} on */
function onlyFailed(page, on) {
  if (on) page.dataset.onlyFailed = 'true'
  else delete page.dataset.onlyFailed
  const box = /** @type {HTMLInputElement|null} */ (page.querySelector('input[name=only_failed]'))
  if (box) box.checked = on
}

/** The page's tools: the failed-only filter, print, the PDF report. @param {any} app @param {string} id @param {(on: boolean) => void} filter */
function tools(app, id, filter) {
  const box = /** @type {HTMLInputElement} */ (h('input', { type: 'checkbox', name: 'only_failed', onchange: () => filter(box.checked) }))
  const problem = h('span', { class: 'bad', 'aria-live': 'polite' })
  const pdf = async () => {
    problem.textContent = ''
    try {
      const response = await send(`/api/inspections/${id}/report.pdf`, { token: app.meta.token })
      const url = URL.createObjectURL(await response.blob())
      const link = h('a', { href: url, download: `inspection-${id}.pdf`, hidden: true })
      document.body.append(link)
      link.click()
      link.remove()
      setTimeout(() => URL.revokeObjectURL(url), 60_000)
    } catch (e) {
      problem.textContent = e instanceof ApiError ? `${t('desk_pdf_failed')}${colon()}${e.type}` : t('network_error').split('，')[0]
    }
  }
  return h('div', { class: 'desk-tools desk-print' },
    h('label', { class: 'check' }, box, t('desk_only_failed')),
    h('button', { type: 'button', class: 'btn small', 'data-action': 'print', onclick: () => window.print() }, t('desk_print')),
    h('button', { type: 'button', class: 'btn small', 'data-action': 'pdf', onclick: pdf }, t('desk_pdf')),
    problem)
}

/** @param {any} app @param {any} view @param {ReturnType<typeof formModel>} model @param {DeskContext} ctx */
function body(app, view, model, ctx) {
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === view.site_id)
  const failed = new Set((view.failed_items || []).map((/** @type {string} */ p) => p.split('/')[1]))
  const conflicts = view.conflicts || []
  const open = conflicts.filter((/** @type {any} */ c) => c.status === 'open')
  const placed = new Set()
  const sections = model.sections.map((section) => {
    const items = visibleItems(section, view.answers)
    if (!items.length) return null
    return h('section', { class: 'card desk-section', 'data-section': section.id },
      h('h3', null, L(section.title)),
      items.map((item) => {
        const here = conflicts.filter((/** @type {any} */ c) => c.path.split('/')[0] === item.id)
        for (const c of here) placed.add(c.id)
        return itemRow(app, view, model, item, failed.has(item.id), here, ctx)
      }))
  })
  const elsewhere = conflicts.filter((/** @type {any} */ c) => !placed.has(c.id))
  const comments = view.comments || []
  return [
    h('div', { class: 'desk-main' },
      elsewhere.length ? h('section', { class: 'card desk-section' }, h('h3', null, t('desk_conflicts')),
        elsewhere.map((/** @type {any} */ c) => conflictCard(app, c, itemAt(model, c.path), ctx.reload))) : null,
      sections,
      auditTrail(app, view.id, model)),
    h('aside', { class: 'desk-side' },
      h('div', { class: 'card desk-summary' },
        h('strong', null, L(model.title)),
        h('div', null, site ? site.name : view.site_id),
        h('div', null, h('span', { class: ['badge', `st-${view.status}`], 'data-status': view.status }, statusText(view.status))),
        h('div', { class: 'muted' }, `${t('desk_inspector')}${colon()}${who(app, view.inspector_id)} · ${t('desk_updated')}${colon()}${when(view.updated_at)}`),
        view.score ? h('div', { 'data-score': view.score.score ?? '' }, `${t('desk_score')}${colon()}`, scoreText({
          score: view.score.score, verdict: view.score.passed === null ? null : view.score.passed ? 'pass' : 'fail',
          failed_critical: view.score.failed_critical.length,
        })) : null,
        h('div', null, `${t('desk_photos')}${colon()}${view.evidence.photos_received}/${view.evidence.photos_expected}`),
        failed.size
          ? h('button', { type: 'button', class: 'btn small link bad', 'data-action': 'show-failed', 'data-failed-count': failed.size, onclick: (/** @type {Event} */ e) => {
            const page = /** @type {HTMLElement} */ (/** @type {HTMLElement} */ (e.currentTarget).closest('[data-desk=inspection]'))
            onlyFailed(page, true)
            page.querySelector('.desk-item.failed')?.scrollIntoView({ block: 'start' })
          } }, t('desk_failed_count', { n: failed.size }))
          : h('div', { 'data-failed-count': 0 }, t('desk_failed_count', { n: 0 })),
        h('div', { 'data-open-conflicts': open.length, class: open.length ? 'bad' : '' }, `${t('desk_open_conflicts')}${colon()}${open.length}`),
        view.reason ? h('div', { class: 'muted' }, `${t('desk_reason')}${colon()}${view.reason}`) : null,
        comments.length ? h('ul', { class: 'desk-comments' }, comments.map((/** @type {any} */ c) =>
          h('li', null, c.path ? `${L(model.items[c.path]?.label) || c.path}: ` : '', c.text))) : null),
      reviewBox(app, view, open.length, ctx)),
  ]
}

/**
 * The photos taken as evidence of this answer (and of answers inside its group entries).
 * @param {any} app @param {any} view @param {import('../model/form.js').Item} item
 */
function evidencePhotos(app, view, item) {
  const linked = Object.entries(view.photo_evidence || {})
    .filter(([path]) => path === item.id || path.startsWith(`${item.id}/`))
    .flatMap(([, shas]) => shas)
  if (!linked.length) return null
  return h('div', { class: 'desk-evidence', 'data-evidence-for': item.id },
    h('span', { class: 'muted' }, t('fd_evidence')),
    photoThumbs(app, linked, { states: view.evidence?.states, title: L(item.label) }))
}

/**
 * A photo item's own photos: those it holds as evidence of another item are shown under that item.
 * @param {any} view @param {import('../model/form.js').Item} item @param {any} value
 */
function ownPhotos(view, item, value) {
  if (item.kind !== 'photo' || !Array.isArray(value)) return value
  const elsewhere = new Set(Object.entries(view.photo_evidence || {})
    .filter(([path]) => path !== item.id && !path.startsWith(`${item.id}/`))
    .flatMap(([, shas]) => shas))
  const own = value.filter((sha) => !elsewhere.has(sha))
  return own.length ? own : null
}

/**
 * One answer: label, clause, value (thumbnails for photos and signatures), failed mark,
 * conflicts, and the comment box for returning.
 * @param {any} app @param {any} view @param {ReturnType<typeof formModel>} model
 * @param {import('../model/form.js').Item} item @param {boolean} failed @param {any[]} conflicts @param {DeskContext} ctx
 */
function itemRow(app, view, model, item, failed, conflicts, ctx) {
  const value = ownPhotos(view, item, view.answers[item.id])
  const stale = item.kind === 'signature' && view.fields?.[item.id]?.stale
  const reviewable = view.status === 'submitted'
  const box = /** @type {HTMLTextAreaElement} */ (h('textarea', {
    class: 'text', rows: 2, 'data-comment-for': item.id, placeholder: t('desk_comment_here'),
    value: ctx.drafts.get(item.id) || '', oninput: () => ctx.drafts.set(item.id, box.value),
  }))
  const wrap = h('div', { class: 'desk-comment', hidden: !ctx.drafts.get(item.id) }, box)
  return h(
    'div',
    { class: ['desk-item', failed && 'failed', conflicts.some((c) => c.status === 'open') && 'conflicted'], 'data-path': item.id, 'data-failed': failed ? 'true' : null },
    h('div', { class: 'desk-item-head' },
      h('span', { class: 'desk-label' }, L(item.label)),
      item.clause ? h('span', { class: 'muted clause' }, `${t('clause')}${colon()}${item.clause}`) : null,
      failed ? h('span', { class: 'badge st-fail' }, t('failed_item')) : null,
      reviewable ? h('button', { type: 'button', class: 'btn small link', 'data-action': 'comment', onclick: () => {
        wrap.hidden = false
        box.focus()
      } }, t('desk_comment')) : null),
    h('div', { class: 'desk-value', 'data-value': true }, valueView(app, item, value, { stale, states: view.evidence?.states })),
    evidencePhotos(app, view, item),
    view.notes?.[item.id]?.text ? h('p', { class: 'item-note', 'data-note': item.id }, h('strong', null, `${t('item_note')}：`), view.notes[item.id].text) : null,
    voiceMemo(view.id, item.id, view.notes?.[item.id], { readOnly: true, voiceUrl: (sha) => blobUrl(app, sha, 'original').catch(() => null) }),
    conflicts.map((c) => conflictCard(app, c, itemAt(model, c.path) || item, ctx.reload)),
    reviewable ? wrap : null,
  )
}

/** The review actions: approve (not while conflicts are open), return with comments, reject. @param {any} app @param {any} view @param {number} open @param {DeskContext} ctx */
function reviewBox(app, view, open, ctx) {
  if (view.status !== 'submitted') return h('div', { class: 'card muted', 'data-review': 'closed' }, t('desk_not_reviewable'))
  const reason = /** @type {HTMLTextAreaElement} */ (h('textarea', {
    class: 'text', rows: 3, name: 'reason', placeholder: t('desk_reason_here'), value: ctx.state.reason,
    oninput: () => (ctx.state.reason = reason.value),
  }))
  const problem = h('div', { class: 'banner bad', 'data-problem': ctx.state.problem || null, hidden: !ctx.state.problem },
    ctx.state.problem ? problemText(ctx.state.problem) : '')
  /** @param {'approve'|'return'|'reject'} action */
  const review = async (action) => {
    const comments = [...ctx.drafts].filter(([, text]) => text.trim()).map(([path, text]) => ({ path, text: text.trim() }))
    if (action === 'return' && !comments.length && !reason.value.trim()) return show('need-comment')
    if (action === 'reject' && !reason.value.trim()) return show('need-reason')
    const body = action === 'approve' ? { action } : { action, comments: action === 'return' ? comments : [], reason: reason.value.trim() }
    try {
      await json(`/api/inspections/${view.id}/review`, { method: 'POST', token: app.meta.token, body })
      ctx.drafts.clear()
      ctx.state.reason = ''
      ctx.state.problem = ''
    } catch (e) {
      ctx.state.problem = e instanceof ApiError ? problemName(e.problem) : 'network'
    }
    await ctx.reload()
  }
  /** @param {string} name */
  const show = (name) => {
    problem.dataset.problem = name
    problem.textContent = problemText(name)
    problem.hidden = false
  }
  return h(
    'div',
    { class: 'card desk-review', 'data-review': 'open' },
    h('strong', null, t('desk_review')),
    reason,
    problem,
    h('div', { class: 'row-actions' },
      h('button', { type: 'button', class: 'btn primary', 'data-action': 'approve', disabled: open > 0, title: open ? t('desk_resolve_first') : null, onclick: () => review('approve') }, t('desk_approve')),
      h('button', { type: 'button', class: 'btn', 'data-action': 'return', onclick: () => review('return') }, t('desk_return')),
      h('button', { type: 'button', class: 'btn danger', 'data-action': 'reject', onclick: () => review('reject') }, t('desk_reject'))),
    open ? h('p', { class: 'muted' }, t('desk_resolve_first')) : null,
  )
}

/** What a problem type means for the supervisor. @param {string} name */
function problemText(name) {
  switch (name) {
    case 'open-conflicts': return t('desk_resolve_first')
    case 'invalid-transition': return t('desk_not_reviewable')
    case 'need-comment': return t('desk_need_comment')
    case 'need-reason':
    case 'invalid-input': return t('desk_need_reason')
    case 'network': return t('network_error').split('，')[0]
    default: return `${t('problem_title')}${colon()}${name}`
  }
}
