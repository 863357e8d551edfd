// @ts-check
// One finding at the desk (#/f/<id>): the failed item (zh/en label, clause, severity, the
// answer), its evidence photos, the on-site confirmation (signature, or refusal with a
// witness), the repeat link, the corrective action with its history, and the supervisor's
// actions: assign (responsible + working days), verify (photos taken on the spot, or a note and
// a later inspection of the site), close, reopen (with a reason). Verification photos are
// prepared as the phone prepares them (upright, at most 2048 px, hashed once) and uploaded with
// the resumable uploader before the verify call. A problem from the server is shown by its
// title and detail; what was typed (and the photos chosen) stays.
import { ApiError, json } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { photoThumbs } from './photos.js'
import { loadDirectory } from './directory.js'
import { actionBadge, deadlineText, severityBadge } from './findings.js'
import { deskBar, problemBanner, when, who } from './shell.js'
import { colon, getLang, L, statusText, t } from '../i18n/index.js'
import { preparePhoto } from '../media/photos.js'
import { uploadBlob } from '../sync/uploads.js'

const UNVERIFIED = ['open', 'fixed_reported']

/** @typedef {{photos: Picked[], ready: Promise<void>}} PickedPhotos */

/**
 * A verification photo chosen at the desk: prepared in memory (not kept in IndexedDB: the desk
 * is online and sends it right away), then uploaded.
 * @typedef {{sha256: string, blob: Blob, media_type: string, url: string, state: 'ready'|'uploading'|'uploaded'|'failed', sent: number}} Picked
 */

/**
 * What the supervisor typed and the photos chosen on each finding's page, by finding id, kept for the
 * page's lifetime until an action on that finding succeeds: the page may be built again (back from the
 * inspection, another language) without losing a note half written.
 * @type {Map<string, {typed: Record<string, string>, picked: PickedPhotos}>}
 */
const drafts = new Map()

/** @param {string} id */
function draftOf(id) {
  let draft = drafts.get(id)
  if (!draft) {
    const typed = { responsible: '', working_days: '', assign_note: '', verify_note: '', inspection_id: '', close_note: '', reopen_note: '' }
    draft = { typed, picked: { photos: [], ready: Promise.resolve() } }
    drafts.set(id, draft)
  }
  return draft
}

/** @param {any} app @param {string} id */
export function renderDeskFinding(app, id) {
  const content = h('div', { class: 'desk-body' }, h('p', { class: 'muted' }, '…'))
  const page = h('div', { class: 'page desk', 'data-desk': 'finding', 'data-finding': id },
    deskBar(app, t('fd_finding'), h('a', { class: 'btn small', href: '#/findings' }, `‹ ${t('nav_findings')}`)),
    content)
  /** What the supervisor typed, and the verification photos chosen (`ready` settles when the last choice is prepared). */
  const { typed, picked } = draftOf(id)
  const load = async () => {
    try {
      const [finding] = await Promise.all([json(`/api/findings/${id}`, { token: app.meta.token }), loadDirectory(app)])
      page.dataset.status = finding.status === 'withdrawn' ? 'withdrawn' : finding.action.status
      replace(content, body(app, finding, typed, picked, load))
      laterInspections(app, finding, content, typed)
    } catch (e) {
      replace(content, e instanceof ApiError && e.status === 404 ? h('div', { class: 'banner bad', 'data-problem': e.type }, t('fd_not_found')) : problemBanner(e))
    }
  }
  load()
  return page
}

/** The failed answer as text. @param {any} value */
export function answerText(value) {
  if (value === 'fail') return t('fail')
  if (value === 'pass') return t('pass')
  if (Array.isArray(value)) return value.join('、')
  if (value !== null && typeof value === 'object') return JSON.stringify(value)
  return value === null || value === undefined ? '—' : String(value)
}

