// @ts-check
// Interface texts of the phone's corrective actions (整改): the panel on an inspection, the fix
// report form and its sync state, and the home page's “待整改” card; zh-CN then English; merged
// into index.js's t().

export const ACTIONS_TEXTS = {
  pa_title: ['整改', 'Corrective actions'],
  pa_open: ['整改中', 'Open'],
  pa_fixed_reported: ['已报整改', 'Fix reported'],
  pa_verified: ['已验证', 'Verified'],
  pa_closed: ['已关闭', 'Closed'],
  pa_withdrawn: ['已撤销', 'Withdrawn'],
  pa_overdue: ['已逾期', 'Overdue'],
  pa_repeat: ['重复问题', 'Repeat'],
  pa_confirmed: ['现场已确认', 'Confirmed on site'],
  pa_responsible: ['责任人', 'Responsible'],
  pa_deadline: ['整改期限', 'Deadline'],
  pa_unassigned: ['待指定', 'Not assigned yet'],
  pa_report_fix: ['报告整改', 'Report fix'],
  pa_note: ['整改说明', 'What was done'],
  pa_photos: ['整改照片（可选）', 'Photos (optional)'],
  pa_send: ['提交整改', 'Send report'],
  pa_need_something: ['请填写整改说明或拍照', 'Write a note or take a photo'],
  pa_waiting: ['待同步', 'Waiting to sync'],
  pa_waiting_note: ['整改报告已保存，联网后自动发送', 'The report is kept and sent when online'],
  pa_failed: ['整改报告未被接受', 'The fix report was refused'],
  pa_dismiss: ['知道了', 'Dismiss'],
  pa_home_title: ['待整改', 'Corrective actions to do'],
  pa_home_counts: ['未完成 {open} · 待整改 {to_fix}', '{open} open · {to_fix} to fix'],
  pa_home_overdue: ['已逾期 {n}', '{n} overdue'],
  pa_home_inspection: ['{date} 巡检 · {n} 项', 'Inspection of {date} · {n}'],
}
