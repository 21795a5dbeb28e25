// Failover: kill -9 of the room node that serves rooms while clients are editing.
// Requirement: after the room comes back, every update any client had received is
// present, and the clients converge by themselves (no test code reconnects them).
//
// A cluster of its own, each service its own JVM on 127.0.0.1: redis, persistence-service,
// one gateway, two room-service nodes. 4 rooms x 3 y-websocket providers insert distinctive
// tokens (`c<client>-<n>;`) every 50 ms; one room node is killed with SIGKILL mid-run.
// Checks, per room: the providers converge; the final text holds every token any provider
// inserted or received from the server (and every struct of every update it received);
// a fresh provider and the stored document (room data API) hold exactly that text.
// Prints how long each room was unavailable (kill -> first update received again).
//
// Environment (besides harness.mjs's PARLOR_JAR, E2E_SERVER_LOG, E2E_KEEP_DATA):
//   E2E_JAVA_OPTS   JVM options of every service (default: small heap, C1 only, serial GC)
//   E2E_FAILOVER_PAUSE_STORAGE_MS  pause persistence-service (SIGSTOP) this long before the kill
//                   and 300 ms after it, so that appends the killed node had sent are stored
//                   but never broadcast: makes the unlucky timing of a plain kill certain

import { before, after } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePorts, waitFor, uniqueRoom, target, sleep } from './harness.mjs'
import {
  clusterTest, procs, startService, startRedis, waitReady, stopAll, dumpLogs, trackedClient, editContinuously,
  storedDoc, waitRoomsConverged, assertNothingLost, assertStored, percentile, roomInfo, nodeIdOf
} from './cluster.mjs'

const ROOMS = 4
const PER_ROOM = 3
const EDIT_EVERY_MS = 50
const EDIT_BEFORE_KILL_MS = 3000
const EDIT_AFTER_KILL_MS = 7000
const CONVERGE_TIMEOUT_MS = 30000
const PAUSE_STORAGE_MS = Number(process.env.E2E_FAILOVER_PAUSE_STORAGE_MS || 0)

// ---------------------------------------------------------------- cluster

let dataDir
let gatewayPort
let gw // a `server` for the harness's connectClient: { wsBase }
const roomNodes = [] // { p, mgmt }
const adminKey = crypto.randomBytes(16).toString('hex')
const clients = []

before(async () => {
  if (target !== 'parlor') return
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-e2e-failover-'))
  const [redisPort, http, mPersist, mGateway, mRoom0, mRoom1] = await freePorts(6)
  gatewayPort = http
  const common = {
    PARLOR_CLUSTER_NAME: `e2e-failover-${process.pid}-${http}`,
    PARLOR_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    PARLOR_ANONYMOUS: 'true',
    PARLOR_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS: '3',
    PARLOR_LEASE_TTL_MS: '3000',
    PARLOR_DIRECTORY_REFRESH_MS: '200'
  }
  try {
    await startRedis(redisPort, dataDir)

    // The JVMs start side by side; each waits for its own readiness.
    const persistence = startService('persistence-service', 'persistence-service',
      { ...common, PARLOR_MANAGEMENT_PORT: String(mPersist), PARLOR_ADMIN_KEY: adminKey }, dataDir)
    for (const [i, mgmt] of [mRoom0, mRoom1].entries()) {
      roomNodes.push({ p: startService(`room-service-${i}`, 'room-service', { ...common, PARLOR_MANAGEMENT_PORT: String(mgmt) }, dataDir), mgmt })
    }
    const gateway = startService('gateway', 'gateway',
      { ...common, PARLOR_MANAGEMENT_PORT: String(mGateway), PARLOR_HTTP_PORT: String(http) }, dataDir)
    await Promise.all([
      waitReady(persistence, mPersist),
      ...roomNodes.map(n => waitReady(n.p, n.mgmt)),
      waitReady(gateway, mGateway)
    ])
    gw = { wsBase: `ws://127.0.0.1:${http}/parties/yjs` }
  } catch (err) {
    dumpLogs('failover test', 'cluster start')
    throw err
  }
})

after(async () => {
  for (const c of clients) { try { c.destroy() } catch {} }
  await stopAll()
  if (dataDir && process.env.E2E_KEEP_DATA !== '1') fs.rmSync(dataDir, { recursive: true, force: true })
})

// ---------------------------------------------------------------- clients

function client (room, id) {
  const c = trackedClient(gw, room, id)
  clients.push(c)
  return c
}

const stored = (room) => storedDoc(gatewayPort, adminKey, room)

// ---------------------------------------------------------------- the test

