// The directory searches' form checks, queries and the cursor pager (useTargetSearch.ts).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { load } from './lib.mjs'

const { targetQuery, inspectorQuery, CursorPager, pageSummary } = await load('views/directory/useTargetSearch.js')

const empty = { name: '', code: '', region: '', industry: '', grade: '', status: '' }

test('a clean employer form gives the trimmed query, the code upper-cased', () => {
  const { errors, query } = targetQuery({ ...empty, name: ' 星辰 ', code: '91320402mA', region: '320402', grade: 'B' }, 20)
  assert.deepEqual(errors, {})
  assert.deepEqual(query, {
    name: '星辰', credit_code: '91320402MA', region: '320402', industry: '', grade: 'B', status: '', limit: 20,
  })
})

test('each bad field gets its own message', () => {
  const { errors } = targetQuery({ ...empty, code: '9132-04', region: '3204', industry: '34a1', name: '星'.repeat(51) }, 20)
  assert.deepEqual(errors, {
    name: '名称不超过 50 个字',
    credit_code: '统一社会信用代码由数字和大写字母组成，不超过 18 位（可只填开头部分）',
    region: '行政区划代码为 6 位数字（如 320402）',
    industry: '行业代码为 1 至 4 位数字（GB/T 4754，可只填开头部分）',
  })
  const i = inspectorQuery({ name: '', id: 'X'.repeat(41), region: '32040', domain: '', status: '' }, 10)
  assert.deepEqual(i.errors, { region: '行政区划代码为 6 位数字（如 320402）', inspector_id: '执法证号不超过 40 个字符' })
})

test('the pager asks each page with the cursor it was first reached by', () => {
  const p = new CursorPager()
  assert.equal(p.cursor, '')
  assert.equal(p.hasPrev, false)
  p.loaded('c1')
  assert.equal(p.hasNext, true)
  assert.equal(p.next(), 'c1')
  p.loaded('c2')
  assert.equal(p.next(), 'c2')
  p.loaded('') // the last page
  assert.equal(p.page, 3)
  assert.equal(p.hasNext, false)
  assert.throws(() => p.next(), /没有下一页/)
  assert.equal(p.prev(), 'c1')
  p.loaded('c2-again') // the server may answer a later cursor after writes
  assert.equal(p.next(), 'c2-again')
  assert.equal(p.reset(), '')
  assert.equal(p.page, 1)
  assert.equal(p.hasNext, false)
})

test('the summary says why a page is short when the server stopped at its bound', () => {
  assert.equal(pageSummary(1, 20, true, false, 40), '第 1 页，本页 20 条，后面还有')
  assert.equal(pageSummary(3, 5, false, false, 5), '第 3 页，本页 5 条，已到最后一页')
  assert.equal(
    pageSummary(2, 0, true, true, 20000),
    '第 2 页，本页 0 条；本次已查看 20000 条记录仍未查完（服务器每次最多查看 20000 条），请点“下一页”继续查找',
  )
})
