// @ts-check
// The desk's reports page (#/reports): a month or a quarter (the current one by default, as a
// China date like the server's), a district in the caller's scope; the due dates, the headline
// figures with their change against the previous period, charts of the items failed most, of
// this period against the previous one and of the corrective actions by status, and the
// CSV/XLSX exports of the period (fetched with the token, saved from a blob: URL).
import { json, send } from '../lib/api.js'
import { barChart, change, compareChart, minus, round1, stackedChart, withUnit } from './charts.js'
import { h, replace } from '../lib/dom.js'
import { deskBar, problemBanner } from './shell.js'
import { colon, L, t } from '../i18n/index.js'

const CHINA_OFFSET_MS = 8 * 3600 * 1000

/** The year and month (1–12) of a moment in China. @param {number} ms */
export function chinaMonth(ms) {
  const d = new Date(ms + CHINA_OFFSET_MS)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1 }
}

/** The last `n` months as "YYYY-MM", this one first. @param {number} ms @param {number} n */
export function recentMonths(ms, n) {
  const { year, month } = chinaMonth(ms)
  return Array.from({ length: n }, (_, i) => {
    const index = year * 12 + (month - 1) - i
    return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`
  })
}

/** The last `n` quarters as "YYYY-Qn", this one first. @param {number} ms @param {number} n */
export function recentQuarters(ms, n) {
  const { year, month } = chinaMonth(ms)
  const now = year * 4 + Math.floor((month - 1) / 3)
  return Array.from({ length: n }, (_, i) => `${Math.floor((now - i) / 4)}-Q${((now - i) % 4) + 1}`)
}

/** Days from `today` to `due` (ISO dates): positive ahead, negative past. @param {string} today @param {string} due */
export function daysUntil(today, due) {
  return Math.round((Date.parse(`${due}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86400000)
}

/** The query of the period's exports: a month, or the quarter's first and last days. @param {any} period @param {string} district */
export function exportQuery(period, district) {
  const params = new URLSearchParams(period.kind === 'month' ? { month: period.label } : { from: period.first, to: period.last })
  if (district) params.set('district_id', district)
  return params
}

/** Choices kept for the page's lifetime (coming back keeps them). */
const choice = { kind: /** @type {'month'|'quarter'} */ ('month'), month: '', quarter: '', district_id: '' }

/** @param {any} app */
export function renderDeskReports(app) {
  const now = Date.now()
  const months = recentMonths(now, 24)
  const quarters = recentQuarters(now, 8)
  choice.month ||= months[0]
  choice.quarter ||= quarters[0]
  const content = h('div', { class: 'report-body' }, h('p', { class: 'muted' }, '…'))
  const periodSelect = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'period' }))
  const districtSelect = /** @type {HTMLSelectElement} */ (h('select', { class: 'text', name: 'district_id' },
    h('option', { value: '' }, t('rep_all_districts'))))
  const page = h('div', { class: 'page desk', 'data-desk': 'reports' })
  /** @type {any[]} */
  let districts = []
  let run = 0
  const fillPeriods = () => {
    const list = choice.kind === 'month' ? months : quarters
    const chosen = choice.kind === 'month' ? choice.month : choice.quarter
    replace(periodSelect, list.map((p) => h('option', { value: p, selected: p === chosen }, p)))
  }
  const load = async () => {
    const mine = ++run
    const label = choice.kind === 'month' ? choice.month : choice.quarter
    delete page.dataset.loaded
    const params = new URLSearchParams(choice.kind === 'month' ? { month: label } : { quarter: label })
    if (choice.district_id) params.set('district_id', choice.district_id)
    try {
      const report = await json(`/api/reports/${choice.kind === 'month' ? 'monthly' : 'quarterly'}?${params}`, { token: app.meta.token })
      if (mine !== run) return
      const district = districts.find((d) => d.id === choice.district_id)
      replace(content, reportView(app, report, district))
      page.dataset.district = report.district_id || ''
      page.dataset.loaded = report.period.label
    } catch (e) {
      if (mine !== run) return
      replace(content, problemBanner(e))
      page.dataset.loaded = 'error'
    }
  }
  const kindSelect = h('select', { class: 'text', name: 'kind', onchange: (/** @type {Event} */ e) => {
    choice.kind = /** @type {HTMLSelectElement} */ (e.target).value === 'quarter' ? 'quarter' : 'month'
    fillPeriods()
    load()
  } },
    h('option', { value: 'month', selected: choice.kind === 'month' }, t('rep_monthly')),
    h('option', { value: 'quarter', selected: choice.kind === 'quarter' }, t('rep_quarterly')))
  periodSelect.addEventListener('change', () => {
    if (choice.kind === 'month') choice.month = periodSelect.value
    else choice.quarter = periodSelect.value
    load()
  })
  districtSelect.addEventListener('change', () => {
    choice.district_id = districtSelect.value
    load()
  })
  fillPeriods()
  replace(page,
    deskBar(app, t('rep_title')),
    h('div', { class: 'card desk-filters' },
      h('label', null, t('rep_kind'), kindSelect),
      h('label', null, t('rep_period'), periodSelect),
      h('label', null, t('rep_district'), districtSelect),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'reload', onclick: load }, t('desk_refresh')),
      app.meta.user?.role === 'admin' && h('button', { type: 'button', class: 'btn small', 'data-action': 'site-labels',
        onclick: () => download(`/api/sites/labels.pdf${choice.district_id ? `?district_id=${encodeURIComponent(choice.district_id)}` : ''}`, app.meta.token, 'site-labels.pdf') },
      t('site_labels'))),
    content)
  json('/api/districts', { token: app.meta.token }).then((list) => {
    districts = list
    replace(districtSelect, h('option', { value: '' }, t('rep_all_districts')),
      list.map((/** @type {any} */ d) => h('option', { value: d.id, selected: d.id === choice.district_id }, d.name)))
  }).catch(() => {}).finally(load)
  return page
}