/** @param {any} app @param {any} f @param {Record<string, string>} typed @param {PickedPhotos} picked @param {() => Promise<void>} reload */
function body(app, f, typed, picked, reload) {
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === f.site_id)
  const other = getLang() === 'zh' ? f.label.en : f.label.zh
  const a = f.action
  return [
    h('div', { class: 'desk-main' },
      h('section', { class: 'card finding-head' },
        h('div', { class: 'desk-item-head' },
          h('h2', { class: 'desk-label', 'data-label': f.label.zh }, L(f.label)), severityBadge(f.severity),
          actionBadge(f.status === 'withdrawn' ? 'withdrawn' : a.status)),
        other ? h('div', { class: 'muted' }, other) : null,
        h('div', { class: 'clause', 'data-clause': f.clause }, `${t('clause')}${colon()}${f.clause}`),
        h('div', null, `${t('fd_failed_value')}${colon()}`, h('span', { class: 'bad', 'data-value': true }, answerText(f.value))),
        h('div', null, `${t('fd_site')}${colon()}${site ? site.name : f.site_id}`),
        h('div', null, `${t('fd_inspection')}${colon()}`, h('a', { href: `#/d/${f.inspection_id}`, 'data-inspection-link': f.inspection_id }, t('fd_open_inspection')),
          f.inspection_status ? h('span', { class: 'muted' }, ` (${statusText(f.inspection_status)})`) : null),
        h('div', { class: 'muted' }, `${t('fd_found')}${colon()}${when(f.created_at)}`),
        f.repeat_of ? h('div', { class: 'banner warn', 'data-repeat-of': f.repeat_of }, t('fd_repeat_of'), ' ',
          h('a', { href: `#/f/${f.repeat_of}` }, t('fd_see_earlier'))) : null),
      h('section', { class: 'card' }, h('h3', null, t('fd_evidence')),
        f.evidence.photos.length ? h('div', { 'data-photos': f.evidence.photos.length }, photoThumbs(app, f.evidence.photos, { title: t('fd_evidence') }))
          : h('p', { class: 'muted' }, t('fd_no_photos'))),
      confirmation(f),
      actionCard(app, f),
      history(app, f)),
    // a withdrawn finding has nothing left to correct: no actions
    h('aside', { class: 'desk-side' }, f.status === 'active' ? actionForms(app, f, typed, picked, reload) : null),
  ]
}

/** On-site confirmation: signed, or refused with a witness; marked when stale. @param {any} f */
function confirmation(f) {
  const signatures = f.evidence.signatures || []
  return h('section', { class: 'card', 'data-confirmed': f.confirmed ? 'true' : 'false' },
    h('h3', null, t('fd_confirmation'), ' ', h('span', { class: ['badge', f.confirmed ? 'st-approved' : 'st-fail'] }, f.confirmed ? t('fd_confirmed') : t('fd_unconfirmed'))),
    signatures.map((/** @type {any} */ s) => h('div', { 'data-signature': s.status },
      `${s.status === 'refused' ? t('refused_by') : t('signed_by')}${colon()}${s.signer_name}${s.signer_role ? ` (${s.signer_role})` : ''}`,
      s.witness_name ? ` · ${t('fd_witness')}${colon()}${s.witness_name}` : '',
      s.stale ? h('span', { class: 'badge st-fail' }, ` ${t('fd_stale')}`) : null)))
}

/** The corrective action as it stands. @param {any} app @param {any} f */
function actionCard(app, f) {
  const a = f.action
  const v = a.verification
  return h('section', { class: 'card finding-action', 'data-action-status': a.status },
    h('h3', null, t('fd_action'), ' ', actionBadge(a.status)),
    h('div', { 'data-responsible': a.responsible || '' }, `${t('fd_responsible')}${colon()}`, a.responsible || h('span', { class: 'muted' }, '—')),
    h('div', null, `${t('fd_deadline')}${colon()}`, deadlineText(a), a.working_days ? h('span', { class: 'muted' }, ` (${a.working_days} ${t('fd_working_days')})`) : null),
    a.assigned_at ? h('div', { class: 'muted' }, `${t('fd_assigned')}${colon()}${who(app, a.assigned_by)} · ${when(a.assigned_at)}`) : null,
    a.fix ? h('div', null, `${t('fd_fix')}${colon()}${a.fix.note || '—'} · ${who(app, a.fix.by)} · ${when(a.fix.at)}`,
      photoThumbs(app, a.fix.photos, { title: t('fd_fix') })) : null,
    v ? h('div', { 'data-verification': v.method },
      `${t('fd_verification')}${colon()}`, v.method === 'inspection' ? t('fd_by_inspection') : v.note, ' · ',
      v.inspection_id ? h('a', { href: `#/d/${v.inspection_id}`, 'data-verified-by': v.inspection_id }, t('fd_open_inspection')) : null,
      ` · ${who(app, v.by)} · ${when(v.at)}`,
      photoThumbs(app, v.photos || [], { title: t('fd_verification') })) : null,
    a.closed_at ? h('div', { 'data-closed-at': a.closed_at }, `${t('act_closed')}${colon()}${who(app, a.closed_by)} · ${when(a.closed_at)}`) : null,
    a.reopen_count ? h('div', { class: 'muted' }, t('fd_reopened_times', { n: a.reopen_count })) : null)
}

