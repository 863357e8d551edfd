// @ts-check
// Finding a site in a second: by name, address or pinyin initials ("lhcs" finds 联华超市; the
// server ships each site's initials with the site list, so the phone carries no pinyin table),
// recent sites first; and the site a scanned QR code names.

/** Lower case, full-width letters and digits made half-width, spaces dropped. @param {string} text */
export function fold(text) {
  return String(text || '')
    .replace(/[０-９Ａ-Ｚａ-ｚ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/\s+/g, '')
}

/**
 * How well a site matches a query: 3 name (or initials) starts with it, 2 name or initials hold
 * it, 1 the address holds it, 0 no match. @param {any} site @param {string} query folded
 */
export function matchScore(site, query) {
  if (!query) return 1
  const name = fold(site.name)
  const initials = fold(site.initials || '')
  if (name.startsWith(query) || initials.startsWith(query)) return 3
  if (name.includes(query) || initials.includes(query)) return 2
  if (fold(site.address).includes(query) || fold(site.address_initials || '').includes(query)) return 1
  return 0
}

/**
 * The sites matching a query, recent ones first (most recent first), then the better matches,
 * then by name. @param {any[]} sites @param {string} query @param {string[]} [recent] site ids, most recent first
 */
export function findSites(sites, query, recent = []) {
  const q = fold(query)
  const rank = (/** @type {any} */ s) => {
    const at = recent.indexOf(s.id)
    return at < 0 ? recent.length : at
  }
  return sites
    .map((site) => ({ site, score: matchScore(site, q) }))
    .filter((m) => m.score > 0)
    .sort((a, b) => rank(a.site) - rank(b.site) || b.score - a.score || String(a.site.name).localeCompare(String(b.site.name), 'zh-CN'))
    .map((m) => m.site)
}

/** The recent list after using a site: it first, at most `keep`. @param {string[]|undefined} recent @param {string} siteId */
export function useSite(recent, siteId, keep = 8) {
  return [siteId, ...(recent || []).filter((id) => id !== siteId)].slice(0, keep)
}

/**
 * The site id a scanned QR code names: an app link ("…/app/#/site/<id>") or a bare id.
 * @param {string} text @returns {string|null}
 */
export function siteFromCode(text) {
  const raw = String(text || '').trim()
  const link = /#\/site\/([0-9A-Za-z_-]{1,64})\/?$/.exec(raw)
  if (link) return link[1]
  return /^[0-9A-Za-z_-]{8,64}$/.test(raw) ? raw : null
}
