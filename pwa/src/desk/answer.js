// @ts-check
// An answer as the desk shows it, in the item's own terms: pass/fail, the options' labels,
// numbers with their unit and acceptable range, photos and signatures as thumbnails (awaiting
// upload where they have not arrived), group entries item by item. Used by the inspection page
// and by the conflict cards (candidates and entered values).
import { h } from '../lib/dom.js'
import { rangeText } from '../model/form.js'
import { colon, L, t } from '../i18n/index.js'
import { photoThumbs } from './photos.js'
import { when } from './shell.js'

/**
 * An answer as text (and images), in the item's own terms.
 * @param {any} app @param {import('../model/form.js').Item} item @param {any} value
 * @param {{stale?: boolean, states?: Record<string, string>}} [options] a stale signature; which photos have arrived
 * @returns {any}
 */
export function valueView(app, item, value, options = {}) {
  const { stale = false, states = {} } = options
  if (value === undefined || value === null || value === '') return h('span', { class: 'muted' }, '—')
  switch (item?.kind) {
    case 'pass_fail':
      return h('span', { class: ['pf-value', `v-${value}`] }, value === 'pass' ? t('pass') : value === 'fail' ? t('fail') : value === 'na' ? t('na') : String(value))
    case 'single_choice':
    case 'multi_choice': {
      const chosen = Array.isArray(value) ? value : [value]
      const label = (/** @type {string} */ v) => L(item.options?.find((o) => o.value === v)?.label) || v
      return chosen.length ? chosen.map(label).join('、') : t('none_of_these')
    }
    case 'number':
      return `${value} ${item.unit || ''}`.trim() + (item.acceptable ? ` (${t('acceptable')} ${rangeText(item.acceptable, item.unit || '')})` : '')
    case 'photo': {
      if (Array.isArray(value)) return photoThumbs(app, value, { states, title: L(item.label) })
      // one photo added to, or removed from, a locked inspection: a conflict's candidate
      const change = typeof value.attach === 'string' ? 'attach' : typeof value.detach === 'string' ? 'detach' : null
      if (!change) return photoThumbs(app, [], { states, title: L(item.label) })
      return h('div', { class: 'desk-photo-change', 'data-photo-change': change },
        h('span', { class: 'muted' }, t(change === 'attach' ? 'desk_photo_attach' : 'desk_photo_detach')),
        photoThumbs(app, [value[change]], { states, title: L(item.label) }))
    }
    case 'signature':
      return h('div', { class: ['desk-sig', stale && 'stale'], 'data-signature': value.status },
        value.image_sha256 ? photoThumbs(app, [value.image_sha256], { states, title: L(item.label), signature: true }) : null,
        h('span', null, `${value.status === 'refused' ? t('refused_by') : t('signed_by')}${colon()}${value.signer_name || ''} (${value.signer_role || ''}) · ${when(value.signed_at || value.refused_at)}`),
        value.reason ? h('span', null, ` · ${value.reason}`) : null,
        stale ? h('span', { class: 'badge st-fail', 'data-stale': 'true' }, t('resign_needed')) : null)
    case 'group':
      return h('ol', { class: 'desk-entries' }, Object.values(value || {}).map((entry) => h('li', null,
        (item.children || []).map((child) => h('div', null, h('span', { class: 'muted' }, `${L(child.label)}${colon()}`), valueView(app, child, entry?.[child.id], { states }))))))
    default:
      return typeof value === 'object' ? JSON.stringify(value) : String(value)
  }
}