/** The finding's history, oldest first. @param {any} app @param {any} f */
function history(app, f) {
  return h('section', { class: 'card' }, h('h3', null, t('fd_history')),
    h('ol', { class: 'finding-history' }, f.history.map((/** @type {any} */ e) => {
      const d = e.detail || {}
      const said = [
        d.responsible && `${t('fd_responsible')}${colon()}${d.responsible}`,
        d.deadline && `${t('fd_deadline')}${colon()}${d.deadline}`,
        d.note, d.reason,
      ].filter(Boolean).join(' · ')
      return h('li', { 'data-event': e.kind },
        h('span', { class: 'muted' }, `${when(e.at)} · ${e.user_id ? who(app, e.user_id) : t('fd_system')} · `),
        h('strong', null, t(/** @type {any} */ (`ev_${e.kind}`))),
        said ? ` — ${said}` : '',
        d.inspection_id ? h('span', null, ' ', h('a', { href: `#/d/${d.inspection_id}` }, t('fd_open_inspection'))) : null)
    })))
}

/**
 * The supervisor's actions that fit the action's status; each posts and reloads, or shows the
 * problem and keeps the inputs.
 * @param {any} app @param {any} f @param {Record<string, string>} typed @param {PickedPhotos} picked @param {() => Promise<void>} reload
 */
function actionForms(app, f, typed, picked, reload) {
  const status = f.action.status
  if (!typed.responsible && f.action.responsible) typed.responsible = f.action.responsible
  const problem = h('div', { 'aria-live': 'assertive', 'data-problem-box': true })
  /** @param {string} name @param {Record<string, any>} attrs */
  const input = (name, attrs = {}) => {
    const tag = attrs.rows ? 'textarea' : 'input'
    const el = /** @type {HTMLInputElement} */ (h(tag, { class: 'text', name, value: typed[name], ...attrs }))
    el.addEventListener('input', () => (typed[name] = el.value))
    return el
  }
  /** @param {string} what @param {Record<string, any>} payload @param {string[]} fields @param {() => void} [done] */
  const post = async (what, payload, fields, done) => {
    replace(problem)
    try {
      await json(`/api/findings/${f.id}/${what}`, { method: 'POST', token: app.meta.token, body: payload })
      for (const name of fields) typed[name] = ''
      done?.()
      await reload()
    } catch (e) {
      replace(problem, problemBanner(e))
    }
  }
  /** @param {string} key */
  const refuse = (key) => replace(problem, h('div', { class: 'banner bad', role: 'alert', 'data-problem': 'need-input' }, t(/** @type {any} */ (key))))
  const forms = []
  if (UNVERIFIED.includes(status)) {
    forms.push(h('form', { class: 'card', 'data-form': 'assign', onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault()
      if (!typed.responsible.trim()) return refuse('fd_need_responsible')
      const days = Number(typed.working_days)
      post('action', { responsible: typed.responsible.trim(), ...(typed.working_days ? { working_days: days } : {}), note: typed.assign_note.trim() },
        ['responsible', 'working_days', 'assign_note'])
    } },
      h('strong', null, t('fd_assign')),
      h('label', null, t('fd_responsible'), input('responsible', { placeholder: t('fd_responsible_here'), maxlength: 200, value: typed.responsible })),
      h('label', null, t('fd_days_label'), input('working_days', { type: 'number', min: 1, max: 250, step: 1, inputmode: 'numeric', placeholder: f.action.working_days || '' })),
      h('label', null, t('fd_note'), input('assign_note', { maxlength: 2000 })),
      h('button', { type: 'submit', class: 'btn primary', 'data-action': 'assign' }, t('fd_assign_btn'))))
    forms.push(verifyForm(app, typed, picked, problem, input, post, refuse))
  }
  if (status === 'verified') {
    forms.push(h('form', { class: 'card', 'data-form': 'close', onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault()
      post('close', { note: typed.close_note.trim() }, ['close_note'])
    } },
      h('strong', null, t('fd_close')),
      h('label', null, t('fd_note'), input('close_note', { maxlength: 2000 })),
      h('button', { type: 'submit', class: 'btn primary', 'data-action': 'close' }, t('fd_close_btn'))))
  }
  if (status === 'fixed_reported' || status === 'verified') {
    forms.push(h('form', { class: 'card', 'data-form': 'reopen', onsubmit: (/** @type {Event} */ e) => {
      e.preventDefault()
      if (!typed.reopen_note.trim()) return refuse('fd_need_reason')
      post('reopen', { note: typed.reopen_note.trim() }, ['reopen_note'])
    } },
      h('strong', null, t('fd_reopen')),
      h('label', null, t('fd_reopen_reason'), input('reopen_note', { rows: 2, maxlength: 2000 })),
      h('button', { type: 'submit', class: 'btn danger', 'data-action': 'reopen' }, t('fd_reopen_btn'))))
  }
  return [problem, forms]
}

