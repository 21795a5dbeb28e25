// Yjs rooms end to end: real yjs documents and y-websocket's provider
// against a running server (see harness.mjs for E2E_TARGET).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import {
  startServer, connectClient, connectClients, waitFor, waitConverged, uniqueRoom, Y, sleep
} from './harness.mjs'

let server
const clients = []
const track = (...cs) => { clients.push(...cs); return cs.length === 1 ? cs[0] : cs }

before(async () => { server = await startServer() })
after(async () => {
  for (const c of clients) { try { c.destroy() } catch {} }
  if (server) {
    const stopped = await server.stop()
    assert.equal(stopped.forced, false, `server needed kill -9 to stop. Output:\n${server.output()}`)
  }
})

test('two clients converge on concurrent Y.Text edits', async () => {
  const room = uniqueRoom('concurrent')
  const [a, b] = track(...await connectClients(server, room, 2))

  // Both edit in the same tick: neither can have seen the other's edit.
  a.text.insert(0, 'alpha ')
  b.text.insert(0, 'beta ')
  a.text.insert(a.text.length, 'A-end')
  b.text.insert(b.text.length, 'B-end')
  assert.equal(a.text.toString(), 'alpha A-end')
  assert.equal(b.text.toString(), 'beta B-end')

  const merged = await waitConverged([a, b], {
    check: (t) => t.length === 'alpha A-end'.length + 'beta B-end'.length
  })
  for (const piece of ['alpha ', 'beta ', 'A-end', 'B-end']) assert.ok(merged.includes(piece), `${piece} in ${merged}`)

  // Concurrent deletes and inserts over the merged text.
  a.text.delete(0, 3)
  b.text.insert(2, '[b]')
  b.text.delete(b.text.length - 2, 2)
  a.text.insert(a.text.length, '!')
  const final = await waitConverged([a, b], { check: (t) => t.length === merged.length - 3 + 3 - 2 + 1 })
  assert.ok(final.includes('[b]') && final.includes('!'), final)
  assert.deepEqual(Y.encodeStateVector(a.doc), Y.encodeStateVector(b.doc))
})

test('a late joiner gets the full state, while others are present and after all left', async () => {
  const room = uniqueRoom('late')
  const [a, b] = track(...await connectClients(server, room, 2))
  // A few hundred operations from two clients, with deletes, formatting and a map.
  for (let i = 0; i < 150; i++) {
    a.text.insert(Math.floor(a.text.length / 2), `a${i} `)
    b.text.insert(0, `b${i} `)
    if (i % 10 === 9) a.text.delete(0, 2)
  }
  b.text.format(0, 4, { bold: true })
  a.doc.getMap('meta').set('title', 'late joiner')
  a.doc.getArray('list').push([1, 'two', { three: 3 }])
  const expected = await waitConverged([a, b], {
    check: () => b.doc.getMap('meta').get('title') === 'late joiner' && b.doc.getArray('list').length === 3
  })

  const c = track(connectClient(server, room))
  await c.synced()
  await waitFor(() => c.text.toString() === expected, {
    message: () => `late joiner text (${c.text.length} chars, want ${expected.length})`
  })
  assert.deepEqual(c.text.toDelta(), a.text.toDelta())
  assert.equal(c.doc.getMap('meta').get('title'), 'late joiner')
  assert.deepEqual(c.doc.getArray('list').toJSON(), [1, 'two', { three: 3 }])
  assert.deepEqual(Y.encodeStateVector(c.doc), Y.encodeStateVector(a.doc))

  // Everyone leaves; a new client still gets everything.
  for (const x of [a, b, c]) x.destroy()
  await sleep(500)
  const d = track(connectClient(server, room))
  await d.synced()
  await waitFor(() => d.text.toString() === expected, {
    timeout: 10000,
    message: () => `joiner of an empty room to get the stored text (${d.text.length} chars, want ${expected.length})`
  })
  assert.equal(d.doc.getMap('meta').get('title'), 'late joiner')
  assert.deepEqual(Y.encodeStateVector(d.doc), Y.encodeStateVector(a.doc))
})

