// Chaos: 2 gateways, 3 room nodes, 50 rooms edited continuously by y-websocket providers spread
// over both gateways, each service its own JVM. During the run: kill -9 one room node, start a
// fresh one, SIGTERM another, kill -9 one gateway. At the end, in every room: the providers
// converge by themselves; every token and struct any provider inserted or received is there; a
// fresh provider and the stored document (room data API) equal the converged text; and the stored
// log shows no two owners at once: the fencing token on its entries never goes down.
// Prints each room's unavailability (p50/p99/max) for the crash, the join, the graceful leave and
// the gateway kill.
//
// Providers pick a gateway per connection attempt, round robin over both ports (what a load
// balancer in front of the gateways does), so the clients of a dead gateway come back on the
// other one.
//
// Environment (besides harness.mjs's and cluster.mjs's): E2E_CHAOS_ROOMS (50), E2E_CHAOS_EDIT_MS (500).

import { before, after } from 'node:test'
import assert from 'node:assert/strict'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { freePorts, waitFor, uniqueRoom, target, sleep, WebSocket } from './harness.mjs'
import {
  clusterTest, startService, startRedis, waitReady, stopAll, dumpLogs, trackedClient, editContinuously, exited,
  storedDoc, roomInfo, waitRoomsConverged, assertNothingLost, assertStored, percentile, redisCommand, nodeIdOf, longestSilence,
  handOverStart, procs
} from './cluster.mjs'

const ROOMS = Number(process.env.E2E_CHAOS_ROOMS || 50)
const PER_ROOM = 2
const EDIT_EVERY_MS = Number(process.env.E2E_CHAOS_EDIT_MS || 500)
const LEASE_TTL_MS = 3000
const HEARTBEAT_SECONDS = 3
const CONVERGE_TIMEOUT_MS = 60000

let dataDir
let redisPort
let httpPorts
let common
const adminKey = crypto.randomBytes(16).toString('hex')
const roomNodes = [] // { p, mgmt }
const gateways = [] // { p, mgmt, http }
const clients = []

function startRoomNode (mgmt) {
  const n = { p: startService(`room-service-${roomNodes.length}`, 'room-service',
    { ...common, PARLOR_MANAGEMENT_PORT: String(mgmt) }, dataDir), mgmt }
  roomNodes.push(n)
  return n
}

before(async () => {
  if (target !== 'parlor') return
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-e2e-chaos-'))
  const ports = await freePorts(10)
  redisPort = ports[0]
  httpPorts = [ports[1], ports[2]]
  const [mPersist, mGw0, mGw1, mRoom0, mRoom1, mRoom2] = ports.slice(3)
  roomNodes.spare = ports[9]
  common = {
    PARLOR_CLUSTER_NAME: `e2e-chaos-${process.pid}-${ports[1]}`,
    PARLOR_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    PARLOR_ANONYMOUS: 'true',
    PARLOR_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_SECONDS),
    PARLOR_LEASE_TTL_MS: String(LEASE_TTL_MS),
    PARLOR_DIRECTORY_REFRESH_MS: '200',
    PARLOR_ROOM_SHARDS: '2',
    // The whole log stays (no compaction), so every entry's fencing token can be checked.
    PARLOR_COMPACT_LOG_ENTRIES: '100000000',
    PARLOR_COMPACT_LOG_BYTES: '1000000000'
  }
  try {
    await startRedis(redisPort, dataDir)
    const persistence = startService('persistence-service', 'persistence-service',
      { ...common, PARLOR_MANAGEMENT_PORT: String(mPersist), PARLOR_ADMIN_KEY: adminKey }, dataDir)
    for (const mgmt of [mRoom0, mRoom1, mRoom2]) startRoomNode(mgmt)
    for (const [i, mgmt] of [mGw0, mGw1].entries()) {
      gateways.push({
        p: startService(`gateway-${i}`, 'gateway', { ...common, PARLOR_MANAGEMENT_PORT: String(mgmt), PARLOR_HTTP_PORT: String(httpPorts[i]) }, dataDir),
        mgmt,
        http: httpPorts[i]
      })
    }
    await Promise.all([
      waitReady(persistence, mPersist),
      ...roomNodes.map(n => waitReady(n.p, n.mgmt)),
      ...gateways.map(g => waitReady(g.p, g.mgmt))
    ])
  } catch (err) {
    dumpLogs('chaos test', 'cluster start')
    throw err
  }
})

