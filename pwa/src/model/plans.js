// @ts-check
// Inspection plans in the app's own terms, shared by the phone's due list and the desk's plans
// page. Pure functions: China dates (UTC+8, as the server counts them), the period of a plan
// holding a day (as sync/schedules.py period_of), the period's text, and what the phone shows
// as due from the list it last fetched (GET /api/schedules/due, with the plans), its own
// inspections and today's date, offline included.
import { t } from '../i18n/index.js'

const DAY_MS = 86400000
const CHINA_OFFSET_MS = 8 * 3600 * 1000
export const PLAN_KINDS = ['monthly_spot_check', 'weekly_manager_check', 'weekly_full_inspection', 'daily_check', 'other']
export const CADENCES = ['daily', 'weekly', 'monthly']
/** The cadence a kind implies (a plan of kind "other" names its own), as sync/schedules.py. */
export const KIND_CADENCE = { monthly_spot_check: 'monthly', weekly_manager_check: 'weekly', weekly_full_inspection: 'weekly', daily_check: 'daily' }
/** Local inspections in these states cover their period (as the server's DONE). */
const DONE = ['submitted', 'returned', 'approved']

/** The China date ("YYYY-MM-DD") of a moment in ms. @param {number} ms */
export function chinaDay(ms) {
  return new Date(ms + CHINA_OFFSET_MS).toISOString().slice(0, 10)
}

/** @param {string} day @param {number} n */
export function addDays(day, n) {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10)
}