/**
 * Verify with evidence: photos chosen here (prepared, shown with a remove button, uploaded
 * before the call with their progress), or a note with a later inspection of the site.
 * @param {any} app @param {Record<string, string>} typed @param {PickedPhotos} picked @param {HTMLElement} problem
 * @param {(name: string, attrs?: Record<string, any>) => HTMLInputElement} input
 * @param {(what: string, payload: Record<string, any>, fields: string[], done?: () => void) => Promise<void>} post
 * @param {(key: string) => void} refuse
 */
function verifyForm(app, typed, picked, problem, input, post, refuse) {
  const box = h('div', { class: 'thumbs', 'data-verify-photos': '0' })
  const button = /** @type {HTMLButtonElement} */ (h('button', { type: 'submit', class: 'btn', 'data-action': 'verify' }, t('fd_verify_btn')))
  const draw = () => {
    box.dataset.verifyPhotos = String(picked.photos.length)
    replace(box, picked.photos.map((p) => h('figure', { class: 'thumb', 'data-picked': p.sha256, 'data-upload': p.state },
      h('img', { alt: t('fd_verify_photo'), src: p.url, 'data-sha256': p.sha256 }),
      h('button', {
        type: 'button', class: 'thumb-x', 'data-action': 'remove-photo', 'aria-label': t('fd_remove_photo'), title: t('fd_remove_photo'),
        disabled: button.disabled,
        onclick: () => {
          picked.photos = picked.photos.filter((q) => q !== p)
          URL.revokeObjectURL(p.url)
          draw()
        },
      }, '×'),
      p.state === 'ready' ? null : h('figcaption', { class: ['thumb-state', p.state === 'failed' && 'bad'] },
        p.state === 'uploading' ? t('fd_uploading', { n: Math.floor((100 * p.sent) / (p.blob.size || 1)) })
          : t(p.state === 'uploaded' ? 'fd_uploaded' : 'fd_upload_failed')))))
  }
  const file = /** @type {HTMLInputElement} */ (h('input', {
    type: 'file', accept: 'image/*', multiple: true, class: 'file', name: 'verify_photos', 'data-verify-photo': true,
    onchange: () => {
      const files = [...(file.files || [])]
      file.value = '' // the same photo may be chosen again after removing it
      picked.ready = picked.ready.then(() => addPicked(picked, files, draw, problem))
    },
  }))
  const busy = (/** @type {boolean} */ on) => {
    button.disabled = on
    file.disabled = on
    draw()
  }
  const submit = async () => {
    await picked.ready
    const note = typed.verify_note.trim()
    const photos = picked.photos.map((p) => p.sha256)
    if (!photos.length && !(note && typed.inspection_id)) return refuse('fd_need_evidence')
    replace(problem)
    busy(true)
    try {
      await uploadPicked(app, picked.photos, draw)
    } catch (e) {
      replace(problem, problemBanner(e))
      busy(false)
      return
    }
    const payload = { note, photos, ...(typed.inspection_id ? { inspection_id: typed.inspection_id } : {}) }
    await post('verify', payload, ['verify_note', 'inspection_id'], () => {
      for (const p of picked.photos) URL.revokeObjectURL(p.url)
      picked.photos = []
    })
    if (button.isConnected) busy(false) // refused: the note, the inspection and the photos stay
  }
  draw()
  return h('form', { class: 'card', 'data-form': 'verify', onsubmit: (/** @type {Event} */ e) => {
    e.preventDefault()
    if (!button.disabled) submit()
  } },
    h('strong', null, t('fd_verify')),
    h('div', { class: 'photos' },
      h('span', { class: 'muted' }, t('fd_verify_photos')),
      box,
      h('label', { class: 'btn camera' }, file, t('fd_add_photos'))),
    h('label', null, t('fd_verify_note'), input('verify_note', { rows: 2, maxlength: 2000 })),
    h('label', null, t('fd_later_inspection'), laterSelect(typed)),
    h('p', { class: 'muted' }, t('fd_verify_hint')),
    button)
}

