// Finding a site: name, address, pinyin initials (shipped by the server), recent first; the site
// a QR code names.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { findSites, fold, siteFromCode, useSite } from '../../src/model/sites.js'

const SITES = [
  { id: 'a', name: '联华超市(解放路店)', address: '杭州市上城区解放路 100 号', initials: 'lhcsjfld', address_initials: 'hzsscqjfl100h' },
  { id: 'b', name: '华润万家(庆春店)', address: '杭州市庆春路 8 号', initials: 'hrwjqcd', address_initials: 'hzsqcl8h' },
  { id: 'c', name: '城东农贸市场', address: '杭州市机场路 1 号', initials: 'cdnmsc', address_initials: 'hzsjcl1h' },
  { id: 'd', name: '市民服务中心', address: '杭州市解放东路 18 号', initials: 'smfwzx', address_initials: 'hzsjfdl18h' },
]
const names = (list) => list.map((s) => s.id)

test('pinyin initials find a site: "lhcs" finds 联华超市, upper case and full width too', () => {
  assert.deepEqual(names(findSites(SITES, 'lhcs')), ['a'])
  assert.deepEqual(names(findSites(SITES, 'LHCS')), ['a'])
  assert.deepEqual(names(findSites(SITES, 'ｌｈｃｓ')), ['a'])
  assert.deepEqual(names(findSites(SITES, 'nmsc')), ['c']) // initials anywhere in the name
  assert.equal(fold(' A Ｂ '), 'ab')
})

test('by name or address; a name starting with the query before one holding it, then the address', () => {
  assert.deepEqual(names(findSites(SITES, '华')), ['b', 'a']) // 华润… starts with it; 联华… holds it
  assert.deepEqual(names(findSites(SITES, '解放')), ['a', 'd']) // a's name holds it; d only by address
  assert.deepEqual(names(findSites(SITES, '庆春路')), ['b'])
  assert.deepEqual(names(findSites(SITES, 'zzz')), [])
})

test('recent sites first, most recent first; an empty query lists all', () => {
  const recent = useSite(useSite([], 'c'), 'd')
  assert.deepEqual(recent, ['d', 'c'])
  assert.deepEqual(names(findSites(SITES, '', recent)).slice(0, 2), ['d', 'c'])
  assert.equal(findSites(SITES, '', recent).length, 4)
  assert.deepEqual(names(findSites(SITES, '市', recent)), ['d', 'c', 'a', 'b'])
  assert.deepEqual(useSite(['a', 'b', 'c'], 'c', 2), ['c', 'a'])
})

test('a QR code names a site by the app link or a bare id; anything else names none', () => {
  const id = '184d9981-aeb9-4492-826d-e9c69668ac48'
  assert.equal(siteFromCode(`https://xunjian.example/app/#/site/${id}`), id)
  assert.equal(siteFromCode(` ${id} `), id)
  assert.equal(siteFromCode('https://example.com/pay?x=1'), null)
  assert.equal(siteFromCode(''), null)
})