test('edits made offline reach the room on reconnect', async () => {
  const room = uniqueRoom('offline')
  const [a, b] = track(...await connectClients(server, room, 2))
  a.text.insert(0, 'shared ')
  await waitConverged([a, b], { check: t => t === 'shared ' })

  a.provider.disconnect()
  await waitFor(() => !a.provider.wsconnected, { message: 'a to disconnect' })
  a.text.insert(a.text.length, 'offline-from-a ')
  b.text.insert(0, 'online-from-b ')
  await sleep(300)
  assert.ok(!b.text.toString().includes('offline-from-a'), 'offline edit must not travel while disconnected')

  a.provider.connect()
  await a.synced()
  const t = await waitConverged([a, b], { check: t => t.includes('offline-from-a') && t.includes('online-from-b') })
  assert.equal(t.length, 'shared offline-from-a online-from-b '.length)
})

test('awareness from one client reaches the other and is removed when its connection closes', async () => {
  const room = uniqueRoom('awareness')
  const [a, b] = track(...await connectClients(server, room, 2))
  const aId = a.doc.clientID
  const bId = b.doc.clientID

  a.awareness.setLocalStateField('user', { name: 'alice', color: '#f00' })
  b.awareness.setLocalStateField('user', { name: 'bob', color: '#00f' })
  await waitFor(() => b.awareness.getStates().get(aId)?.user?.name === 'alice', { message: "alice's awareness at bob" })
  await waitFor(() => a.awareness.getStates().get(bId)?.user?.name === 'bob', { message: "bob's awareness at alice" })

  // Updates of a state travel too.
  a.awareness.setLocalStateField('cursor', { index: 7 })
  await waitFor(() => b.awareness.getStates().get(aId)?.cursor?.index === 7, { message: "alice's cursor at bob" })

  // A late joiner receives the states already present.
  const c = track(connectClient(server, room))
  await c.synced()
  await waitFor(() => c.awareness.getStates().get(aId)?.user?.name === 'alice' &&
    c.awareness.getStates().get(bId)?.user?.name === 'bob', { message: 'present awareness states at a late joiner' })

  // Alice's connection dies without a goodbye: the server must announce her removal
  // (well before the 30 s in which idle awareness states expire on their own).
  const removals = []
  b.awareness.on('change', ({ removed }, origin) => { if (removed.includes(aId)) removals.push(origin) })
  a.dropConnection()
  await waitFor(() => !b.awareness.getStates().has(aId), {
    timeout: 10000, message: "alice's awareness to be removed at bob after her connection dropped"
  })
  assert.ok(removals.length > 0 && !removals.includes('timeout'),
    `removal must come from the server, not the local timeout (origins: ${removals})`)
  await waitFor(() => !c.awareness.getStates().has(aId), { timeout: 10000, message: "alice's removal at carol" })
  assert.equal(c.awareness.getStates().get(bId)?.user?.name, 'bob', "bob's state stays")

  // A graceful close removes the state as well.
  b.destroy()
  await waitFor(() => !c.awareness.getStates().has(bId), { timeout: 10000, message: "bob's removal at carol" })
})

test('20 clients in one room converge after concurrent edits', async () => {
  const room = uniqueRoom('twenty')
  const n = 20
  const perClient = 10
  const cs = track(...await connectClients(server, room, n, 30000))
  // Every client edits concurrently, in a few bursts, at random places.
  for (let round = 0; round < perClient; round++) {
    cs.forEach((c, i) => {
      // at a token boundary, so tokens stay whole and can be checked one by one
      const s = c.text.toString()
      const bounds = [s.length]
      for (let k = s.indexOf('<'); k >= 0; k = s.indexOf('<', k + 1)) bounds.push(k)
      const pos = bounds[Math.floor(Math.random() * bounds.length)]
      c.text.insert(pos, `<${i}.${round}>`)
    })
    await sleep(5 + Math.floor(Math.random() * 20))
  }
  const tokens = []
  for (let i = 0; i < n; i++) for (let r = 0; r < perClient; r++) tokens.push(`<${i}.${r}>`)
  const total = tokens.reduce((s, t) => s + t.length, 0)
  const text = await waitConverged(cs, { timeout: 30000, check: (t) => t.length === total })
  for (const tok of tokens) assert.ok(text.includes(tok), `missing ${tok}`)
  const sv = Y.encodeStateVector(cs[0].doc)
  for (const c of cs) assert.deepEqual(Y.encodeStateVector(c.doc), sv)
  for (const c of cs) c.destroy()
})
