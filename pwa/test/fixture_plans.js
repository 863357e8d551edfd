// Two plans and a due item of a plan, for the tests of plans, the due list and its sync.
export const WEEKLY = { id: 'p1', site_id: 's1', checklist_id: 'c1', cadence: 'weekly', kind: 'weekly_full_inspection', starts_on: '2026-11-01' }
export const DAILY = { id: 'p2', site_id: 's2', checklist_id: 'c2', cadence: 'daily', kind: 'daily_check', starts_on: '2026-11-01' }
export const item = (plan, start, end, status) => ({ plan_id: plan.id, site_id: plan.site_id, checklist_id: plan.checklist_id, start, end, status })
