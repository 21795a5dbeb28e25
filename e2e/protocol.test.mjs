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

  // A third socket asks with an empty state vector: when its step 2 arrives it has it all
  // (y-websocket counts a client as synced on step 2).
  const c = await rawClient(room)
  c.ws.send(step1(new Y.Doc()))
  await waitFor(() => c.messages.find(m => m.type === 0 && m.sub === 1), { timeout: 5000, message: 'step 2 for c' })
  const docC = new Y.Doc()
  for (const m of c.messages) {
    if (m.type === 0 && (m.sub === 1 || m.sub === 2)) Y.applyUpdate(docC, m.payload)
    if (m.type === 0 && m.sub === 1) break
  }
  assert.equal(docC.getText('text').toString(), 'raw hello')
})

/** Connects like y-websocket's provider with `doc`: step 1, and step 2 in answer to the server's step 1. */
async function docClient (room, doc) {
  const c = await rawClient(room)
  c.ws.on('message', (data) => {
    const dec = decoding.createDecoder(new Uint8Array(data))
    if (decoding.readVarUint(dec) === 0 && decoding.readVarUint(dec) === 0) {
      c.ws.send(syncMessage(e => syncProtocol.writeSyncStep2(e, doc, decoding.readVarUint8Array(dec))))
    }
  })
  c.ws.send(step1(doc))
  await waitFor(() => c.messages.some(m => m.type === 0 && m.sub === 1), { timeout: 5000, message: 'step 2' })
  return c
}
const syncBytes = (c) => c.messages.filter(m => m.type === 0 && m.sub !== 0).reduce((n, m) => n + m.payload.length, 0)

test("the server's step 1 carries the room's state vector", async () => {
  for (let i = 0; i < 3; i++) await serverStepOneHasStateVector(uniqueRoom('server-sv'))
})

async function serverStepOneHasStateVector (room) {
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'content')
  // The room relays an update only once it is stored and applied: when the watcher has it, a
  // joiner's step 1 must include it (before that, a joiner may rightly see the room without it).
  const watcher = await rawClient(room)
  await waitFor(() => watcher.messages.length > 0, { timeout: 5000, message: "the watcher's step 1" })
  const a = await docClient(room, doc)
  a.ws.send(updateMsg(Y.encodeStateAsUpdate(doc)))
  await waitFor(() => watcher.messages.some(m => m.type === 0 && m.sub === 2), { timeout: 5000, message: 'the update relayed' })
  const b = await rawClient(room)
  await waitFor(() => b.messages.length > 0, { timeout: 5000, message: 'a first message' })
  const s1 = b.messages.find(m => m.type === 0 && m.sub === 0)
  assert.ok(s1, "the server's first messages include its step 1")
  assert.deepEqual(Y.decodeStateVector(s1.payload), Y.decodeStateVector(Y.encodeStateVector(doc)),
    `room ${room}: step 1 must carry the room's state vector, else every client re-sends its whole document on connect`)
}

test('a client reconnecting with nothing new costs the others nothing, and joiners get the state once', async () => {
  for (let i = 0; i < 3; i++) await reconnectCost(uniqueRoom('reconnect-cost'))
})

async function reconnectCost (room) {
  const big = new Y.Doc()
  big.getText('text').insert(0, 'x'.repeat(50000))
  const stateSize = Y.encodeStateAsUpdate(big).length
  const watcher = await docClient(room, new Y.Doc())
  let a = await docClient(room, big)
  a.ws.send(updateMsg(Y.encodeStateAsUpdate(big)))
  await waitFor(() => syncBytes(watcher) >= stateSize, { timeout: 5000, message: 'the document at the watcher' })
  await new Promise(resolve => setTimeout(resolve, 500)) // let copies in flight arrive first
  watcher.messages.length = 0
  for (let i = 0; i < 3; i++) { // the same client comes back three times with the same document
    a.ws.terminate()
    a = await docClient(room, big)
  }
  await new Promise(resolve => setTimeout(resolve, 500))
  const rebroadcast = syncBytes(watcher)
  const joiner = await docClient(room, new Y.Doc())
  await new Promise(resolve => setTimeout(resolve, 500))
  const joinBytes = syncBytes(joiner)
  assert.ok(rebroadcast < 1000, `room ${room}: 3 reconnects with no new content sent ${rebroadcast} bytes of updates to another client`)
  assert.ok(joinBytes < 1.5 * stateSize, `room ${room}: a joiner received ${joinBytes} bytes for a ${stateSize}-byte document`)
}

