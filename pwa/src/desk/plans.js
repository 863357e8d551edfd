// @ts-check
// The desk's plans page (#/plans): the coverage of a month (the current China month by
// default; GET /api/schedules/coverage) per plan with each period as a done / due / missed chip,
// the counts and the share done; the active plans (GET /api/schedules) with a form to plan a
// site (POST /api/schedules) and a deactivate button asking first; and the possible
// duplicates (GET /api/schedules/duplicates), each linking to its inspections.
import { json, send } from '../lib/api.js'
import { loadDirectory } from './directory.js'
import { h, replace } from '../lib/dom.js'
import { deskBar, problemBanner, who } from './shell.js'
import { recentMonths } from './reports.js'
import { L, t } from '../i18n/index.js'
import { CADENCES, PLAN_KINDS, chinaDay, chipText, coverageByPlan, monthRange } from '../model/plans.js'

/** The month shown, kept for the page's lifetime. */
const choice = { month: '' }

/** @param {any} app @param {string} id */
function siteName(app, id) {
  return (app.meta.sites || []).find((/** @type {any} */ s) => s.id === id)?.name || id
}

/** @param {any} app @param {string} id */
function checklistTitle(app, id) {
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === id)
  return checklist ? L(checklist.title) : id
}

/** @param {string} kind */
export function kindText(kind) {
  return PLAN_KINDS.includes(kind) ? t(/** @type {any} */ (`plan_kind_${kind}`)) : kind
}

/** @param {string} cadence */
export function cadenceText(cadence) {
  return CADENCES.includes(cadence) ? t(/** @type {any} */ (`cadence_${cadence}`)) : cadence
}

/** @param {any} app */
export function renderDeskPlans(app) {
  const months = recentMonths(Date.now(), 12)
  choice.month ||= months[0]
  const page = h('div', { class: 'page desk', 'data-desk': 'plans' })
  const coverageBox = h('section', { class: 'card plan-coverage' }, h('p', { class: 'muted' }, '…'))
  const plansBox = h('section', { class: 'card plan-list' }, h('p', { class: 'muted' }, '…'))
  const duplicatesBox = h('section', { class: 'card plan-duplicates' }, h('p', { class: 'muted' }, '…'))
  const monthSelect = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'month' },
    months.map((m) => h('option', { value: m, selected: m === choice.month }, m))))
  let run = 0
  const load = async () => {
    const mine = ++run // a later month or change wins over an answer still on its way
    delete page.dataset.loaded
    const [first, last] = monthRange(choice.month)
    const token = app.meta.token
    try {
      const [plans, coverage, duplicates] = await Promise.all([
        json('/api/schedules', { token }),
        json(`/api/schedules/coverage?${new URLSearchParams({ first, last })}`, { token }),
        json('/api/schedules/duplicates', { token }),
        loadDirectory(app),
      ])
      if (mine !== run) return
      replace(coverageBox, coverageView(app, coverage, plans))
      replace(plansBox, plansView(app, plans, load))
      replace(duplicatesBox, duplicatesView(app, duplicates))
      page.dataset.plans = String(plans.length)
      page.dataset.duplicates = String(duplicates.length)
      page.dataset.loaded = choice.month
    } catch (e) {
      if (mine !== run) return
      replace(coverageBox, problemBanner(e))
      page.dataset.loaded = 'error'
    }
  }
  monthSelect.addEventListener('change', () => {
    choice.month = monthSelect.value
    load()
  })
  replace(page,
    deskBar(app, t('pl_title')),
    h('div', { class: 'card desk-filters' },
      h('label', null, t('pl_month'), monthSelect),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'reload', onclick: load }, t('desk_refresh'))),
    coverageBox,
    plansBox,
    planForm(app, load),
    duplicatesBox)
  load()
  return page
}