/**
 * Prepare chosen files as the phone does and add them (once per hash); a file that is not a
 * readable image is refused with a message, the others are kept.
 * @param {PickedPhotos} picked @param {File[]} files @param {() => void} draw @param {HTMLElement} problem
 */
async function addPicked(picked, files, draw, problem) {
  replace(problem)
  for (const file of files) {
    try {
      const prepared = await preparePhoto(file)
      if (picked.photos.some((p) => p.sha256 === prepared.sha256)) continue
      const url = URL.createObjectURL(prepared.thumb || prepared.blob)
      picked.photos.push({ sha256: prepared.sha256, blob: prepared.blob, media_type: prepared.media_type, url, state: 'ready', sent: 0 })
    } catch {
      replace(problem, h('div', { class: 'banner bad', role: 'alert', 'data-problem': 'unreadable-photo' }, t('fd_photo_unreadable', { name: file.name })))
    }
    draw()
  }
}

/**
 * Upload the photos the server lacks (POST /api/blobs/missing), each resumably with tus;
 * throws the first failure (ApiError with the problem, or NetworkError) and marks that photo.
 * @param {any} app @param {Picked[]} photos @param {() => void} draw
 */
async function uploadPicked(app, photos, draw) {
  const waiting = photos.filter((p) => p.state !== 'uploaded')
  if (!waiting.length) return
  const { missing } = await json('/api/blobs/missing', { method: 'POST', token: app.meta.token, body: { hashes: waiting.map((p) => p.sha256) } })
  for (const p of waiting) {
    if (missing.includes(p.sha256)) {
      p.state = 'uploading'
      p.sent = 0
      draw()
      try {
        // not kept in IndexedDB: uploadBlob's bookkeeping of the record finds nothing to update
        await uploadBlob(app.db, { sha256: p.sha256, blob: p.blob, kind: 'photo', media_type: p.media_type }, app.meta.token, {
          onBytes: (sent) => {
            p.sent = sent
            draw()
          },
        })
      } catch (e) {
        p.state = 'failed'
        draw()
        throw e
      }
    }
    p.state = 'uploaded'
    draw()
  }
}

/** The later-inspection choice; its options arrive with laterInspections(). @param {Record<string, string>} typed */
function laterSelect(typed) {
  const select = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'inspection_id', 'data-later': 'loading' },
    h('option', { value: '' }, t('fd_choose_inspection'))))
  select.addEventListener('change', () => (typed.inspection_id = select.value))
  return select
}

/**
 * Fill the later-inspection choice with the site's other submitted or approved inspections,
 * newest first (the server checks that the one chosen is later than the finding's).
 * @param {any} app @param {any} f @param {HTMLElement} content @param {Record<string, string>} typed
 */
async function laterInspections(app, f, content, typed) {
  const select = /** @type {HTMLSelectElement|null} */ (content.querySelector('select[name=inspection_id]'))
  if (!select) return
  const chosen = typed.inspection_id
  try {
    const rows = await json(`/api/inspections?${new URLSearchParams({ site_id: f.site_id })}`, { token: app.meta.token })
    const later = rows.filter((/** @type {any} */ r) => r.id !== f.inspection_id && (r.status === 'submitted' || r.status === 'approved'))
    const checklist = (/** @type {string} */ id) => L((app.meta.checklists || []).find((/** @type {any} */ c) => c.id === id)?.title) || id
    replace(select, h('option', { value: '' }, later.length ? t('fd_choose_inspection') : t('fd_no_later')),
      later.map((/** @type {any} */ r) => h('option', { value: r.id, selected: r.id === chosen },
        `${when(r.created_at)} · ${checklist(r.checklist_id)} · ${statusText(r.status)} · #${r.id.slice(0, 8)}`)))
    select.dataset.later = String(later.length)
  } catch {
    select.dataset.later = 'error'
  }
}