test('an update the room already has is not relayed again', async () => {
  const room = uniqueRoom('duplicate')
  const watcher = await docClient(room, new Y.Doc())
  const a = await docClient(room, new Y.Doc())
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'y'.repeat(5000))
  const update = Y.encodeStateAsUpdate(doc)
  a.ws.send(updateMsg(update))
  await waitFor(() => syncBytes(watcher) >= update.length, { timeout: 5000, message: 'the update at the watcher' })
  await new Promise(resolve => setTimeout(resolve, 300))
  a.ws.send(updateMsg(update)) // the same update again, e.g. a client's resync
  await new Promise(resolve => setTimeout(resolve, 700))
  const relayed = syncBytes(watcher)
  assert.ok(relayed < 1.5 * update.length, `the watcher received ${relayed} bytes of updates for one ${update.length}-byte update sent twice`)
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

test('an invalid Yjs update is refused with 4400 and never reaches anyone else', { skip: parlorOnly }, async () => {
  const room = uniqueRoom('bad-update')
  const good = await rawClient(room)
  const bad = await rawClient(room)
  // 5 clients announced, then 200 structs of client 1 whose clock runs past the end
  const garbage = Uint8Array.of(5, 200, 1, 255, 255)
  assert.throws(() => Y.applyUpdate(new Y.Doc(), garbage), 'the update must be invalid for Yjs itself')
  bad.ws.send(syncMessage(e => { encoding.writeVarUint(e, 2); encoding.writeVarUint8Array(e, garbage) }))
  await waitFor(() => bad.closed, { timeout: 5000, message: 'close after an invalid update' }).catch(() => {})

  // the room still works, and nothing a client receives is unreadable for Yjs
  const doc = new Y.Doc()
  doc.getText('text').insert(0, 'still fine')
  good.ws.send(updateMsg(Y.encodeStateAsUpdate(doc)))
  const c = await rawClient(room)
  c.ws.send(step1(new Y.Doc()))
  const docC = new Y.Doc()
  const unreadable = []
  await waitFor(() => {
    for (const m of c.messages) {
      if (m.type === 0 && (m.sub === 1 || m.sub === 2)) {
        try { Y.applyUpdate(docC, m.payload) } catch (err) { unreadable.push(`late joiner: ${Buffer.from(m.raw).toString('hex')}`) }
      }
    }
    c.messages.length = 0
    return docC.getText('text').toString() === 'still fine'
  }, { timeout: 5000, message: 'the good update in the room after a bad one' })
  for (const m of good.messages) {
    if (m.type === 0 && m.sub === 2) {
      try { Y.applyUpdate(new Y.Doc(), m.payload) } catch { unreadable.push(`other client: ${Buffer.from(m.raw).toString('hex')}`) }
    }
  }
  assert.deepEqual(unreadable, [], 'the server relayed or stored an update Yjs cannot read')
  assert.equal(bad.closed?.code, 4400, `close of the sender: ${JSON.stringify(bad.closed)}`)
})

test('a frame over the limit (1 MiB by default) closes the socket with 1009', { skip: parlorOnly }, async () => {
  const a = await rawClient(uniqueRoom('big'))
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1)
  encoding.writeVarUint8Array(e, new Uint8Array(2 * 1024 * 1024)) // 2 MiB
  a.ws.send(encoding.toUint8Array(e))
  await waitFor(() => a.closed, { timeout: 15000, message: 'close after a huge frame' })
  assert.equal(a.closed.code, 1009, `close ${JSON.stringify(a.closed)}`)
})
