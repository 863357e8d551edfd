// @ts-check
// The desk's photos: thumbnails (?variant=thumb) and a viewer with the display version
// (1600 px), zoomed (1× to 4×) and turned by quarter turns on screen, the original on request, and what /meta says (capture time, pixels, size, camera,
// uploader, GPS when the caller may see it), and the chain of custody from /custody (the camera
// file's capture hash, time, phone, position, whether the camera original is held). Images are fetched with the bearer token into
// blob: URLs, since <img> cannot send the header. A photo an answer names but the phone has not
// uploaded yet is shown as awaiting upload, never as a broken image.
import { ApiError, json, send } from '../lib/api.js'
import { h, replace } from '../lib/dom.js'
import { colon, t } from '../i18n/index.js'
import { when, who } from './shell.js'

/** Object URLs by "sha:variant", kept for the page's lifetime (blobs are immutable). @type {Map<string, Promise<string>>} */
const urls = new Map()

/**
 * An object URL of one version of a blob, fetched once with the token.
 * Rejects with ApiError (404 while it has not arrived) or NetworkError.
 * @param {any} app @param {string} sha @param {'thumb'|'display'|'original'} variant
 */
export function blobUrl(app, sha, variant) {
  const key = `${sha}:${variant}`
  let url = urls.get(key)
  if (!url) {
    url = send(`/api/blobs/${sha}?variant=${variant}`, { token: app.meta.token })
      .then((response) => response.blob())
      .then((blob) => URL.createObjectURL(blob))
    url.catch(() => urls.delete(key)) // try again next time
    urls.set(key, url)
  }
  return url
}

/** "等待上传": a photo named by an answer whose bytes have not reached the server. @param {string} sha */
function awaiting(sha) {
  return h('span', { class: 'desk-awaiting', 'data-awaiting': sha, title: sha }, t('desk_awaiting_upload'))
}

/**
 * Thumbnails of photos (or a signature image) that open the viewer.
 * @param {any} app @param {string[]} shas
 * @param {{states?: Record<string, string>, title?: string, signature?: boolean}} [options]
 *   states: `ready`/`awaiting` per hash from the inspection's evidence summary
 */
export function photoThumbs(app, shas, options = {}) {
  const states = options.states || {}
  const ready = shas.filter((sha) => states[sha] !== 'awaiting')
  return h('div', { class: 'thumbs desk-thumbs' }, shas.map((sha) => {
    if (states[sha] === 'awaiting') return awaiting(sha)
    const img = /** @type {HTMLImageElement} */ (h('img', { alt: options.title || '', 'data-sha256': sha, class: ['desk-thumb', options.signature && 'sig'] }))
    const button = h('button', {
      type: 'button', class: 'desk-thumb-btn', 'data-action': 'view-photo', 'data-sha256': sha, title: t('desk_view_photo'),
      onclick: () => openViewer(app, ready, ready.indexOf(sha), options.title || ''),
    }, img)
    blobUrl(app, sha, 'thumb').then((url) => {
      img.src = url
    }, (e) => {
      // not uploaded after all (the summary was older than this answer), or unreadable
      button.replaceWith(e instanceof ApiError && e.status === 404 ? awaiting(sha) : h('span', { class: 'desk-awaiting bad' }, t('desk_photo_unavailable')))
    })
    return button
  }))
}

