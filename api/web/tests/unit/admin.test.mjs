// The administrator's screens' rules (src/views/admin/orgTree.ts, users.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'
const { buildOrgTree, childLevel, covers, validateOrg } = await load('views/admin/orgTree.js')
const { formatExpiry, tokenState, validatePassword, validateUser } = await load('views/admin/users.js')

const province = { org_id: '320000', name: '江苏省人力资源和社会保障厅', region: '320000', level: 'province', parent_org_id: '' }
const city = { org_id: '320400', name: '常州市人力资源和社会保障局', region: '320400', level: 'city', parent_org_id: '320000' }
const county = { org_id: '320402', name: '天宁区人力资源和社会保障局', region: '320402', level: 'county', parent_org_id: '320400' }

test('buildOrgTree nests units under their parents, in id order', () => {
  const tree = buildOrgTree([county, city, province])
  assert.equal(tree.length, 1)
  assert.equal(tree[0].id, '320000')
  assert.equal(tree[0].label, '江苏省人力资源和社会保障厅（320000，省级）')
  assert.equal(tree[0].children[0].id, '320400')
  assert.equal(tree[0].children[0].children[0].label, '天宁区人力资源和社会保障局（320402，县级）')
  // A unit whose parent is not listed (outside what the user sees) is a root.
  assert.deepEqual(buildOrgTree([county]).map((n) => n.id), ['320402'])
})

test('validateOrg: the level below the parent, a region inside it', () => {
  assert.equal(childLevel(province), 'city')
  assert.equal(childLevel(city), 'county')
  assert.equal(childLevel(county), null)
  assert.deepEqual(validateOrg({ org_id: '320402', name: '天宁区', region: '320402', level: 'county', parent_org_id: '320400' }, city), {})
  assert.deepEqual(validateOrg({ org_id: 'x y', name: ' ', region: '320502', level: 'city', parent_org_id: '320400' }, city), {
    org_id: '机构编号为 1-64 位字母、数字或 . _ -',
    name: '请填写机构名称',
    region: '行政区划应在上级机构（320400）的辖区之内',
    level: '上级为市级机构，新机构应为县级',
  })
  assert.equal(validateOrg({ org_id: 'a', name: 'a', region: '3204', level: 'county', parent_org_id: '320400' }, city).region,
    '行政区划代码为 6 位数字（GB/T 2260）')
})

test('validateUser: roles, and the inspector id exactly for inspectors', () => {
  const ok = { user_id: 'zhang.san', name: '张三', org_id: '320400', roles: ['reviewer'], inspector_id: '', note: '' }
  assert.deepEqual(validateUser(ok), {})
  assert.deepEqual(validateUser({ ...ok, user_id: '张三', roles: [] }), {
    user_id: '用户名为 1-64 位字母、数字或 . _ @ -',
    roles: '至少选择一个角色',
  })
  assert.equal(validateUser({ ...ok, roles: ['inspector'] }).inspector_id, '检查人员角色须填写对应的检查人员编号（执法证号）')
  assert.equal(validateUser({ ...ok, inspector_id: 'JS-0001' }).inspector_id, '只有检查人员角色才填写检查人员编号')
})

test('validatePassword: at least 10 characters (not bytes), at most 128 bytes, repeated, new', () => {
  assert.deepEqual(validatePassword('一二三四五六七八九十', '一二三四五六七八九十'), {}) // 10 characters, 30 bytes
  assert.deepEqual(validatePassword('短密码', '短密码'), { password: '密码至少需要 10 个字符' })
  assert.deepEqual(validatePassword('汉'.repeat(43), '汉'.repeat(43)), { password: '密码不能超过 128 字节' }) // 129 bytes
  assert.deepEqual(validatePassword('abcdefghij', 'abcdefghik'), { repeat: '两次输入的密码不一致' })
  assert.deepEqual(validatePassword('abcdefghij', 'abcdefghij', ''), { old_password: '请输入原密码' })
  assert.deepEqual(validatePassword('abcdefghij', 'abcdefghij', 'abcdefghij'), { password: '新密码不能与原密码相同' })
})

test('tokenState and formatExpiry (China time)', () => {
  const t = { token_id: 't1', label: 'x', expires_us: 1_800_000_000_000_000, revoked: false, sequence: 9 }
  assert.equal(tokenState(t, 1_700_000_000_000_000), '有效')
  assert.equal(tokenState(t, 1_800_000_000_000_000), '已过期')
  assert.equal(tokenState({ ...t, revoked: true }, 0), '已吊销')
  assert.equal(tokenState({ ...t, expires_us: 0 }, 2_000_000_000_000_000), '有效')
  assert.equal(formatExpiry(0), '永不过期')
  assert.equal(formatExpiry(1_800_000_000_000_000), '2027-01-15 16:00') // 08:00 UTC
})

test('covers: a jurisdiction covers its own region and those below it', () => {
  assert.equal(covers('320000', '320400'), true)
  assert.equal(covers('320000', '320000'), true)
  assert.equal(covers('320400', '320402'), true)
  assert.equal(covers('320400', '320000'), false)
  assert.equal(covers('320400', '320500'), false)
  assert.equal(covers('320402', '320402'), true)
  assert.equal(covers('320402', '320411'), false)
})
