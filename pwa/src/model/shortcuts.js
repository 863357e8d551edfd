// @ts-check
// The form's shortcuts, as pure functions: which items "本节全部合格" marks (the unanswered
// pass/fail items shown in a section), where "下一个未填项" goes (the next required item not
// answered, after the current section, wrapping round), and whether a number item needs a ± key.
import { missingPointers, sectionOf, visibleItems, visibleSections } from './form.js'

/** Ids of a section's shown pass/fail items with no answer yet. @param {import('./form.js').Section} section @param {Record<string, any>} answers */
export function passableItems(section, answers) {
  return visibleItems(section, answers)
    .filter((item) => item.kind === 'pass_fail' && (answers[item.id] === null || answers[item.id] === undefined))
    .map((item) => item.id)
}

/**
 * The first required item not answered, looking from the section shown onwards and then from the
 * start: its pointer and its index among the shown sections, or null when all are answered.
 * @param {ReturnType<typeof import('./form.js').formModel>} model @param {Record<string, any>} answers @param {number} current
 * @returns {{pointer: string, section: number}|null}
 */
export function nextUnanswered(model, answers, current) {
  const sections = visibleSections(model, answers)
  const found = missingPointers(model, answers).map((pointer) => ({
    pointer,
    section: sections.indexOf(model.sections[sectionOf(model, pointer.split('/')[1])]),
  }))
  return found.find((f) => f.section >= current) || found[0] || null
}

/** Whether a number item's range allows a value below zero (then the phone shows a ± key). @param {import('./form.js').Item} item */
export function allowsNegative(item) {
  const min = item.bounds?.min
  return min === undefined || min === null || min < 0
}

/** The typed number with its sign flipped ("5" → "-5", "-5" → "5", "" → "-"). @param {string} text */
export function flipSign(text) {
  const trimmed = text.trim()
  if (/^[-−－]/.test(trimmed)) return trimmed.slice(1)
  return `-${trimmed.replace(/^\+/, '')}`
}
