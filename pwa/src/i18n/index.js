// @ts-check
// Interface texts in Chinese (zh-CN, the default) and English; checklist texts come from x-label.
// The desk's texts live in desk.js, review.js, plans.js and templates.js, the phone's corrective actions' in
// actions.js, the phone's field shortcuts' in phone.js, a draft's move to a new checklist version in carry.js;
// all are merged here.
import { ACTIONS_TEXTS } from './actions.js'
import { CARRY_TEXTS } from './carry.js'
import { DESK_TEXTS } from './desk.js'
import { PHONE_TEXTS } from './phone.js'
import { PLANS_TEXTS } from './plans.js'
import { REVIEW_TEXTS } from './review.js'
import { TEMPLATES_TEXTS } from './templates.js'

const BASE_TEXTS = {
  app_name: ['巡检', 'Xunjian'],
  login: ['登录', 'Log in'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  device_name: ['设备名称', 'Device name'],
  device_default: ['我的手机', 'My phone'],
  logging_in: ['正在登录…', 'Logging in…'],
  logout: ['退出登录', 'Log out'],
  logout_blocked: ['还有未同步的数据，请先同步或导出。', 'There is unsynced data: sync or export it first.'],
  other_user_blocked: [
    '此设备上有其他用户未同步的数据，请先用该账号同步或导出。',
    "This device holds another user's unsynced data: sync it with that account or export it first.",
  ],
  my_inspections: ['我的巡检', 'My inspections'],
  my_sites: ['我的场所', 'My sites'],
  new_inspection: ['新建巡检', 'New inspection'],
  choose_site: ['选择场所', 'Choose a site'],
  choose_checklist: ['选择检查表', 'Choose a checklist'],
  start: ['开始检查', 'Start'],
  cancel: ['取消', 'Cancel'],
  no_inspections: ['还没有巡检记录。点“新建巡检”开始。', 'No inspections yet. Tap “New inspection” to start.'],
  no_checklists: ['暂无检查表（需联网同步一次）', 'No checklists yet (sync once online)'],
  sync: ['同步', 'Sync'],
  syncing: ['同步中…', 'Syncing…'],
  synced_at: ['上次同步', 'Last sync'],
  never: ['从未', 'never'],
  offline: ['离线', 'Offline'],
  offline_ready: ['可离线使用', 'Works offline'],
  unsynced: ['未同步', 'unsynced'],
  oldest: ['最早', 'oldest'],
  all_synced: ['全部已同步', 'All synced'],
  stale_warning: [
    '有超过一天未同步的数据。请尽快连接网络同步，或导出备份。',
    'Some data has not been synced for over a day. Connect and sync soon, or export a backup.',
  ],
  uploading_photos: ['上传照片', 'Uploading photos'],
  export: ['导出未同步数据', 'Export unsynced data'],
  update_ready: ['新版本已就绪', 'A new version is ready'],
  update_now: ['更新', 'Update'],
  language: ['English', '中文'],
  originals_any_network: ['相机原图：移动网络也上传（默认仅 Wi-Fi）', 'Camera originals: upload on mobile data too (Wi-Fi only by default)'],
  status_draft: ['草稿', 'Draft'],
  status_submitted: ['已提交', 'Submitted'],
  status_returned: ['已退回', 'Returned'],
  status_approved: ['已批准', 'Approved'],
  status_rejected: ['已驳回', 'Rejected'],
  status_deleted: ['已删除', 'Deleted'],
  sync_waiting: ['待同步', 'Waiting to sync'],
  sync_done: ['已同步', 'Synced'],
  sync_refused: ['有被拒绝的修改', 'Changes refused'],
  pass: ['合格', 'Pass'],
  fail: ['不合格', 'Fail'],
  na: ['不适用', 'N/A'],
  none_of_these: ['以上都没有', 'None of these'],
  failed_item: ['不合格项', 'Failed item'],
  acceptable: ['合格范围', 'Acceptable'],
  plausible: ['可填范围', 'Possible'],
  impossible: ['超出可填范围，不会被接受', 'Outside the possible range: it will be refused'],
  required: ['必填', 'Required'],
  optional: ['选填', 'Optional'],
  severity_critical: ['严重', 'Critical'],
  severity_major: ['重要', 'Major'],
  severity_minor: ['一般', 'Minor'],
  take_photo: ['拍照', 'Take photo'],
  photos_count: ['张照片', 'photos'],
  photo_not_here: ['照片在其他设备上', 'Photo on another device'],
  remove: ['删除', 'Remove'],
  evidence_photo: ['此项不合格，需拍照取证', 'Failed: take a photo as evidence'],
  evidence_signature: ['此项不合格，需被检方负责人签字确认', 'Failed: the responsible person must sign'],
  go_sign: ['去签字', 'Go to signature'],
  sign: ['签字', 'Sign'],
  signer_name: ['签字人姓名', "Signer's name"],
  signer_role: ['职务', 'Role'],
  signer_role_default: ['负责人', 'Manager'],
  clear: ['清除', 'Clear'],
  save_signature: ['确认签字', 'Confirm signature'],
  signed_by: ['已签字', 'Signed by'],
  refuse: ['拒绝签字', 'Refuses to sign'],
  refusal_reason: ['拒签原因', 'Reason for refusal'],
  witness_name: ['见证人姓名', "Witness's name"],
  witness_sign: ['见证人签字', 'Witness signature'],
  record_refusal: ['记录拒签', 'Record refusal'],
  refused_by: ['拒绝签字', 'Refused to sign'],
  resign_needed: ['签字后内容已修改，需重新签字', 'Content changed after signing: sign again'],
  sign_again: ['重新签字', 'Sign again'],
  draw_here: ['请在此处签名', 'Sign here'],
  need_name_and_drawing: ['请填写姓名、职务并签名', 'Enter name and role, and draw the signature'],
  locate: ['获取定位', 'Get location'],
  add_entry: ['添加', 'Add'],
  entry: ['第 {n} 条', 'Entry {n}'],
  remove_entry: ['删除此条', 'Remove entry'],
  prev: ['上一节', 'Previous'],
  next: ['下一节', 'Next'],
  submit: ['提交', 'Submit'],
  resubmit: ['重新提交', 'Resubmit'],
  submit_missing: ['还有必填项未完成：', 'Still to complete:'],
  submitted_note: ['已提交，等待主管审核', 'Submitted: waiting for review'],
  locked_note: ['已批准，不能再修改', 'Approved: locked'],
  returned_note: ['主管退回，请按意见修改后重新提交', 'Returned: correct as commented and resubmit'],
  comment_from: ['主管意见', "Supervisor's comment"],
  conflict_mine: ['您的答案已保留，等待主管审核', 'Your answer was kept for review'],
  conflict_other: ['此项有不同答案，等待主管审核', 'Different answers: waiting for review'],
  conflict_resolved: ['冲突已由主管处理', 'Conflict resolved by the supervisor'],
  conflict_stale: ['签字后内容被修改，需重新签字', 'Content changed after signing: sign again'],
  conflict_locked: ['检查已锁定，您的修改已保留待审核', 'The inspection is locked; your change was kept for review'],
  candidate_by: ['来自', 'from'],
  this_device: ['本设备', 'this device'],
  other_device: ['其他设备', 'another device'],
  pending_mark: ['未同步', 'not synced'],
  refused_title: ['服务器拒绝了以下修改', 'The server refused these changes'],
  discard: ['放弃此修改', 'Discard change'],
  open: ['打开', 'Open'],
  back: ['返回', 'Back'],
  older_records: ['更早的记录', 'Older records'],
  older_online_only: ['需联网查看', 'Online only'],
  older_more: ['更多', 'More'],
  older_none: ['没有记录', 'No records'],
  older_offline: ['离线时无法查看更早的记录，请联网后再试。', 'Older records need a connection: try again when online.'],
  older_failed: ['加载失败，请稍后再试。', 'Could not load: try again later.'],
  older_read_only: ['只读', 'Read-only'],
  progress: ['进度', 'Progress'],
  section: ['节', 'section'],
  answered: ['已填', 'answered'],
  inspection_not_found: ['找不到此巡检', 'Inspection not found'],
  schema_missing: ['检查表尚未下载，请联网后同步', 'Checklist not downloaded yet: connect and sync'],
  network_error: ['网络不可用，已保存在本机，稍后自动同步', 'No network: saved on this device, will sync later'],
  login_failed: ['用户名或密码错误', 'Wrong username or password'],
  too_many_attempts: ['尝试次数过多，请稍后再试', 'Too many attempts: try again later'],
  session_expired: ['登录已失效，请重新登录（本机数据已保留）', 'Session expired: log in again (data on this device is kept)'],
  upload_failed: ['照片未被接受', 'Photo refused'],
  saved_locally: ['已保存在本机', 'Saved on this device'],
  days_ago: ['{n} 天前', '{n} d ago'],
  hours_ago: ['{n} 小时前', '{n} h ago'],
  minutes_ago: ['{n} 分钟前', '{n} min ago'],
  just_now: ['刚刚', 'just now'],
  score_failed: ['项不合格', 'failed'],
  help: ['说明', 'Help'],
  clause: ['依据', 'Clause'],
  storage_persisted: ['本机存储已设为持久', 'Storage is persistent'],
  whole_inspection: ['整体', 'Whole inspection'],
  problem_title: ['问题', 'Problem'],
  due_title: ['待检任务', 'Due inspections'],
  due_updated: ['更新于', 'Updated'],
  due_never: ['尚未获取检查计划，请联网同步', 'No plans fetched yet: connect and sync'],
  due_none: ['当前没有待检任务', 'Nothing due now'],
  due_due: ['待检', 'Due'],
  due_missed: ['已逾期', 'Missed'],
  due_missed_times: ['共逾期 {n} 期', '{n} periods missed'],
  due_in_progress: ['进行中', 'In progress'],
  due_submitted: ['已提交', 'Submitted'],
  due_estimated: ['按计划推算，同步后确认', 'From the plan: confirmed at the next sync'],
  period_today: ['今天', 'Today'],
  period_yesterday: ['昨天', 'Yesterday'],
  period_this_week: ['本周', 'This week'],
  period_last_week: ['上周', 'Last week'],
  period_this_month: ['本月', 'This month'],
  period_last_month: ['上月', 'Last month'],
  plan_kind_monthly_spot_check: ['月度抽查', 'Monthly spot check'],
  plan_kind_weekly_manager_check: ['部门经理周检', 'Weekly manager check'],
  plan_kind_weekly_full_inspection: ['每周全面检查', 'Weekly full inspection'],
  plan_kind_daily_check: ['每日检查', 'Daily check'],
  plan_kind_other: ['其他', 'Other'],
  cadence_daily: ['每日', 'Daily'],
  cadence_weekly: ['每周', 'Weekly'],
  cadence_monthly: ['每月', 'Monthly'],
  expected_number: ['应为数字', 'Expected a number'],
  look_group: ['显示', 'Display'],
  look_dark: ['深色', 'Dark'],
  look_large: ['大字', 'Large text'],
}

const TEXTS = {
  ...BASE_TEXTS, ...DESK_TEXTS, ...REVIEW_TEXTS, ...PLANS_TEXTS, ...ACTIONS_TEXTS, ...PHONE_TEXTS, ...CARRY_TEXTS, ...TEMPLATES_TEXTS,
}

let lang = 'zh'

/** @param {'zh'|'en'} next */
export function setLang(next) {
  lang = next === 'en' ? 'en' : 'zh'
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
}

export function getLang() {
  return lang
}

/**
 * An interface text in the current language; {n}-style placeholders filled from vars.
 * @param {keyof typeof TEXTS} key
 * @param {Record<string, string|number>} [vars]
 */
export function t(key, vars) {
  const pair = TEXTS[key]
  let text = pair ? pair[lang === 'zh' ? 0 : 1] : String(key)
  for (const [name, value] of Object.entries(vars || {})) text = text.replace(`{${name}}`, String(value))
  return text
}

/** The colon after a label: full-width "：" in Chinese, ": " in English. */
export function colon() {
  return lang === 'zh' ? '：' : ': '
}

/**
 * A checklist label {zh, en} in the current language (falling back to the other).
 * @param {{zh?: string, en?: string}|undefined|null} label
 */
export function L(label) {
  if (!label) return ''
  return (lang === 'zh' ? label.zh || label.en : label.en || label.zh) || ''
}

/** How long ago, roughly: "3 小时前". @param {number} ms */
export function ago(ms) {
  const minutes = Math.floor(ms / 60000)
  if (minutes < 1) return t('just_now')
  if (minutes < 60) return t('minutes_ago', { n: minutes })
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return t('hours_ago', { n: hours })
  return t('days_ago', { n: Math.floor(hours / 24) })
}

/** An inspection's status as text. @param {string} status */
export function statusText(status) {
  return t(/** @type {any} */ (`status_${status}`))
}

export const TEXT_KEYS = Object.keys(TEXTS)