/** Coverage per plan: chips per period, counts, the share done. @param {any} app @param {any} coverage @param {any[]} plans */
function coverageView(app, coverage, plans) {
  const rows = coverageByPlan(coverage, plans)
  const heads = ['desk_site', 'desk_checklist', 'pl_kind', 'pl_cadence', 'pl_assignee', 'pl_periods', 'pl_done_planned', 'pl_percent']
  return [
    h('h3', null, `${t('pl_coverage')} · ${choice.month}`),
    h('p', { class: 'muted plan-totals', 'data-planned': coverage.planned, 'data-done': coverage.done, 'data-due': coverage.due, 'data-missed': coverage.missed },
      t('pl_totals', { planned: coverage.planned, done: coverage.done, due: coverage.due, missed: coverage.missed })),
    rows.length
      ? h('div', { class: 'desk-table-wrap' }, h('table', { class: 'desk-table coverage-table' },
        h('thead', null, h('tr', null, heads.map((k) => h('th', null, t(/** @type {any} */ (k)))))),
        h('tbody', null, rows.map((r) => h('tr', { 'data-plan': r.plan.id, 'data-planned': r.planned, 'data-done': r.done, 'data-due': r.due, 'data-missed': r.missed, 'data-percent': r.percent ?? '' },
          h('td', null, siteName(app, r.plan.site_id)),
          h('td', null, checklistTitle(app, r.plan.checklist_id)),
          h('td', null, kindText(r.plan.kind)),
          h('td', null, cadenceText(r.plan.cadence)),
          h('td', null, r.plan.assignee_id ? who(app, r.plan.assignee_id) : h('span', { class: 'muted' }, t('pl_anyone'))),
          h('td', { class: 'wrap' }, r.periods.length
            ? h('div', { class: 'period-chips' }, r.periods.map((p) => periodChip(p)))
            : h('span', { class: 'muted' }, t('pl_no_period'))),
          h('td', null, `${r.done} / ${r.planned}`,
            r.missed ? h('span', { class: 'badge st-fail' }, `${t('pl_missed')} ${r.missed}`) : null),
          h('td', { class: r.percent !== null && r.percent < 100 && r.missed ? 'bad' : '' }, r.percent === null ? '—' : `${r.percent}%`))))))
      : h('p', { class: 'muted' }, t('pl_no_plans')),
  ]
}

/** One period: a link to the inspection when done. @param {any} p */
function periodChip(p) {
  const attrs = { class: ['period-chip', `p-${p.status}`], 'data-period': p.start, 'data-status': p.status,
    title: `${p.start} ~ ${p.end} · ${t(/** @type {any} */ (`pl_status_${p.status}`))}` }
  const text = `${chipText(p)} ${t(/** @type {any} */ (`pl_status_${p.status}`))}`
  return p.inspection_id
    ? h('a', { ...attrs, href: `#/d/${p.inspection_id}`, 'data-inspection': p.inspection_id }, text)
    : h('span', attrs, text)
}

/** The active plans, each with a deactivate button that asks first. @param {any} app @param {any[]} plans @param {() => void} reload */
function plansView(app, plans, reload) {
  const heads = ['desk_site', 'desk_checklist', 'pl_kind', 'pl_cadence', 'pl_assignee', 'pl_starts_on', '']
  return [
    h('h3', null, `${t('pl_active')} (${plans.length})`),
    plans.length
      ? h('div', { class: 'desk-table-wrap' }, h('table', { class: 'desk-table plans-table' },
        h('thead', null, h('tr', null, heads.map((k) => h('th', null, k ? t(/** @type {any} */ (k)) : '')))),
        h('tbody', null, plans.map((p) => h('tr', { 'data-plan': p.id, 'data-site': p.site_id, 'data-checklist': p.checklist_id, 'data-kind': p.kind, 'data-cadence': p.cadence, 'data-assignee': p.assignee_id || '' },
          h('td', null, siteName(app, p.site_id)),
          h('td', null, checklistTitle(app, p.checklist_id)),
          h('td', null, kindText(p.kind)),
          h('td', null, cadenceText(p.cadence)),
          h('td', null, p.assignee_id ? who(app, p.assignee_id) : h('span', { class: 'muted' }, t('pl_anyone'))),
          h('td', null, p.starts_on),
          h('td', { class: 'wrap' }, deactivateControl(app, p, reload)))))))
      : h('p', { class: 'muted' }, t('pl_no_plans')),
  ]
}

/** "停用", then "确认停用 / 取消"; a refusal shows the server's problem. @param {any} app @param {any} plan @param {() => void} reload */
function deactivateControl(app, plan, reload) {
  const box = h('div', { class: 'deactivate' })
  const ask = () => replace(box,
    h('button', { type: 'button', class: 'btn small danger', 'data-action': 'deactivate', onclick: confirm }, t('pl_deactivate')))
  const confirm = () => replace(box,
    h('span', { class: 'bad' }, t('pl_confirm_deactivate')), ' ',
    h('button', { type: 'button', class: 'btn small danger', 'data-action': 'confirm-deactivate', onclick: stop }, t('pl_confirm')), ' ',
    h('button', { type: 'button', class: 'btn small', 'data-action': 'cancel-deactivate', onclick: ask }, t('cancel')))
  const stop = async (/** @type {Event} */ e) => {
    /** @type {HTMLButtonElement} */ (e.currentTarget).disabled = true
    try {
      await send(`/api/schedules/${encodeURIComponent(plan.id)}/deactivate`, { method: 'PUT', token: app.meta.token })
      reload()
    } catch (error) {
      confirm()
      box.append(problemBanner(error))
    }
  }
  ask()
  return box
}

