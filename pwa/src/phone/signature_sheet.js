// @ts-check
// The sheet where the inspected party signs on the inspector's phone, or refusal is recorded
// (with a witness's name and signature where the checklist asks for one).
import { h } from '../lib/dom.js'
import { L, t } from '../i18n/index.js'
import { createPad } from '../media/signature.js'

/**
 * @typedef {{mode: 'signed', signer_name: string, signer_role: string, png: Blob}
 *   | {mode: 'refused', signer_name: string, signer_role: string, reason: string, witness_name: string, witness_png: Blob|null}} SheetResult
 */

/** @typedef {{checklist: string, site: string, failed: string[]}} SigningSummary what the signer confirms */

/**
 * What is being signed, above the pad: the checklist, the site and the failed items.
 * @param {SigningSummary} summary
 */
export function signingList(summary) {
  return h('div', { class: 'signing-list', 'data-signing-list': summary.failed.length },
    h('p', null, h('strong', null, t('signer_sees'))),
    h('p', { class: 'muted' }, `${t('signer_checklist')}：${summary.checklist} · ${t('signer_site')}：${summary.site}`),
    summary.failed.length
      ? [h('p', { class: 'signing-failed-title' }, t('signer_failed', { n: summary.failed.length })),
        h('ol', { class: 'signing-failed' }, summary.failed.map((label) => h('li', null, label)))]
      : h('p', { class: 'muted' }, t('signer_no_failures')))
}

/**
 * Open the sheet; resolves with what was signed or refused, or null when cancelled.
 * @param {import('../model/form.js').Item} item
 * @param {SigningSummary} [summary] what is being confirmed, listed above the pad
 * @returns {Promise<SheetResult|null>}
 */
export function openSignatureSheet(item, summary) {
  return new Promise((resolve) => {
    const name = /** @type {HTMLInputElement} */ (h('input', { type: 'text', class: 'text', name: 'signer_name', maxlength: 100, autocomplete: 'name' }))
    const role = /** @type {HTMLInputElement} */ (h('input', { type: 'text', class: 'text', name: 'signer_role', maxlength: 100, value: t('signer_role_default') }))
    const reason = /** @type {HTMLTextAreaElement} */ (h('textarea', { class: 'text', name: 'reason', rows: 2, maxlength: 500 }))
    const witness = /** @type {HTMLInputElement} */ (h('input', { type: 'text', class: 'text', name: 'witness_name', maxlength: 100 }))
    const canvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'pad', 'data-pad': 'signer', 'aria-label': t('draw_here') }))
    const witnessCanvas = /** @type {HTMLCanvasElement} */ (h('canvas', { class: 'pad', 'data-pad': 'witness' }))
    const error = h('p', { class: 'num-note bad', 'aria-live': 'polite' })
    let mode = /** @type {'signed'|'refused'} */ ('signed')
    /** @type {ReturnType<typeof createPad>|null} */
    let pad = null
    /** @type {ReturnType<typeof createPad>|null} */
    let witnessPad = null

    const signPart = h('div', { class: 'sheet-part' }, h('div', { class: 'pad-wrap' }, canvas, h('span', { class: 'pad-hint' }, t('draw_here'))),
      h('button', { type: 'button', class: 'btn small', onclick: () => pad?.clear() }, t('clear')))
    const refusePart = h('div', { class: 'sheet-part', hidden: true },
      h('label', null, t('refusal_reason'), reason),
      item.witness_on_refusal && [
        h('label', null, t('witness_name'), witness),
        h('p', { class: 'muted' }, t('witness_sign')),
        h('div', { class: 'pad-wrap' }, witnessCanvas),
        h('button', { type: 'button', class: 'btn small', onclick: () => witnessPad?.clear() }, t('clear')),
      ])
    const confirm = h('button', { type: 'button', class: 'btn primary', 'data-action': 'confirm-signature', onclick: done }, t('save_signature'))
    const tabs = h('div', { class: 'tabs' },
      h('button', { type: 'button', class: 'tab on', 'data-mode': 'signed', onclick: () => setMode('signed') }, t('sign')),
      h('button', { type: 'button', class: 'tab', 'data-mode': 'refused', onclick: () => setMode('refused') }, t('refuse')))
    const sheet = h('div', { class: 'sheet', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'sheet-title' },
      h('div', { class: 'sheet-body' },
        h('h2', { id: 'sheet-title' }, L(item.signer) || L(item.label)),
        summary && signingList(summary),
        tabs,
        h('label', null, t('signer_name'), name),
        h('label', null, t('signer_role'), role),
        signPart,
        refusePart,
        error,
        h('div', { class: 'sheet-actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => close(null) }, t('cancel')),
          confirm)))
    document.body.append(sheet)
    pad = createPad(canvas)
    name.focus()

    /** @param {'signed'|'refused'} next */
    function setMode(next) {
      mode = next
      signPart.hidden = next !== 'signed'
      refusePart.hidden = next !== 'refused'
      for (const tab of tabs.children) tab.classList.toggle('on', /** @type {HTMLElement} */ (tab).dataset.mode === next)
      confirm.textContent = next === 'signed' ? t('save_signature') : t('record_refusal')
      if (next === 'refused' && item.witness_on_refusal && !witnessPad) witnessPad = createPad(witnessCanvas)
    }

    async function done() {
      const signerName = name.value.trim()
      const signerRole = role.value.trim()
      if (!signerName || !signerRole) return void (error.textContent = t('need_name_and_drawing'))
      if (mode === 'signed') {
        if (!pad || pad.isEmpty()) return void (error.textContent = t('need_name_and_drawing'))
        close({ mode, signer_name: signerName, signer_role: signerRole, png: await pad.toPng() })
      } else {
        if (!reason.value.trim()) return void (error.textContent = t('refusal_reason'))
        if (item.witness_on_refusal && !witness.value.trim()) return void (error.textContent = t('witness_name'))
        const witnessPng = witnessPad && !witnessPad.isEmpty() ? await witnessPad.toPng() : null
        close({ mode, signer_name: signerName, signer_role: signerRole, reason: reason.value, witness_name: witness.value, witness_png: witnessPng })
      }
    }

    /** @param {SheetResult|null} result */
    function close(result) {
      sheet.remove()
      resolve(result)
    }
  })
}