clusterTest('kill -9 of a room node while clients edit: nothing received is lost, clients converge by themselves', 150000, scenario)

async function scenario () {
  const rooms = []
  let id = 0
  for (let r = 0; r < ROOMS; r++) {
    const room = uniqueRoom('failover')
    const cs = Array.from({ length: PER_ROOM }, () => client(room, id++))
    await waitFor(() => cs.every(c => c.provider.synced), {
      timeout: 20000, message: () => `room ${room}: ${PER_ROOM} providers to sync (${cs.filter(c => c.provider.synced).length} synced)`
    })
    rooms.push({ room, clients: cs })
  }
  // Which node serves which room: the lease holder, from the room data API.
  const ids = roomNodes.map(n => nodeIdOf(n.p))
  const owner = []
  for (const { room } of rooms) {
    owner.push(ids.indexOf((await roomInfo(gatewayPort, adminKey, room))?.owner?.node))
  }
  assert.ok(owner.every(o => o >= 0), `every room has an owner among ${ids}: ${owner}`)
  // Kill the node that serves the most rooms (at least two of the four).
  const servedBy = [0, 1].map(n => owner.filter(o => o === n).length)
  const victim = servedBy[0] >= servedBy[1] ? 0 : 1
  const moved = rooms.filter((_, r) => owner[r] === victim)
  const stayed = rooms.filter((_, r) => owner[r] !== victim)
  console.log(`rooms on room-service-0: ${servedBy[0]}, on room-service-1: ${servedBy[1]}; killing room-service-${victim}`)

  const all = rooms.flatMap(r => r.clients)
  const closes = () => all.flatMap(c => c.closes)

  // Everyone edits at a steady pace; the victim dies in the middle.
  const stopEditing = editContinuously(all, EDIT_EVERY_MS)
  let killedAt
  try {
    await sleep(EDIT_BEFORE_KILL_MS)
    const pid = roomNodes[victim].p.child.pid
    if (PAUSE_STORAGE_MS > 0) {
      // Appends the victim sends now reach Redis only after it died: stored, never broadcast by it.
      const ps = procs.find(p => p.name === 'persistence-service').child.pid
      process.kill(ps, 'SIGSTOP')
      try {
        await sleep(PAUSE_STORAGE_MS)
        killedAt = Date.now()
        process.kill(pid, 'SIGKILL')
        await sleep(300)
      } finally {
        process.kill(ps, 'SIGCONT')
      }
      console.log(`persistence-service was paused for ${PAUSE_STORAGE_MS} ms around the kill`)
    } else {
      killedAt = Date.now()
      process.kill(pid, 'SIGKILL')
    }
    await sleep(EDIT_AFTER_KILL_MS)
  } finally {
    stopEditing()
  }

  // The providers are on their own now: wait (all rooms at once) for each room to settle.
  await waitRoomsConverged(rooms, stored, CONVERGE_TIMEOUT_MS)

  // Unavailability: from the kill until a provider of the room received an update again.
  const report = rooms.map(({ room, clients: cs }, r) => {
    const firstAfter = cs.map(c => c.received.find(e => e.at > killedAt)?.at ?? Infinity)
    return {
      room, node: owner[r], moved: owner[r] === victim,
      anyMs: Math.min(...firstAfter) - killedAt,
      allMs: Math.max(...firstAfter) - killedAt
    }
  })
  const fmt = (xs) => {
    const s = xs.map(x => x.anyMs).sort((a, b) => a - b)
    return s.length ? `p50 ${percentile(s, 0.5)} ms, max ${s[s.length - 1]} ms (n=${s.length})` : 'none'
  }
  console.log(`unavailability of rooms on the killed node: ${fmt(report.filter(x => x.moved))}`)
  console.log(`unavailability of rooms on the surviving node: ${fmt(report.filter(x => !x.moved))}`)
  for (const x of report) {
    console.log(`  ${x.room} (room-service-${x.node}${x.moved ? ', killed' : ''}): first provider ${x.anyMs} ms, all providers ${x.allMs} ms`)
  }
  console.log(`close codes seen by providers: ${JSON.stringify(closes().map(c => c.code))}`)
  console.log(`edits: ${all.reduce((n, c) => n + c.sent.length, 0)}, updates received: ${all.reduce((n, c) => n + c.received.length, 0)}`)

  for (const { room, clients: cs } of rooms) {
    const final = assertNothingLost(room, cs)
    await assertStored(gatewayPort, adminKey, room, final, client(room, 1000 + clients.length))
  }
  assert.ok(moved.length >= 2 && moved.length + stayed.length === ROOMS)
}
