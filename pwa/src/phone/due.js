// @ts-check
// The phone's “待检任务” section: the planned inspections due now and missed, from the list the
// last sync fetched (meta `due`, so it shows offline), with the time it was fetched. Each shows
// the checklist, the site, the kind of check and the period; missed ones in red. A due one
// starts an inspection of its site and checklist as “新建巡检” does; one the phone has already
// started in its period shows “进行中” (opening it) or “已提交” instead.
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { chinaDay, clock, dueRows, periodText } from '../model/plans.js'

/**
 * @param {any} app @param {any[]} inspections the local views of the phone's inspections
 * @param {(checklistId: string, siteId: string) => Promise<string>} start starts one; returns what went wrong
 */
export function dueSection(app, inspections, start) {
  const cache = app.meta.due
  const today = chinaDay(Date.now())
  const rows = dueRows(cache, inspections, today)
  return [
    h('div', { class: 'due-head' },
      h('h3', null, t('due_title')),
      cache ? h('span', { class: 'muted', 'data-updated': cache.at }, `${t('due_updated')} ${clock(cache.at)}`) : null),
    !cache
      ? h('p', { class: 'muted' }, t('due_never'))
      : rows.length
        ? h('ul', { class: 'due-tasks-list' }, rows.map((row) => dueItem(app, row, today, start)))
        : h('p', { class: 'muted', 'data-due-none': 'true' }, t('due_none')),
  ]
}

/** @param {any} app @param {import('../model/plans.js').DueRow} row @param {string} today @param {(checklistId: string, siteId: string) => Promise<string>} start */
function dueItem(app, row, today, start) {
  const checklist = (app.meta.checklists || []).find((/** @type {any} */ c) => c.id === row.checklist_id)
  const site = (app.meta.sites || []).find((/** @type {any} */ s) => s.id === row.site_id)
  const missed = row.status === 'missed'
  const error = h('p', { class: 'num-note bad' })
  const begin = async (/** @type {Event} */ e) => {
    const button = /** @type {HTMLButtonElement} */ (e.currentTarget)
    button.disabled = true
    error.textContent = await start(row.checklist_id, row.site_id)
    button.disabled = false
  }
  const action = row.state === 'in_progress' && row.started
    ? h('a', { class: 'btn small', href: `#/i/${row.started.id}`, 'data-action': 'open-due', 'data-started': row.started.id },
      h('span', { class: 'badge sync-waiting' }, t('due_in_progress')))
    : row.state === 'submitted'
      ? h('span', { class: 'badge st-submitted', 'data-started': row.started?.id }, t('due_submitted'))
      : row.state === 'start'
        ? h('button', { type: 'button', class: 'btn primary small', 'data-action': 'start-due', onclick: begin }, t('start'))
        : null
  return h(
    'li',
    { class: ['due-item', missed && 'missed'], 'data-due-item': `${row.plan_id}:${row.start}`, 'data-plan': row.plan_id,
      'data-status': row.status, 'data-state': row.state, 'data-site': row.site_id, 'data-checklist': row.checklist_id },
    h('div', { class: 'due-main' },
      h('strong', null, checklist ? L(checklist.title) : row.checklist_id),
      h('div', null, site ? site.name : row.site_id),
      h('div', { class: 'muted' },
        row.kind ? `${t(/** @type {any} */ (`plan_kind_${row.kind}`))} · ` : '',
        h('span', { 'data-period': `${row.start}~${row.end}` }, periodText(row, today))),
      row.estimated ? h('div', { class: 'muted due-note' }, t('due_estimated')) : null,
      error),
    h('div', { class: 'due-side' },
      missed
        ? h('span', { class: 'badge st-fail', 'data-missed': row.missed_count }, t('due_missed'),
          row.missed_count > 1 ? ` · ${t('due_missed_times', { n: row.missed_count })}` : '')
        : h('span', { class: 'badge st-returned' }, t('due_due')),
      action),
  )
}