/**
 * The new-plan form: site (in scope), checklist fitting the site, kind, cadence (from the kind
 * unless chosen), an inspector (optional) and the first day. Built once: what was typed stays
 * when the server refuses it. @param {any} app @param {() => void} reload
 */
function planForm(app, reload) {
  const sites = app.meta.sites || []
  const checklists = app.meta.checklists || []
  const site = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'plan_site' },
    sites.map((/** @type {any} */ s) => h('option', { value: s.id }, s.name))))
  const checklist = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'plan_checklist' }))
  const kind = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'plan_kind' },
    PLAN_KINDS.map((k) => h('option', { value: k }, kindText(k)))))
  const cadence = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'plan_cadence' },
    h('option', { value: '' }, t('pl_cadence_default')), CADENCES.map((c) => h('option', { value: c }, cadenceText(c)))))
  const assignee = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'plan_assignee' },
    h('option', { value: '' }, t('pl_anyone'))))
  const startsOn = /** @type {HTMLInputElement} */ (h('input', { class: 'text', type: 'date', name: 'plan_starts_on', value: chinaDay(Date.now()) }))
  const note = h('div', { 'aria-live': 'polite', 'data-plan-note': '' })
  const fill = () => {
    const chosen = sites.find((/** @type {any} */ s) => s.id === site.value)
    const fits = checklists.filter((/** @type {any} */ c) => !c.site_types?.length || !chosen || c.site_types.includes(chosen.site_type))
    replace(checklist, fits.map((/** @type {any} */ c) => h('option', { value: c.id }, L(c.title))))
  }
  site.addEventListener('change', fill)
  fill()
  loadDirectory(app).then((directory) => {
    const inspectors = [...(directory?.users.values() || [])].filter((u) => u.role === 'inspector' && u.active)
    assignee.append(...inspectors.map((u) => h('option', { value: u.id }, u.display_name || u.username)))
  })
  const form = h('form', { class: 'card plan-form', 'data-form': 'plan' },
    h('h3', null, t('pl_new')),
    h('div', { class: 'desk-filters plan-fields' },
      h('label', null, t('desk_site'), site),
      h('label', null, t('desk_checklist'), checklist),
      h('label', null, t('pl_kind'), kind),
      h('label', null, t('pl_cadence'), cadence),
      h('label', null, t('pl_assignee'), assignee),
      h('label', null, t('pl_starts_on'), startsOn)),
    h('div', { class: 'row-actions' }, h('button', { type: 'submit', class: 'btn primary', 'data-action': 'create-plan' }, t('pl_create'))),
    note)
  form.addEventListener('submit', async (event) => {
    event.preventDefault()
    const button = /** @type {HTMLButtonElement} */ (form.querySelector('[data-action=create-plan]'))
    button.disabled = true
    replace(note)
    /** @type {Record<string, string>} */
    const body = { site_id: site.value, checklist_id: checklist.value, kind: kind.value }
    if (cadence.value) body.cadence = cadence.value
    if (assignee.value) body.assignee_id = assignee.value
    if (startsOn.value) body.starts_on = startsOn.value
    try {
      const plan = await json('/api/schedules', { method: 'POST', token: app.meta.token, body })
      replace(note, h('p', { class: 'muted', 'data-created': plan.id }, t('pl_created')))
      reload()
    } catch (error) {
      replace(note, problemBanner(error))
    } finally {
      button.disabled = false
    }
  })
  return form
}

/** Same site, checklist and day on different devices, each linking to its inspections. @param {any} app @param {any[]} duplicates */
function duplicatesView(app, duplicates) {
  return [
    h('h3', null, `${t('pl_duplicates')} (${duplicates.length})`),
    h('p', { class: 'muted' }, t('pl_dup_hint')),
    duplicates.length
      ? h('div', { class: 'desk-table-wrap' }, h('table', { class: 'desk-table duplicates-table' },
        h('thead', null, h('tr', null, ['pl_day', 'desk_site', 'desk_checklist', 'pl_inspections'].map((k) => h('th', null, t(/** @type {any} */ (k)))))),
        h('tbody', null, duplicates.map((d) => h('tr', { 'data-duplicate': `${d.site_id}:${d.checklist_id}:${d.day}`, 'data-count': d.inspection_ids.length },
          h('td', null, d.day),
          h('td', null, siteName(app, d.site_id)),
          h('td', null, checklistTitle(app, d.checklist_id)),
          h('td', { class: 'wrap' }, d.inspection_ids.map((/** @type {string} */ id) =>
            h('a', { href: `#/d/${id}`, class: 'dup-link', 'data-inspection': id }, `#${id.slice(0, 8)}`))))))))
      : h('p', { class: 'muted' }, t('pl_no_duplicates')),
  ]
}