after(async () => {
  for (const c of clients) { try { c.destroy() } catch {} }
  await stopAll()
  if (dataDir && process.env.E2E_KEEP_DATA !== '1') fs.rmSync(dataDir, { recursive: true, force: true })
})

/** A WebSocket class that connects to the next gateway port on every attempt. */
function balancedSocket (first) {
  let next = first
  return class extends WebSocket {
    constructor (url, protocols) {
      const port = httpPorts[next++ % httpPorts.length]
      super(url.replace(/^ws:\/\/127\.0\.0\.1:\d+\//, `ws://127.0.0.1:${port}/`), protocols)
      this.gatewayPort = port
    }
  }
}

function client (room, id, firstGateway) {
  const c = trackedClient({ wsBase: `ws://127.0.0.1:${httpPorts[0]}/parties/yjs` }, room, id,
    { WebSocketPolyfill: balancedSocket(firstGateway) })
  clients.push(c)
  return c
}

/** The live gateway's HTTP port (for the room data API). */
const apiPort = () => gateways.find(g => !exited(g.p)).http

/** Each room's owner: the node id holding its lease. */
async function owners (rooms) {
  return Promise.all(rooms.map(async ({ room }) => (await roomInfo(apiPort(), adminKey, room))?.owner?.node ?? null))
}

function summary (xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s.length ? `p50 ${percentile(s, 0.5)} ms, p99 ${percentile(s, 0.99)} ms, max ${s[s.length - 1]} ms (n=${s.length})` : 'none'
}

clusterTest('chaos: crash, join, graceful leave and a gateway kill while 50 rooms are edited; nothing is lost', 300000, scenario)

async function scenario () {
  const rooms = []
  let id = 0
  for (let r = 0; r < ROOMS; r++) {
    const room = uniqueRoom('chaos')
    rooms.push({ room, clients: Array.from({ length: PER_ROOM }, (_, k) => client(room, id++, r + k)) })
  }
  const all = rooms.flatMap(r => r.clients)
  await waitFor(() => all.every(c => c.provider.synced), {
    timeout: 60000, interval: 100, message: () => `${all.length} providers to sync (${all.filter(c => c.provider.synced).length} synced)`
  })
  const events = [] // { kind, at, movedRooms }
  const stopEditing = editContinuously(all, EDIT_EVERY_MS)
  try {
    await sleep(3000)
    // 1. kill -9 the room node with the most rooms.
    const ids = roomNodes.map(n => nodeIdOf(n.p))
    let before = await owners(rooms)
    const load = ids.map(nid => before.filter(o => o === nid).length)
    const victim = load.indexOf(Math.max(...load))
    events.push({ kind: 'crash (kill -9 of a room node)', at: Date.now(), moved: before.map(o => o === ids[victim]) })
    process.kill(roomNodes[victim].p.child.pid, 'SIGKILL')
    console.log(`room nodes serve ${load.join('/')} rooms; killed room-service-${victim}`)
    await sleep(LEASE_TTL_MS + HEARTBEAT_SECONDS * 1000)

    // 2. a fresh room node joins: its share of the rooms moves to it.
    before = await owners(rooms)
    const fresh = startRoomNode(roomNodes.spare)
    await waitReady(fresh.p, fresh.mgmt)
    const joinedAt = Date.now()
    await sleep(4000)
    let after = await owners(rooms)
    events.push({ kind: 'join (a fresh room node)', at: joinedAt, moved: after.map((o, r) => o !== before[r]) })

    // 3. SIGTERM another room node (not the fresh one): it hands its rooms over and exits.
    before = after
    const leaving = roomNodes.findIndex((n, i) => i !== victim && n !== fresh)
    const leavingId = nodeIdOf(roomNodes[leaving].p)
    events.push({ kind: 'graceful leave (SIGTERM)', at: Date.now(), moved: before.map(o => o === leavingId) })
    roomNodes[leaving].p.child.kill('SIGTERM')
    await waitFor(() => exited(roomNodes[leaving].p), { timeout: 30000, message: 'the SIGTERM-ed room node to exit' })
    await sleep(2000)

    // 4. kill -9 a gateway: its providers reconnect to the other one.
    const onGateway1 = all.map(c => c.provider.ws?.gatewayPort === gateways[1].http)
    events.push({ kind: 'gateway kill (kill -9)', at: Date.now(), moved: rooms.map(r => r.clients.some(c => onGateway1[all.indexOf(c)])) })
    process.kill(gateways[1].p.child.pid, 'SIGKILL')
    await sleep(6000)
  } finally {
    stopEditing()
  }
  const end = Date.now()

  await waitRoomsConverged(rooms, (room) => storedDoc(apiPort(), adminKey, room), CONVERGE_TIMEOUT_MS)

  // Unavailability per event, over the rooms the event touched.
  for (const [i, e] of events.entries()) {
    const until = events[i + 1]?.at ?? end
    const silence = ({ clients: cs }) => longestSilence(cs.flatMap(c => c.received.map(x => x.at)), e.at, until)
    const windows = rooms.filter((_, r) => e.moved[r]).map(silence)
    const others = rooms.filter((_, r) => !e.moved[r]).map(silence)
    console.log(`${e.kind}: rooms moved ${summary(windows)}; other rooms ${summary(others)}`)
  }
  // The leaving node handed every room it held over (its log, as bench/sharding.sh reads it), after the SIGTERM.
  const leave = events.findIndex(e => e.kind === 'graceful leave (SIGTERM)')
  const handOvers = rooms.filter((_, r) => events[leave].moved[r])
    .map(({ room }) => handOverStart(procs, `yjs/${room}`, events[leave].at, events[leave + 1].at))
  assert.ok(handOvers.length > 0 && handOvers.every(t => t !== null && t >= events[leave].at - 5),
    `every room of the leaving node was handed over after its SIGTERM: ${handOvers.map(t => t === null ? 'none' : t - events[leave].at)}`)
  const closes = all.flatMap(c => c.closes.map(x => x.code))
  console.log(`close codes seen by providers: ${JSON.stringify(closes)}`)
  console.log(`edits: ${all.reduce((n, c) => n + c.sent.length, 0)}, updates received: ${all.reduce((n, c) => n + c.received.length, 0)}`)
  assert.ok(closes.every(code => code === 1006 || code === 1001), `no socket was closed by Parlor with an error: ${closes}`)

  for (const { room, clients: cs } of rooms) {
    const final = assertNothingLost(room, cs)
    await assertStored(apiPort(), adminKey, room, final, client(room, 10000 + clients.length, 0))
    // No two owners at once: in log order, the fencing token never goes down.
    const entries = await redisCommand(redisPort, 'XRANGE', `parlor:{yjs/${room}}:log`, '-', '+')
    const fences = entries.map(([, fields]) => Number(fields[fields.findIndex(f => String(f) === 'f') + 1]))
    assert.ok(fences.length > 0, `room ${room}: the log has entries`)
    for (let k = 1; k < fences.length; k++) {
      assert.ok(fences[k] >= fences[k - 1], `room ${room}: log entry ${k} was written under token ${fences[k]} after ${fences[k - 1]}`)
    }
  }
}
