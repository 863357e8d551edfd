// @ts-check
// Interface texts of moving a draft to a newer checklist version (the phone's inspection page),
// zh-CN then English; merged into index.js's t().

export const CARRY_TEXTS = {
  upgrade_offer: ['此检查表已发布新版本（第 {to} 版，本检查用第 {from} 版）。', 'A new version of this checklist is out (version {to}; this inspection is on version {from}).'],
  upgrade_badge: ['有新版本', 'New version'],
  upgrade_move: ['升级到新版本', 'Move to the new version'],
  upgrade_missing: ['新版本尚未下载，请联网同步一次。', 'The new version is not on this phone yet: sync once online.'],
  upgrade_done: ['已升级到第 {to} 版：带入 {carried} 项答案。', 'Moved to version {to}: {carried} answers carried.'],
  upgrade_uncarried: ['以下 {n} 项未能带入（原答案保留在记录中）：', '{n} answers could not be carried (kept in the record):'],
  upgrade_reason_gone: ['新版本已删除此项', 'no longer in the new version'],
  upgrade_reason_kind: ['题型已改变', 'its kind changed'],
  upgrade_reason_invalid: ['原答案在新版本中无效', 'the answer is not valid in the new version'],
  upgrade_dismiss: ['知道了', 'Got it'],
  desk_op_upgrade: ['升级检查表版本', 'Moved to checklist version'],
  desk_uncarried: ['未带入（保留原值）', 'not carried (kept)'],
}
