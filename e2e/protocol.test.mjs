// The y-websocket conversation on raw sockets: what the server sends on its
// own, what it answers, and how it closes on bad input (Parlor's close codes).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import * as syncProtocol from 'y-protocols/sync'
import * as awarenessProtocol from 'y-protocols/awareness'
import { startServer, uniqueRoom, waitFor, withTimeout, Y, WebSocket, target } from './harness.mjs'

const parlorOnly = target === 'parlor' ? false : 'Parlor contract; the reference server has no close codes'
const queryOnly = target === 'parlor' ? false : 'the reference server ignores query awareness'

let server
const sockets = []
before(async () => { server = await startServer() })
after(async () => {
  for (const s of sockets) { try { s.terminate() } catch {} }
  if (server) await server.stop()
})

/** A raw y-websocket connection that records every decoded message and its close. */
async function rawClient (room) {
  const ws = new WebSocket(`${server.wsBase}/${encodeURIComponent(room)}`)
  ws.binaryType = 'arraybuffer'
  sockets.push(ws)
  const c = { ws, messages: [], closed: null }
  ws.on('message', (data) => {
    const buf = new Uint8Array(data)
    const dec = decoding.createDecoder(buf)
    const type = decoding.readVarUint(dec)
    const m = { type, raw: buf }
    if (type === 0) {
      m.sub = decoding.readVarUint(dec)
      m.payload = decoding.readVarUint8Array(dec)
    } else if (type === 1) {
      m.payload = decoding.readVarUint8Array(dec)
    }
    c.messages.push(m)
  })
  ws.on('close', (code, reason) => { c.closed = { code, reason: reason.toString() } })
  await withTimeout(new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject) }), 5000, 'socket open')
  return c
}

function syncMessage (write) {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  write(e)
  return encoding.toUint8Array(e)
}

const step1 = (doc) => syncMessage(e => syncProtocol.writeSyncStep1(e, doc))
const updateMsg = (update) => syncMessage(e => syncProtocol.writeUpdate(e, update))

function awarenessMsg (aw, ids) {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(aw, ids))
  return encoding.toUint8Array(e)
}

test('on connect the server sends its own step 1; it answers step 1 with step 2', async () => {
  const room = uniqueRoom('handshake')
  const a = await rawClient(room)
  await waitFor(() => a.messages.some(m => m.type === 0 && m.sub === 0), { timeout: 5000, message: "the server's step 1" })
  assert.ok(!a.messages.some(m => m.type === 0 && m.sub === 1), 'no step 2 before the client asked for one')

  const doc = new Y.Doc()
  a.ws.send(step1(doc))
  const s2 = await waitFor(() => a.messages.find(m => m.type === 0 && m.sub === 1), { timeout: 5000, message: 'step 2' })
  Y.applyUpdate(doc, s2.payload) // an empty room's state applies cleanly
  assert.equal(doc.getText('text').toString(), '')
})

test('an update from one socket reaches the other as a sync message, and late step 2 holds it', async () => {
  const room = uniqueRoom('relay')
  const a = await rawClient(room)
  const b = await rawClient(room)
  const docA = new Y.Doc()
  docA.getText('text').insert(0, 'raw hello')
  a.ws.send(step1(new Y.Doc()))
  a.ws.send(updateMsg(Y.encodeStateAsUpdate(docA)))

  const docB = new Y.Doc()
  await waitFor(() => {
    for (const m of b.messages) if (m.type === 0 && (m.sub === 2 || m.sub === 1)) Y.applyUpdate(docB, m.payload)
    b.messages.length = 0
    return docB.getText('text').toString() === 'raw hello'
  }, { timeout: 5000, message: 'the update at the other socket' })

  // A third socket asks with an empty state vector and gets it all in step 2.
  const c = await rawClient(room)
  c.ws.send(step1(new Y.Doc()))
  const s2 = await waitFor(() => c.messages.find(m => m.type === 0 && m.sub === 1), { timeout: 5000, message: 'step 2 for c' })
  const docC = new Y.Doc()
  Y.applyUpdate(docC, s2.payload)
  assert.equal(docC.getText('text').toString(), 'raw hello')
})