/** @param {any} app @param {any} report @param {any} district */
function reportView(app, report, district) {
  const now = report.current
  const before = report.previous
  return [
    dueDates(report),
    headline(report),
    h('div', { class: 'chart-grid' },
      topItems(now),
      h('section', { class: 'card chart-card' }, h('h3', null, t('rep_compare')),
        compareChart(t('rep_compare'), 'compare', [
          { key: 'inspections', label: t('rep_done'), now: now.inspections, before: before.inspections },
          { key: 'planned', label: t('rep_plan'), now: now.planned, before: before.planned },
          { key: 'pass_rate', label: t('rep_pass_rate'), now: now.pass_rate, before: before.pass_rate, percent: true },
        ], { now: `${t('rep_this')} ${now.period.label}`, before: `${t('rep_previous')} ${before.period.label}` })),
      actionsChart(now, before),
      topClauses(now)),
    exports(app, report, district),
  ]
}

/** @param {any} report */
function dueDates(report) {
  return h('section', { class: 'card due-dates', 'data-due': report.deadlines.length },
    h('h3', null, `${t('rep_due')} · ${report.period.label}`),
    h('ul', { class: 'due-list' }, report.deadlines.map((/** @type {any} */ d) => {
      const days = daysUntil(report.today, d.due)
      const left = days > 0 ? t('rep_days_left', { n: days }) : days === 0 ? t('rep_due_today') : t('rep_days_past', { n: -days })
      return h('li', { 'data-deadline': d.what, 'data-due': d.due, class: days < 0 ? 'past' : days <= 3 ? 'soon' : '' },
        h('strong', null, d.due), ' ', t(/** @type {any} */ (`rep_due_${d.what}`)), ' ',
        h('span', { class: 'badge' }, left), h('div', { class: 'muted' }, d.rule))
    })))
}

/**
 * The headline figures: each tile with its value (data-value: the API's number) and change.
 * @param {any} report
 */