/** The last day of the month of `day`. @param {string} day */
export function monthEnd(day) {
  const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`)
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).toISOString().slice(0, 10)
}

/**
 * The period holding `day`: the day, its ISO week (Monday to Sunday) or its calendar month.
 * @param {string} day @param {string} cadence @returns {{start: string, end: string}}
 */
export function periodOf(day, cadence) {
  if (cadence === 'daily') return { start: day, end: day }
  if (cadence === 'weekly') {
    const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7 // Monday 0 … Sunday 6
    const start = addDays(day, -weekday)
    return { start, end: addDays(start, 6) }
  }
  return { start: `${day.slice(0, 7)}-01`, end: monthEnd(day) }
}

/** A period's cadence read from its dates (a due item does not carry it). @param {string} start @param {string} end */
export function cadenceOf(start, end) {
  if (start === end) return 'daily'
  if (addDays(start, 6) === end && periodOf(start, 'weekly').start === start) return 'weekly'
  if (start.endsWith('-01') && monthEnd(start) === end) return 'monthly'
  return ''
}

/**
 * A period as the inspector reads it: "本周 2026-11-16 ~ 2026-11-22", "上月 2026-10-01 ~ 2026-10-31",
 * "今天 2026-11-22"; without a name when it is neither this period nor the one before.
 * @param {{start: string, end: string}} period @param {string} today
 */
export function periodText(period, today) {
  const cadence = cadenceOf(period.start, period.end)
  const range = period.start === period.end ? period.start : `${period.start} ~ ${period.end}`
  const name = periodName(period, cadence, today)
  return name ? `${name} ${range}` : range
}

/** @param {{start: string, end: string}} period @param {string} cadence @param {string} today */
function periodName(period, cadence, today) {
  if (!cadence) return ''
  const names = /** @type {Record<string, [string, string]>} */ ({
    daily: ['period_today', 'period_yesterday'],
    weekly: ['period_this_week', 'period_last_week'],
    monthly: ['period_this_month', 'period_last_month'],
  })[cadence]
  const current = periodOf(today, cadence)
  if (period.start === current.start) return t(/** @type {any} */ (names[0]))
  if (period.end === addDays(current.start, -1)) return t(/** @type {any} */ (names[1]))
  return ''
}

/** A short period for a chip: "11-22", "11-16~11-22", "2026-11". @param {{start: string, end: string}} period */
export function chipText(period) {
  if (period.start === period.end) return period.start.slice(5)
  if (cadenceOf(period.start, period.end) === 'monthly') return period.start.slice(0, 7)
  return `${period.start.slice(5)}~${period.end.slice(5)}`
}

/**
 * @typedef {{plan_id: string, site_id: string, checklist_id: string, start: string, end: string, status: string}} DueItem
 * @typedef {{id: string, site_id: string, checklist_id: string, cadence: string, kind: string, starts_on: string, assignee_id?: string|null}} Plan
 * @typedef {{at: number, today: string, items: DueItem[], plans: Plan[]}} DueCache
 * @typedef {{id: string, site_id: string, checklist_id: string, status: string, created_at: string}} LocalInspection
 * @typedef {DueItem & {kind: string, cadence: string, estimated: boolean, missed_count: number, started: LocalInspection|null, state: 'start'|'in_progress'|'submitted'|'missed'}} DueRow
 */

/**
 * What the phone shows as due now: the fetched items with their status as of `today` (a due
 * period that has ended while offline is missed), the current period of each plan when the
 * list was fetched in an earlier period (estimated from the plan's cadence), missed periods
 * folded to the latest per plan, and the inspection the phone has started for each period.
 * Due first (soonest end first), then missed (latest first).
 * @param {DueCache|null|undefined} cache @param {LocalInspection[]} inspections @param {string} today
 * @returns {DueRow[]}
 */
export function dueRows(cache, inspections, today) {
  if (!cache) return []
  const plans = new Map((cache.plans || []).map((p) => [p.id, p]))
  /** @type {DueItem[]} */
  const items = (cache.items || []).filter((i) => i.status !== 'done' && i.start <= today)
    .map((i) => ({ ...i, status: i.end < today ? 'missed' : 'due' }))
  const estimated = new Set()
  for (const plan of plans.values()) {
    const current = periodOf(today, plan.cadence)
    const known = periodOf(cache.today || today, plan.cadence)
    const listed = items.some((i) => i.plan_id === plan.id && i.start === current.start)
    // fetched in an earlier period: the server could not list this one yet, and nothing covers it
    if (!listed && known.start < current.start && plan.starts_on <= today) {
      items.push({ plan_id: plan.id, site_id: plan.site_id, checklist_id: plan.checklist_id, ...current, status: 'due' })
      estimated.add(`${plan.id}:${current.start}`)
    }
  }
  /** @type {Map<string, number>} */
  const missedCount = new Map()
  for (const i of items) if (i.status === 'missed') missedCount.set(i.plan_id, (missedCount.get(i.plan_id) || 0) + 1)
  /** @type {Map<string, DueItem>} the latest missed period per plan */
  const latestMissed = new Map()
  for (const i of items) {
    if (i.status !== 'missed') continue
    const held = latestMissed.get(i.plan_id)
    if (!held || held.start < i.start) latestMissed.set(i.plan_id, i)
  }
  const shown = [...items.filter((i) => i.status === 'due'), ...latestMissed.values()]
  /** @type {DueRow[]} */
  const rows = shown.map((i) => {
    const plan = plans.get(i.plan_id)
    const started = startedIn(i, inspections)
    const covered = started && DONE.includes(started.status)
    /** @type {DueRow['state']} */
    const state = covered ? 'submitted' : started ? 'in_progress' : i.status === 'missed' ? 'missed' : 'start'
    return {
      ...i,
      kind: plan?.kind || '',
      cadence: plan?.cadence || cadenceOf(i.start, i.end),
      estimated: estimated.has(`${i.plan_id}:${i.start}`),
      missed_count: i.status === 'missed' ? missedCount.get(i.plan_id) || 1 : 0,
      started,
      state,
    }
  })
  return rows.sort((a, b) => (a.status === b.status
    ? a.status === 'due' ? a.end.localeCompare(b.end) || a.site_id.localeCompare(b.site_id) : b.start.localeCompare(a.start)
    : a.status === 'due' ? -1 : 1))
}

/**
 * The phone's inspection of the item's site and checklist started in its period (China date),
 * if any; one that covers it wins over a draft.
 * @param {DueItem} item @param {LocalInspection[]} inspections
 */
export function startedIn(item, inspections) {
  const fits = inspections.filter((v) => v.site_id === item.site_id && v.checklist_id === item.checklist_id
    && !['deleted', 'rejected'].includes(v.status) && inPeriod(v.created_at, item))
  return fits.find((v) => DONE.includes(v.status)) || fits[0] || null
}

/** @param {string} iso @param {{start: string, end: string}} period */
function inPeriod(iso, period) {
  const ms = Date.parse(iso)
  if (Number.isNaN(ms)) return false
  const day = chinaDay(ms)
  return period.start <= day && day <= period.end
}

/** A month's first and last days: "2026-11" → ["2026-11-01", "2026-11-30"]. @param {string} month */
export function monthRange(month) {
  return [`${month}-01`, monthEnd(`${month}-01`)]
}

/**
 * Coverage per plan: the plan's periods in order with their counts and the share done
 * (100 × done / planned, one decimal; null without periods). Plans without a period in the
 * range are kept with none.
 * @param {{periods: any[]}} coverage @param {Plan[]} plans
 */
export function coverageByPlan(coverage, plans) {
  return plans.map((plan) => {
    const periods = coverage.periods.filter((p) => p.plan_id === plan.id).sort((a, b) => a.start.localeCompare(b.start))
    const count = (/** @type {string} */ s) => periods.filter((p) => p.status === s).length
    const done = count('done')
    return {
      plan,
      periods,
      planned: periods.length,
      done,
      due: count('due'),
      missed: count('missed'),
      percent: periods.length ? Math.round((1000 * done) / periods.length) / 10 : null,
    }
  })
}

/** The inspection ids flagged as possible duplicates. @param {{inspection_ids: string[]}[]} duplicates */
export function duplicateIds(duplicates) {
  return new Set(duplicates.flatMap((d) => d.inspection_ids))
}

/** A time in ms as "2026-11-22 09:30" (the device's local time). @param {number} ms */
export function clock(ms) {
  const d = new Date(ms)
  const p = (/** @type {number} */ n) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
}
