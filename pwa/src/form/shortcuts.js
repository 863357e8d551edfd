// @ts-check
// The form's shortcuts on the page: "本节全部合格" (with undo) at the head of a section,
// "下一个未填项" in the footer, the list of every section with its counts (分节), and discarding a draft (asked first) at the end of the page.
// What they mark and where they go comes from model/shortcuts.js.
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { progress } from '../model/form.js'
import { nextUnanswered, passableItems } from '../model/shortcuts.js'

/**
 * @typedef {{
 *   passSection: (paths: string[]) => void,
 *   undoPass: () => void,
 *   undo: {paths: string[]}|null,
 *   goToPointer: (pointer: string) => void,
 *   discardDraft: () => void,
 * }} Shortcuts
 */

/** The section's "all pass" button, and the undo of the last one. @param {any} ctx @param {import('../model/form.js').Section} section */
export function sectionTools(ctx, section) {
  const shortcuts = /** @type {Shortcuts|undefined} */ (ctx.shortcuts)
  if (ctx.readOnly || !shortcuts) return null
  const open = passableItems(section, ctx.view.answers)
  const undo = shortcuts.undo
  return h('div', { class: 'section-tools' },
    open.length > 0 && h('button', { type: 'button', class: 'btn small', 'data-action': 'section-pass', onclick: () => shortcuts.passSection(open) },
      `✓ ${t('section_all_pass')} (${open.length})`),
    undo && h('div', { class: 'undo-bar', role: 'status', 'data-undo': undo.paths.length },
      h('span', null, t('section_all_pass_done', { n: undo.paths.length })),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'undo-pass', onclick: () => shortcuts.undoPass() }, t('undo'))))
}

/** The footer's jump to the next required item not answered. @param {any} ctx @param {number} index the section shown */
export function nextButton(ctx, index) {
  const shortcuts = /** @type {Shortcuts|undefined} */ (ctx.shortcuts)
  if (ctx.readOnly || !shortcuts) return null
  const next = nextUnanswered(ctx.model, ctx.view.answers, index)
  return h('button', {
    type: 'button', class: 'btn small next-open', 'data-action': 'next-unanswered', disabled: !next,
    title: next ? t('next_unanswered') : t('all_answered'),
    onclick: () => next && shortcuts.goToPointer(next.pointer),
  }, next ? `↓ ${t('next_unanswered')}` : t('all_answered'))
}

/** Discarding a draft (asked first). @param {any} ctx */
export function draftTools(ctx) {
  const shortcuts = /** @type {Shortcuts|undefined} */ (ctx.shortcuts)
  if (ctx.readOnly || !shortcuts || ctx.view.status !== 'draft') return null
  return h('div', { class: 'draft-tools' },
    h('button', { type: 'button', class: 'btn small danger-link', 'data-action': 'discard-draft', onclick: () => shortcuts.discardDraft() }, t('discard_draft')))
}

/**
 * Every section in a list with its counts (answered/total, failed), to jump to one: quicker than
 * scrolling the chips when a checklist has many sections.
 * @param {any} ctx @param {import('../model/form.js').Section[]} sections @param {number} index @param {Record<string, number>} failures
 */
export function sectionList(ctx, sections, index, failures) {
  const answers = ctx.view.answers
  const total = progress(sections, answers)
  return h('details', { class: 'section-list', 'data-section-list': sections.length },
    h('summary', null, `${t('sections_list')} · ${total.done}/${total.total}`),
    h('ol', null, sections.map((s, i) => {
      const p = progress([s], answers)
      return h('li', null, h('button', {
        type: 'button', class: ['section-jump', i === index && 'on'], 'data-jump': s.id, 'aria-current': i === index ? 'step' : false,
        onclick: () => ctx.go(i),
      }, h('span', null, L(s.title)),
      h('span', { class: 'muted' }, `${p.done}/${p.total}`, failures[s.id] ? h('span', { class: 'sec-fail' }, ` · ✕${failures[s.id]}`) : null)))
    })))
}