export function headlineFigures(report) {
  const now = report.current
  const before = report.previous
  const c = report.change
  const coverage = (/** @type {any} */ f) => (f.planned ? round1((100 * f.planned_done) / f.planned) : null)
  return [
    { key: 'inspections', label: t('rep_done'), value: now.inspections, delta: c.inspections, better: 'up' },
    { key: 'planned', label: t('rep_planned'), value: now.planned_done, text: now.planned === null ? t('rep_no_plan') : `${now.planned_done} / ${now.planned}`, delta: minus(now.planned_done, before.planned_done), better: 'up' },
    { key: 'coverage', label: t('rep_coverage'), value: coverage(now), unit: '%', delta: minus(coverage(now), coverage(before)), better: 'up' },
    { key: 'average_score', label: t('rep_average_score'), value: now.average_score, delta: c.average_score, better: 'up' },
    { key: 'pass_rate', label: t('rep_pass_rate'), value: now.pass_rate, unit: '%', delta: c.pass_rate, better: 'up' },
    { key: 'failed_answers', label: t('rep_failed_answers'), value: now.failed_answers, delta: c.failed_answers, better: 'down' },
    { key: 'open', label: t('rep_open'), value: now.actions.open, delta: c.open_actions, better: 'down' },
    { key: 'overdue', label: t('rep_overdue'), value: now.actions.overdue, delta: c.overdue_actions, better: 'down' },
    { key: 'closed', label: t('rep_closed'), value: now.actions.closed, delta: minus(now.actions.closed, before.actions.closed), better: 'up' },
    { key: 'median_days_to_close', label: t('rep_median_days'), value: now.actions.median_days_to_close, unit: t('rep_days'), delta: minus(now.actions.median_days_to_close, before.actions.median_days_to_close), better: 'down' },
    { key: 'repeat_findings', label: t('rep_repeat'), value: now.repeat_findings, delta: c.repeat_findings, better: 'down' },
  ]
}

/** @param {any} report */
function headline(report) {
  return h('section', { class: 'card' },
    h('h3', null, `${t('rep_headline')} · ${report.period.label}`, h('span', { class: 'muted' }, ` (${t('rep_vs_previous', { p: report.previous.period.label })})`)),
    h('div', { class: 'figures' }, headlineFigures(report).map((f) => {
      const moved = change(f.delta, /** @type {'up'|'down'} */ (f.better))
      return h('div', { class: 'figure', 'data-figure': f.key, 'data-value': f.value ?? '' },
        h('span', { class: 'figure-label' }, f.label),
        h('strong', { class: 'figure-value' }, f.text ?? withUnit(f.value, f.unit || '')),
        h('span', { class: ['change', `tone-${moved.tone}`], 'data-change': moved.delta ?? '', title: `${t('rep_previous')}${colon()}${report.previous.period.label}` }, moved.text))
    })))
}

/** @param {any} now */
function topItems(now) {
  const items = now.top_failing_items
  const label = (/** @type {any} */ i) => `${L(i.label)}（${i.clause}）`
  return h('section', { class: 'card chart-card', 'data-top-items': items.length },
    h('h3', null, t('rep_top_items')),
    items.length
      ? [barChart(t('rep_top_items'), 'top-items', items.map((/** @type {any} */ i) => ({ key: `${i.checklist_id}:${i.item_path}`, label: label(i), value: i.count, cls: `c-sev-${i.severity}` }))),
        h('div', { class: 'desk-table-wrap' }, h('table', { class: 'desk-table chart-table' },
          h('thead', null, h('tr', null, ['rep_item', 'clause', 'fd_severity', 'rep_count'].map((k) => h('th', null, t(/** @type {any} */ (k)))))),
          h('tbody', null, items.map((/** @type {any} */ i) => h('tr', { 'data-item': `${i.checklist_id}:${i.item_path}` },
            h('td', { class: 'wrap' }, L(i.label)), h('td', { class: 'wrap' }, i.clause),
            h('td', null, t(/** @type {any} */ (`severity_${i.severity}`))), h('td', null, String(i.count)))))))]
      : h('p', { class: 'muted' }, t('rep_none_failed')))
}

