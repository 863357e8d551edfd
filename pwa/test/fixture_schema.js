// A small published schema, shaped as schemas/json_schema.py writes one, for the unit tests.
const label = (zh, en) => ({ zh, en })
const item = (kind, id, zh, extra = {}) => ({
  title: zh,
  'x-kind': kind,
  'x-label': label(zh, id),
  'x-clause': '超市服务管理规范 6.2',
  'x-severity': 'major',
  'x-weight': 1,
  'x-required': true,
  'x-merge': 'manual',
  'x-evidence-on-fail': [],
  ...extra,
})

export const SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: '/api/checklists/probe/versions/1/schema',
  type: 'object',
  additionalProperties: false,
  properties: {
    fresh: item('single_choice', 'fresh', '是否经营生鲜', {
      type: 'string',
      enum: ['yes', 'no'],
      'x-options': [
        { value: 'yes', label: label('是', 'Yes') },
        { value: 'no', label: label('否', 'No') },
      ],
      'x-fail-values': [],
      'x-section': 'general',
    }),
    categories: item('multi_choice', 'categories', '生鲜品类', {
      type: 'array',
      items: { enum: ['frozen', 'dairy'] },
      uniqueItems: true,
      'x-options': [
        { value: 'frozen', label: label('冷冻', 'Frozen') },
        { value: 'dairy', label: label('乳制品', 'Dairy') },
      ],
      'x-fail-values': [],
      'x-min-selected': 1,
      'x-show-if': { item: 'fresh', any_of: ['yes'] },
      'x-section': 'general',
    }),
    photos: item('photo', 'photos', '现场照片', {
      type: 'array',
      items: { $ref: '#/$defs/sha256' },
      uniqueItems: true,
      maxItems: 10,
      'x-min-count': 1,
      'x-required': false,
      'x-section': 'general',
    }),
    licence: item('pass_fail', 'licence', '证照齐全', {
      type: 'string',
      enum: ['pass', 'fail', 'na'],
      'x-evidence-on-fail': ['photo', 'signature'],
      'x-section': 'general',
    }),
    frozen_temp: item('number', 'frozen_temp', '冷冻柜温度', {
      type: 'number',
      'x-unit': '℃',
      'x-decimals': 1,
      minimum: -60,
      maximum: 40,
      'x-acceptable': { max: -18 },
      'x-evidence-on-fail': ['photo'],
      'x-show-if': { item: 'categories', any_of: ['frozen'] },
      'x-section': 'cold',
    }),
    stalls: item('group', 'stalls', '摊位', {
      type: 'object',
      propertyNames: { pattern: '^[0-9a-f-]{36}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          stall_no: item('text', 'stall_no', '摊位号', { type: 'string', maxLength: 50, 'x-multiline': false }),
          prices: item('pass_fail', 'prices', '明码标价', { type: 'string', enum: ['pass', 'fail'], 'x-evidence-on-fail': ['photo'] }),
          stall_photos: item('photo', 'stall_photos', '摊位照片', {
            type: 'array', items: { $ref: '#/$defs/sha256' }, uniqueItems: true, maxItems: 5, 'x-min-count': 0, 'x-required': false,
          }),
        },
      },
      'x-entry-label': label('摊位', 'Stall'),
      'x-min-entries': 0,
      'x-required': false,
      'x-section': 'cold',
    }),
    notes: item('text', 'notes', '备注', { type: 'string', maxLength: 2000, 'x-multiline': true, 'x-required': false, 'x-section': 'sign' }),
    manager_sign: item('signature', 'manager_sign', '负责人签字', {
      oneOf: [{ $ref: '#/$defs/signature_signed' }, { $ref: '#/$defs/signature_refused' }],
      'x-signer': label('负责人', 'Manager'),
      'x-covers': [],
      'x-witness-on-refusal': true,
      'x-merge': 'immutable',
      'x-section': 'sign',
    }),
  },
  'x-checklist': { id: 'probe', version: 1, title: label('测试检查表', 'Probe checklist'), description: label('', ''), sources: [], site_types: [] },
  'x-scoring': { pass_mark: 80, critical_fails_inspection: true },
  'x-sections': [
    { id: 'general', title: label('基本情况', 'General'), items: ['fresh', 'categories', 'photos', 'licence'] },
    { id: 'cold', title: label('冷链', 'Cold chain'), items: ['frozen_temp', 'stalls'], show_if: { item: 'fresh', any_of: ['yes'] } },
    { id: 'sign', title: label('签字', 'Sign-off'), items: ['notes', 'manager_sign'] },
  ],
}
