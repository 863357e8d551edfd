// @ts-check
// A note on any item: the note shown under the item, and a small editor opened from “备注”, with
// its voice memo below (voice.js: record, play, delete). What is being typed is kept here (by
// inspection and path) so a re-render (a sync ending, an edit elsewhere) does not lose it; saving
// sends a `note` op with the text and the memo kept (empty text and no memo remove the note).
import { h } from '../lib/dom.js'
import { t } from '../i18n/index.js'
import { voiceMemo } from './voice.js'

/** @type {Map<string, string>} inspection/path → the text being typed in an open editor */
const open = new Map()

/**
 * The note under an item, its editor and its voice memo. @param {string} inspectionId @param {string} path
 * @param {{text: string, pending?: boolean, voice?: import('./voice.js').Voice}|undefined} note
 * @param {{saveNote?: (path: string, text: string) => void} & import('./voice.js').VoiceContext} ctx
 */
export function itemNote(inspectionId, path, note, ctx) {
  return [textNote(inspectionId, path, note, ctx), voiceMemo(inspectionId, path, note, ctx)]
}

/**
 * The note's text and its editor. @param {string} inspectionId @param {string} path
 * @param {{text: string, pending?: boolean}|undefined} note @param {{readOnly: boolean, saveNote?: (path: string, text: string) => void}} ctx
 */
function textNote(inspectionId, path, note, ctx) {
  const key = `${inspectionId}/${path}`
  const editing = open.has(key)
  const shown = note?.text && !editing ? h('p', { class: 'item-note', 'data-note': path }, h('strong', null, `${t('item_note')}：`), note.text) : null
  if (ctx.readOnly || !ctx.saveNote) return shown || null
  const save = ctx.saveNote
  if (!editing) {
    return [shown, h('button', {
      type: 'button', class: 'btn small note-btn', 'data-action': 'item-note', 'aria-label': `${t('item_note_add')}`,
      onclick: (/** @type {Event} */ e) => {
        open.set(key, note?.text || '')
        const button = /** @type {HTMLElement} */ (e.currentTarget)
        const editor = noteEditor(key, path, save, () => textNote(inspectionId, path, note, ctx))
        button.closest('.item')?.querySelector('.item-note')?.remove()
        button.replaceWith(editor)
        editor.querySelector('textarea')?.focus()
      },
    }, note?.text ? t('item_note') : `+ ${t('item_note_add')}`)]
  }
  return noteEditor(key, path, save, () => textNote(inspectionId, path, note, ctx))
}

/**
 * @param {string} key @param {string} path @param {(path: string, text: string) => void} save
 * @param {() => any} closed what shows again when cancelled
 */
function noteEditor(key, path, save, closed) {
  const area = /** @type {HTMLTextAreaElement} */ (h('textarea', {
    class: 'text', rows: 2, maxlength: 2000, name: 'item-note', 'data-key': `note:${key}`, 'aria-label': t('item_note'),
    value: open.get(key) || '', oninput: (/** @type {Event} */ e) => open.set(key, /** @type {HTMLTextAreaElement} */ (e.target).value),
  }))
  return h('div', { class: 'note-editor', 'data-note-editor': path },
    area,
    h('div', { class: 'sheet-actions' },
      h('button', { type: 'button', class: 'btn small', onclick: () => {
        open.delete(key)
        area.closest('.note-editor')?.replaceWith(h('div', { class: 'note-slot' }, closed()))
      } }, t('cancel')),
      h('button', { type: 'button', class: 'btn small primary', 'data-action': 'save-note', onclick: () => {
        const text = area.value
        open.delete(key)
        save(path, text)
      } }, t('item_note_save'))))
}