/** @param {any} now */
function topClauses(now) {
  if (!now.top_failing_clauses.length) return null
  return h('section', { class: 'card chart-card' }, h('h3', null, t('rep_top_clauses')),
    h('table', { class: 'desk-table' },
      h('thead', null, h('tr', null, h('th', null, t('clause')), h('th', null, t('rep_count')))),
      h('tbody', null, now.top_failing_clauses.map((/** @type {any} */ c) => h('tr', { 'data-clause': c.clause },
        h('td', { class: 'wrap' }, c.clause), h('td', null, String(c.count)))))))
}

/** The corrective actions by status, this period and the previous one. @param {any} now @param {any} before */
function actionsChart(now, before) {
  const parts = (/** @type {any} */ a) => [
    { key: 'open', value: a.open - a.overdue },
    { key: 'overdue', value: a.overdue },
    { key: 'verified', value: a.verified },
    { key: 'closed', value: a.closed },
  ]
  const names = { open: t('rep_open_in_time'), overdue: t('fd_overdue'), verified: t('rep_verified'), closed: t('act_closed') }
  const rows = [
    { key: 'now', label: `${t('rep_this')}`, parts: parts(now.actions) },
    { key: 'before', label: `${t('rep_previous')}`, parts: parts(before.actions) },
  ]
  return h('section', { class: 'card chart-card', 'data-actions': now.actions.findings },
    h('h3', null, t('rep_actions_chart')),
    now.actions.findings || before.actions.findings
      ? [stackedChart(t('rep_actions_chart'), 'actions', rows, names),
        h('table', { class: 'desk-table chart-table' },
          h('thead', null, h('tr', null, h('th', null, t('fd_action_status')), h('th', null, `${t('rep_this')} ${now.period.label}`), h('th', null, `${t('rep_previous')} ${before.period.label}`))),
          h('tbody', null, Object.entries(names).map(([key, name], i) => h('tr', { 'data-part': key },
            h('td', null, h('span', { class: ['swatch', `c-${key}`] }), name),
            h('td', null, String(rows[0].parts[i].value)), h('td', null, String(rows[1].parts[i].value))))))]
      : h('p', { class: 'muted' }, t('rep_no_actions')))
}

/** The export buttons of the period. @param {any} app @param {any} report @param {any} district */
function exports(app, report, district) {
  const note = h('div', { 'aria-live': 'polite' })
  const params = exportQuery(report.period, district?.id || '')
  const place = district ? `-${district.name.split(' ')[0]}` : ''
  const button = (/** @type {string} */ kind, /** @type {string} */ fmt) => {
    const file = `${kind}.${fmt}`
    const name = `巡检-${report.period.label}${place}-${file}`
    return h('button', { type: 'button', class: 'btn small', 'data-export': file, onclick: async (/** @type {Event} */ e) => {
      const target = /** @type {HTMLButtonElement} */ (e.currentTarget)
      target.disabled = true
      replace(note, h('span', { class: 'muted' }, t('rep_downloading')))
      try {
        await download(`/api/exports/${file}?${params}`, app.meta.token, name)
        replace(note)
      } catch (error) {
        replace(note, problemBanner(error))
      } finally {
        target.disabled = false
      }
    } }, `${t(kind === 'inspections' ? 'rep_export_inspections' : 'rep_export_answers')} ${fmt.toUpperCase()}`)
  }
  return h('section', { class: 'card' },
    h('h3', null, `${t('rep_export')} · ${report.period.label}`),
    h('div', { class: 'row-actions exports' }, button('inspections', 'csv'), button('inspections', 'xlsx'), button('answers', 'csv'), button('answers', 'xlsx')),
    note)
}

/** Fetch a file with the token and save it under `filename` (a blob: URL, freed after a minute). @param {string} path @param {string} token @param {string} filename */
export async function download(path, token, filename) {
  const response = await send(path, { token })
  const url = URL.createObjectURL(await response.blob())
  const a = h('a', { href: url, download: filename, hidden: true })
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
}