/** A size in bytes as "1.2 MB". @param {number} bytes */
export function sizeText(bytes) {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`
  return `${bytes} B`
}

/** A camera's capture time as it wrote it: "2025-03-14 09:26:53 (+08:00)". @param {string} iso */
export function capturedText(iso) {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?$/.exec(iso)
  if (!match) return iso
  return `${match[1]} ${match[2]}${match[3] ? ` (${match[3] === 'Z' ? 'UTC' : match[3]})` : ''}`
}

/** The viewer's one open instance (closed when another opens or the page changes). */
let current = /** @type {{close: () => void}|null} */ (null)

/**
 * Open the viewer on photo `index` of `shas` (the display version), with its metadata.
 * @param {any} app @param {string[]} shas @param {number} index @param {string} title
 */
export function openViewer(app, shas, index, title) {
  current?.close()
  const figure = h('div', { class: 'viewer-figure' })
  const meta = h('dl', { class: 'viewer-meta', 'data-meta': 'loading' })
  const actions = h('div', { class: 'viewer-actions' })
  const counter = h('span', { class: 'muted' })
  const closeButton = h('button', { type: 'button', class: 'btn small', 'data-action': 'close-viewer', onclick: () => close() }, t('desk_close'))
  const dialog = h('div', { class: 'viewer', role: 'dialog', 'aria-modal': 'true', 'aria-label': title || t('desk_view_photo') },
    h('div', { class: 'viewer-head' }, h('strong', null, title), counter, closeButton),
    h('div', { class: 'viewer-body' }, figure, h('div', { class: 'viewer-side' }, actions, meta)))
  const backdrop = h('div', { class: 'viewer-backdrop', 'data-viewer': 'open', onclick: (/** @type {Event} */ e) => e.target === backdrop && close() }, dialog)
  const view = { zoom: 1, rotation: 0, img: /** @type {HTMLImageElement|null} */ (null) }
  /** Zoom by `by` (1 to 4 times) and turn by `turn` degrees; the photo's own bytes are untouched. @param {number} by @param {number} turn */
  const adjust = (by, turn) => {
    view.zoom = Math.min(4, Math.max(1, view.zoom + by))
    view.rotation = (view.rotation + turn + 360) % 360
    if (!view.img) return
    view.img.style.transform = `rotate(${view.rotation}deg) scale(${view.zoom})`
    view.img.dataset.zoom = String(view.zoom)
    view.img.dataset.rotation = String(view.rotation)
    figure.classList.toggle('zoomed', view.zoom > 1)
  }
  const onKey = (/** @type {KeyboardEvent} */ e) => {
    if (e.key === 'Escape') close()
    else if (e.key === '+' || e.key === '=') adjust(0.5, 0)
    else if (e.key === '-') adjust(-0.5, 0)
    else if (e.key === 'r' || e.key === 'R') adjust(0, 90)
    else if (e.key === 'ArrowRight' && index < shas.length - 1) show(index + 1)
    else if (e.key === 'ArrowLeft' && index > 0) show(index - 1)
  }
  const close = () => {
    backdrop.remove()
    document.removeEventListener('keydown', onKey)
    window.removeEventListener('hashchange', close)
    if (current?.close === close) current = null
  }
  /** @param {number} at */
  const show = (at) => {
    index = at
    const sha = shas[at]
    backdrop.dataset.sha256 = sha
    counter.textContent = shas.length > 1 ? `${at + 1} / ${shas.length}` : ''
    const img = /** @type {HTMLImageElement} */ (h('img', { class: 'viewer-img', alt: title, 'data-variant': 'display', 'data-zoom': '1', 'data-rotation': '0' }))
    Object.assign(view, { zoom: 1, rotation: 0, img })
    figure.classList.remove('zoomed')
    const status = h('p', { class: 'muted', 'aria-live': 'polite' }, '…')
    replace(figure, img, status)
    blobUrl(app, sha, 'display').then((url) => {
      if (backdrop.dataset.sha256 !== sha) return
      img.src = url
      status.remove()
    }, (e) => {
      if (backdrop.dataset.sha256 === sha) replace(figure, e instanceof ApiError && e.status === 404 ? awaiting(sha) : h('p', { class: 'bad' }, t('desk_photo_unavailable')))
    })
    const original = h('button', { type: 'button', class: 'btn small', 'data-action': 'load-original' }, t('desk_load_original'))
    original.addEventListener('click', async () => {
      original.setAttribute('disabled', '')
      try {
        const url = await blobUrl(app, sha, 'original')
        if (backdrop.dataset.sha256 !== sha) return
        img.src = url
        img.dataset.variant = 'original'
        original.replaceWith(h('a', { class: 'btn small', href: url, download: `${sha}.jpg`, 'data-original': 'loaded' }, t('desk_download_original')))
      } catch (e) {
        original.replaceWith(h('span', { class: 'bad', 'data-original': 'refused' }, e instanceof ApiError ? `${t('problem_title')}${colon()}${e.type}` : t('desk_photo_unavailable')))
      }
    })
    replace(actions,
      h('button', { type: 'button', class: 'btn small', 'data-action': 'previous-photo', disabled: at === 0, onclick: () => show(at - 1) }, `‹ ${t('desk_prev_photo')}`),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'next-photo', disabled: at >= shas.length - 1, onclick: () => show(at + 1) }, `${t('desk_next_photo')} ›`),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'zoom-in', onclick: () => adjust(0.5, 0) }, t('desk_zoom_in')),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'zoom-out', onclick: () => adjust(-0.5, 0) }, t('desk_zoom_out')),
      h('button', { type: 'button', class: 'btn small', 'data-action': 'rotate', onclick: () => adjust(0, 90) }, t('desk_rotate')),
      original)
    meta.dataset.meta = 'loading'
    replace(meta)
    json(`/api/blobs/${sha}/meta`, { token: app.meta.token }).then(async (m) => {
      const custody = await json(`/api/blobs/${sha}/custody`, { token: app.meta.token }).catch(() => null)
      if (backdrop.dataset.sha256 === sha) fillMeta(app, meta, m, custody)
    }, () => {
      meta.dataset.meta = 'missing'
      replace(meta, h('dd', { class: 'muted' }, t('desk_photo_unavailable')))
    })
  }
  document.body.append(backdrop)
  document.addEventListener('keydown', onKey)
  window.addEventListener('hashchange', close)
  current = { close }
  show(Math.max(0, index))
  closeButton.focus()
}

/** @param {any} app @param {HTMLElement} dl @param {any} m the blob's /meta @param {any} [custody] its /custody, if declared */
function fillMeta(app, dl, m, custody) {
  /** @param {string} key @param {string} label @param {any} value */
  const row = (key, label, value) => value ? [h('dt', null, label), h('dd', { [`data-${key}`]: String(value) }, value)] : null
  const camera = [m.device_make, m.device_model].filter(Boolean).join(' ')
  const gps = m.gps ? `${m.gps.lat.toFixed(6)}, ${m.gps.lon.toFixed(6)}${m.gps.alt !== null && m.gps.alt !== undefined ? ` · ${Math.round(m.gps.alt)} m` : ''}` : ''
  replace(dl,
    row('captured-at', t('desk_captured_at'), m.captured_at ? capturedText(m.captured_at) : t('desk_not_recorded')),
    row('pixels', t('desk_pixels'), m.width && m.height ? `${m.width} × ${m.height}` : ''),
    row('size', t('desk_size'), `${sizeText(m.size)} · ${m.media_type}`),
    row('camera', t('desk_camera'), camera),
    row('uploaded', t('desk_uploaded'), `${who(app, m.uploaded_by)} · ${when(m.uploaded_at)}`),
    row('gps', t('desk_gps'), gps),
    custody ? custodyRows(app, m.sha256, custody, row) : null)
  dl.dataset.meta = 'loaded'
}

/**
 * The chain of custody: capture hash, time, phone, position, and the camera original (held or not).
 * @param {any} app @param {string} sha @param {any} c @param {(key: string, label: string, value: any) => any} row
 */
function custodyRows(app, sha, c, row) {
  const position = c.lat !== null && c.lat !== undefined ? `${c.lat.toFixed(6)}, ${c.lon.toFixed(6)}${c.accuracy_m ? ` ±${Math.round(c.accuracy_m)} m` : ''}` : ''
  const held = c.original_held ? `${t('desk_original_held')} · ${sizeText(c.original_size)}` : t('desk_original_missing')
  const download = h('button', { type: 'button', class: 'btn small', 'data-action': 'load-camera-original' }, t('desk_download_camera'))
  download.addEventListener('click', async () => {
    download.setAttribute('disabled', '')
    try {
      const blob = await (await send(`/api/blobs/${sha}/camera`, { token: app.meta.token })).blob()
      download.replaceWith(h('a', { class: 'btn small', href: URL.createObjectURL(blob), download: `${c.capture_sha256}.jpg`, 'data-camera-original': 'loaded' }, t('desk_download_camera')))
    } catch (e) {
      download.replaceWith(h('span', { class: 'bad', 'data-camera-original': 'refused' }, e instanceof ApiError ? `${t('problem_title')}: ${e.type}` : t('desk_photo_unavailable')))
    }
  })
  return [
    h('dt', { class: 'viewer-custody' }, t('desk_custody')), h('dd', { class: 'viewer-custody' }),
    h('dt', null, t('desk_capture_sha256')), h('dd', { 'data-capture-sha256': c.capture_sha256, class: 'hash' }, c.capture_sha256),
    row('capture-time', t('desk_captured_at'), c.captured_at ? capturedText(c.captured_at) : ''),
    row('capture-device', t('desk_capture_device'), c.device),
    row('capture-position', t('desk_capture_position'), position),
    h('dt', null, t('desk_camera_original')),
    h('dd', { 'data-original-held': String(c.original_held) }, held, c.original_held ? [' ', download] : null),
  ]
}
