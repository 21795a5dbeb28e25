// Restarts: the stored room survives a stop, SIGTERM ends the server and
// everything it started, clients hear 1001 and reconnect by themselves.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import {
  startServer, connectClient, connectClients, waitFor, waitConverged, uniqueRoom, Y, WebSocket, withTimeout, target
} from './harness.mjs'

let server
let firstStart
const clients = []
const track = (...cs) => { clients.push(...cs); return cs.length === 1 ? cs[0] : cs }

before(async () => {
  server = await startServer()
  firstStart = { publicPortAtReady: server.publicPortAtReady, lagMs: server.publicPortLagMs }
})
after(async () => {
  for (const c of clients) { try { c.destroy() } catch {} }
  if (server) await server.stop()
})

/** Processes in process group `pgid`, as [{ pid, comm }]. */
function groupMembers (pgid) {
  const out = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const close = stat.lastIndexOf(')')
      const fields = stat.slice(close + 2).split(' ')
      // fields[0] = state, [1] = ppid, [2] = pgrp
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') {
        out.push({ pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, close) })
      }
    } catch {}
  }
  return out
}

test('when /health/ready answers 200 the public port takes connections', () => {
  assert.ok(firstStart.publicPortAtReady,
    `ready was announced ${firstStart.lagMs} ms before port ${server.httpPort} accepted connections`)
})

test('the room survives a restart; clients hear 1001 and reconnect by themselves', async () => {
  const room = uniqueRoom('restart')
  const [a, b] = track(...await connectClients(server, room, 2))
  for (let i = 0; i < 50; i++) a.text.insert(a.text.length, `line ${i}\n`)
  b.doc.getMap('m').set('k', 'v')
  const before = await waitConverged([a, b], { check: t => t.endsWith('line 49\n') && a.doc.getMap('m').get('k') === 'v' })

  // A raw socket in the same room, to see the close code of the shutdown.
  const raw = new WebSocket(`${server.wsBase}/${room}`)
  await withTimeout(new Promise((resolve, reject) => { raw.on('open', resolve); raw.on('error', reject) }), 5000, 'raw socket open')
  const rawClosed = new Promise(resolve => raw.on('close', (code) => resolve(code)))

  b.destroy() // b leaves before the restart; a stays and must reconnect on its own
  const pgid = server.pid
  const members = groupMembers(pgid)
  if (target === 'parlor') {
    assert.ok(members.some(m => /redis/i.test(m.comm)),
      `expected a redis-server among the launcher's processes, found ${JSON.stringify(members)}`)
  }

  const stopped = await server.restart()
  assert.equal(stopped.forced, false, `SIGTERM did not stop the server within the limit. Output:\n${server.output()}`)
  assert.equal(stopped.leftovers, false, 'processes of the server (its Redis) outlived SIGTERM')
  assert.deepEqual(groupMembers(pgid), [], 'nothing of the old server may remain')
  assert.equal(await withTimeout(rawClosed, 5000, 'raw socket close'), 1001, 'close code on shutdown')

  // a was disconnected; it edits offline and then reconnects through its own back-off.
  a.text.insert(0, 'during restart\n')
  await waitFor(() => a.provider.synced, { timeout: 15000, message: 'a to reconnect and sync after the restart' })

  const c = track(connectClient(server, room))
  await c.synced()
  await waitFor(() => c.text.toString() === 'during restart\n' + before, {
    timeout: 10000, message: () => `stored + offline text at a new client (has ${c.text.length} chars)`
  })
  assert.equal(c.doc.getMap('m').get('k'), 'v')
  assert.deepEqual(Y.encodeStateVector(c.doc), Y.encodeStateVector(a.doc))
})

test('two launchers started side by side with default settings stay independent', { skip: target !== 'parlor' && 'Parlor launcher' }, async () => {
  // Each launcher starts its own Redis: if they joined one cluster, rooms placed on the other
  // node would be stored in the other node's Redis, and lost for this one when it stops.
  const a = await startServer({ clusterName: null })
  const b = await startServer({ clusterName: null })
  const cs = []
  try {
    const rooms = Array.from({ length: 6 }, () => uniqueRoom('side-by-side'))
    for (const r of rooms) cs.push(connectClient(a, r))
    await waitFor(() => cs.every(c => c.provider.synced), { timeout: 20000, message: 'clients of launcher A to sync' })
    cs.forEach((c, i) => c.text.insert(0, `kept ${i}`))
    await waitFor(() => cs.every(c => c.provider.synced), { timeout: 5000, message: 'still synced' })
    await new Promise(resolve => setTimeout(resolve, 1000))
    const closesBefore = cs.flatMap(c => c.closes)
    cs.forEach(c => c.destroy())
    await b.stop()
    await new Promise(resolve => setTimeout(resolve, 2000))
    const ds = rooms.map(r => connectClient(a, r))
    cs.push(...ds)
    await waitFor(() => ds.every(c => c.provider.synced), { timeout: 20000, message: 'clients of launcher A to sync again' })
    await new Promise(resolve => setTimeout(resolve, 500))
    const lost = ds.map((d, i) => d.text.toString() === `kept ${i}` ? null : rooms[i]).filter(Boolean)
    assert.deepEqual(lost, [], 'rooms written through launcher A lost their text when launcher B stopped')
    assert.deepEqual(closesBefore, [], "launcher B closed sockets of launcher A's rooms")
  } finally {
    cs.forEach(c => { try { c.destroy() } catch {} })
    await b.stop()
    await a.stop()
  }
})
