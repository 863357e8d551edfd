// @ts-check
// Findings on the phone, read from the pulled inspection views (each lists its `findings` as
// sync/findings.py FindingBrief): the action's state as shown (withdrawn findings included),
// whether it is overdue (past its deadline, China date, and not verified; as sync/register.py),
// the open and overdue actions per site for the home page, and a China date for display.
import { chinaDay } from './plans.js'

export { chinaDay }

/** Action states that still need work (sync/findings.py UNVERIFIED). */
export const UNVERIFIED = ['open', 'fixed_reported']

/**
 * The state a finding's action shows: its action status, or `withdrawn` for a withdrawn finding.
 * @param {any} finding @returns {'open'|'fixed_reported'|'verified'|'closed'|'withdrawn'|string}
 */
export function actionState(finding) {
  return finding.status === 'withdrawn' ? 'withdrawn' : finding.action_status
}

/** Past its deadline and not verified yet. @param {any} finding @param {string} today China date YYYY-MM-DD */
export function isOverdue(finding, today) {
  return finding.status === 'active' && UNVERIFIED.includes(finding.action_status) && !!finding.deadline && finding.deadline < today
}

/** Findings of a view whose action is not verified yet (the ones an inspector may act on). @param {any} view @returns {any[]} */
export function unverified(view) {
  return (view?.findings || []).filter((/** @type {any} */ f) => f.status === 'active' && UNVERIFIED.includes(f.action_status))
}

/**
 * Per site: its open actions (not verified: open or fix reported), how many are overdue, how many
 * still wait for a fix (open), and the inspections holding them, sites with the most overdue first.
 * @param {any[]} views the local views of the phone's inspections @param {string} today
 * @returns {{site_id: string, open: number, to_fix: number, overdue: number, inspections: {id: string, open: number, overdue: number}[]}[]}
 */
export function actionsBySite(views, today) {
  /** @type {Map<string, any>} */
  const sites = new Map()
  for (const view of views) {
    const open = unverified(view)
    if (!open.length) continue
    const site = sites.get(view.site_id) || { site_id: view.site_id, open: 0, to_fix: 0, overdue: 0, inspections: [] }
    const overdue = open.filter((f) => isOverdue(f, today)).length
    site.open += open.length
    site.to_fix += open.filter((f) => f.action_status === 'open').length
    site.overdue += overdue
    site.inspections.push({ id: view.id, open: open.length, overdue })
    sites.set(view.site_id, site)
  }
  return [...sites.values()].sort((a, b) => b.overdue - a.overdue || b.open - a.open)
}