test('awareness is relayed, and removed when its socket goes', async () => {
  const room = uniqueRoom('raw-awareness')
  const a = await rawClient(room)
  const b = await rawClient(room)
  const docA = new Y.Doc()
  const awA = new awarenessProtocol.Awareness(docA)
  awA.setLocalState({ user: 'raw-a' })
  a.ws.send(awarenessMsg(awA, [docA.clientID]))

  const awB = new awarenessProtocol.Awareness(new Y.Doc())
  const drain = () => {
    for (const m of b.messages) if (m.type === 1) awarenessProtocol.applyAwarenessUpdate(awB, m.payload, 'server')
    b.messages.length = 0
  }
  await waitFor(() => { drain(); return awB.getStates().get(docA.clientID)?.user === 'raw-a' }, { timeout: 5000, message: 'awareness at b' })
  const clock = awB.meta.get(docA.clientID).clock

  a.ws.terminate()
  await waitFor(() => { drain(); return !awB.getStates().has(docA.clientID) }, { timeout: 10000, message: 'removal at b' })
  // the reference repeats the clock with a null state, Parlor sends clock + 1: both are accepted
  assert.ok(awB.meta.get(docA.clientID).clock >= clock, 'removal must not go back in clock')
  awA.destroy(); awB.destroy()
})

test('query awareness (type 3) is answered with the present states', { skip: queryOnly }, async () => {
  const room = uniqueRoom('query-awareness')
  const a = await rawClient(room)
  const docA = new Y.Doc()
  const awA = new awarenessProtocol.Awareness(docA)
  awA.setLocalState({ user: 'queried' })
  a.ws.send(awarenessMsg(awA, [docA.clientID]))
  const b = await rawClient(room)
  await waitFor(() => b.messages.some(m => m.type === 1), { timeout: 5000, message: 'initial awareness at b' })
  b.messages.length = 0
  b.ws.send(Uint8Array.of(3))
  const m = await waitFor(() => b.messages.find(m => m.type === 1), { timeout: 5000, message: 'answer to query awareness' })
  const awB = new awarenessProtocol.Awareness(new Y.Doc())
  awarenessProtocol.applyAwarenessUpdate(awB, m.payload, 'server')
  assert.equal(awB.getStates().get(docA.clientID)?.user, 'queried')
  awA.destroy(); awB.destroy()
})

test('a malformed message closes the socket with 4400', { skip: parlorOnly }, async () => {
  const a = await rawClient(uniqueRoom('malformed'))
  // sync step 2 whose declared payload length runs past the end of the frame
  a.ws.send(Uint8Array.of(0, 1, 0x7f, 1, 2))
  await waitFor(() => a.closed, { timeout: 5000, message: 'close after a malformed message' })
  assert.equal(a.closed.code, 4400, `close ${JSON.stringify(a.closed)}`)
})

test('an update that is not a valid Yjs update closes the socket with 4400 and harms no one', { skip: parlorOnly }, async () => {
  const room = uniqueRoom('bad-update')
  const good = await rawClient(room)
  const bad = await rawClient(room)
  bad.ws.send(syncMessage(e => { encoding.writeVarUint(e, 2); encoding.writeVarUint8Array(e, Uint8Array.of(5, 200, 1, 255, 255)) }))
  await waitFor(() => bad.closed, { timeout: 5000, message: 'close after an invalid update' })
  assert.equal(bad.closed.code, 4400, `close ${JSON.stringify(bad.closed)}`)
  // the room still works for the others
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'still fine')
  good.ws.send(updateMsg(Y.encodeStateAsUpdate(doc)))
  const c = await rawClient(room)
  c.ws.send(step1(new Y.Doc()))
  const docC = new Y.Doc()
  await waitFor(() => {
    for (const m of c.messages) if (m.type === 0 && (m.sub === 1 || m.sub === 2)) Y.applyUpdate(docC, m.payload)
    c.messages.length = 0
    return docC.getText('text').toString() === 'still fine'
  }, { timeout: 5000, message: 'the good update in the room after a bad one' })
})

test('a frame over the limit closes the socket with 1009', { skip: parlorOnly }, async () => {
  const a = await rawClient(uniqueRoom('big'))
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, new Uint8Array(64 * 1024 * 1024)) // 64 MiB
  a.ws.send(encoding.toUint8Array(e))
  await waitFor(() => a.closed, { timeout: 15000, message: 'close after a huge frame' })
  assert.equal(a.closed.code, 1009, `close ${JSON.stringify(a.closed)}`)
})
