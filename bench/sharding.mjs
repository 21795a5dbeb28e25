#!/usr/bin/env node
// Sharding figures (issue 6), in one run, each service its own JVM (as `./parlor cluster` runs them):
//   scaling  CPU time per 1,000 delivered updates, summed over the room nodes (and over every
//            server process, Redis included), at one fixed offered load, with 1, 2 and 3 room nodes;
//            with SHARDING_LOAD_PER_NODE=1 the load is per room node instead (rooms × nodes)
//   moves    rooms holding a 1 MB document, two providers each (one edits every 20 ms, the other
//            listens): each moved room's unavailability (the longest time without an update
//            reaching the listener) for graceful leaves (SIGTERM), joins and crashes (kill -9), and
//            for the graceful ones the time from the hand-over's start (the old owner's log) until
//            an edit made after it reached the listener
// Servers run on core SERVER_CPU (taskset), the generator and the providers on GEN_CPU.
// Use bench/sharding.sh. Markdown on stdout.
//
// Env: SHARDING_PARTS (scaling,moves)  SHARDING_NODES (1,2,3)  SHARDING_LOAD ("100 5 2": rooms,
//      clients per room, updates/s per client)  SHARDING_LOAD_PER_NODE (unset: the load is the whole
//      cluster's; 1: each room node's, so R room nodes get R times the rooms)  SHARDING_WARMUP (15)  SHARDING_DURATION (20)
//      SHARDING_MOVE_ROOMS (4)  SHARDING_MOVE_ROUNDS (4)  SHARDING_DOC_BYTES (1000000)  SHARDING_EDIT_MS (20)
//      SHARDING_LEASE_TTL_MS (5000)  SHARDING_HEARTBEAT_SECONDS (4)  SERVER_CPU (0)  GEN_CPU (1)
//      SHARDING_LOGS (a directory: each process's output is written there)
//      PARLOR_JAVA_OPTS (the services' JVM options, default those in launcher/jvm.options; with -Xmx512m)
//      SHARDING_JIT_WAIT (120: before each move event, and after the scaling warm-up before its
//      window, at most this many seconds of waiting for the servers' JIT compilers to go quiet,
//      under 5 % of a core over 5 s; 0 = do not wait)

import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { compilerMs, jitQuiet } from './jit.mjs'
import { freePorts, waitFor, uniqueRoom, sleep, Y, parlorJavaOpts } from '../e2e/harness.mjs'
import {
  startService, startRedis, waitReady, stopAll, procs, exited, trackedClient, roomInfo, nodeIdOf, percentile, longestSilence,
  handOverStart
} from '../e2e/cluster.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const PARTS = (process.env.SHARDING_PARTS || 'scaling,moves').split(',')
const NODES = (process.env.SHARDING_NODES || '1,2,3').split(',').map(Number)
const [LOAD_ROOMS, LOAD_CLIENTS, LOAD_RATE] = (process.env.SHARDING_LOAD || '100 5 2').split(/\s+/).map(Number)
const PER_NODE = process.env.SHARDING_LOAD_PER_NODE === '1'
const WARMUP = Number(process.env.SHARDING_WARMUP || 15)
const DURATION = Number(process.env.SHARDING_DURATION || 20)
const MOVE_ROOMS = Number(process.env.SHARDING_MOVE_ROOMS || 4)
const MOVE_ROUNDS = Number(process.env.SHARDING_MOVE_ROUNDS || 4)
const DOC_BYTES = Number(process.env.SHARDING_DOC_BYTES || 1000000)
const EDIT_MS = Number(process.env.SHARDING_EDIT_MS || 20)
const TTL_MS = Number(process.env.SHARDING_LEASE_TTL_MS || 5000)
const HEARTBEAT_S = Number(process.env.SHARDING_HEARTBEAT_SECONDS || 4)
const JIT_WAIT = Number(process.env.SHARDING_JIT_WAIT ?? 120)
const SERVER = ['taskset', '-c', process.env.SERVER_CPU || '0']
const GEN = ['taskset', '-c', process.env.GEN_CPU || '1']
const JAVA = ['-Xmx512m', ...parlorJavaOpts()]
const adminKey = crypto.randomBytes(16).toString('hex')
const log = (...a) => console.error(`[sharding ${new Date().toISOString().slice(11, 19)}]`, ...a)

/** Redis, persistence-service, one gateway and `roomNodes` room nodes, pinned to the server core. */
async function startCluster (roomNodes) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-bench-sharding-'))
  const [redisPort, http, mPersist, mGateway, ...mRooms] = await freePorts(4 + roomNodes + MOVE_ROUNDS * 2 + 2)
  const common = {
    PARLOR_CLUSTER_NAME: `bench-sharding-${process.pid}-${http}`,
    PARLOR_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    PARLOR_ANONYMOUS: 'true',
    PARLOR_ADMIN_KEY: adminKey,
    PARLOR_LOG_FORMAT: 'text',
    PARLOR_LEASE_TTL_MS: String(TTL_MS),
    PARLOR_CLUSTER_HEARTBEAT_TIMEOUT_SECONDS: String(HEARTBEAT_S),
    PARLOR_ROOM_SHARDS: '1'
  }
  const opts = { prefix: SERVER, javaOpts: JAVA }
  const c = { dataDir, http, common, opts, spare: mRooms.slice(roomNodes), roomNodes: [], processes: {} }
  c.processes.redis = await startRedis(redisPort, dataDir, opts)
  c.processes.persistence = startService('persistence-service', 'persistence-service', { ...common, PARLOR_MANAGEMENT_PORT: String(mPersist) }, dataDir, opts)
  for (let i = 0; i < roomNodes; i++) c.roomNodes.push(startRoomNode(c, mRooms[i]))
  c.processes.gateway = startService('gateway', 'gateway', { ...common, PARLOR_MANAGEMENT_PORT: String(mGateway), PARLOR_HTTP_PORT: String(http) }, dataDir, opts)
  await Promise.all([waitReady(c.processes.persistence, mPersist), waitReady(c.processes.gateway, mGateway),
    ...c.roomNodes.map(n => waitReady(n.p, n.mgmt))])
  return c
}

function startRoomNode (c, mgmt = c.spare.shift()) {
  return { p: startService(`room-service-${mgmt}`, 'room-service', { ...c.common, PARLOR_MANAGEMENT_PORT: String(mgmt) }, c.dataDir, c.opts), mgmt }
}

async function stopCluster (c) {
  await stopAll()
  if (process.env.SHARDING_LOGS) { // keep each process's output for a look afterwards
    fs.mkdirSync(process.env.SHARDING_LOGS, { recursive: true })
    for (const p of procs) fs.writeFileSync(path.join(process.env.SHARDING_LOGS, `${p.name}-${p.child.pid}.log`), p.out)
  }
  procs.length = 0
  fs.rmSync(c.dataDir, { recursive: true, force: true })
}

// ---------------------------------------------------------------- scaling

function loadgen (c, rooms) {
  const pids = [...c.roomNodes.map((n, i) => `room${i}=${n.p.child.pid}`),
    `gateway=${c.processes.gateway.child.pid}`, `persistence=${c.processes.persistence.child.pid}`,
    `redis=${c.processes.redis.child.pid}`]
  const argv = [...GEN, process.execPath, path.join(here, 'loadgen.mjs'), '--url', `ws://127.0.0.1:${c.http}/parties/yjs`,
    '--rooms', rooms, '--clients', LOAD_CLIENTS, '--rate', LOAD_RATE, '--warmup', WARMUP, '--duration', DURATION,
    '--jit-wait', JIT_WAIT, '--cpu-pids', pids.join(',')].map(String)
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', d => { out += d })
    const limit = setTimeout(() => child.kill('SIGKILL'), (WARMUP + JIT_WAIT + DURATION + 120) * 1000)
    child.on('exit', () => {
      clearTimeout(limit)
      try { resolve(JSON.parse(out.trim().split('\n').pop())) } catch { resolve({ error: out.slice(-500) }) }
    })
  })
}

async function scaling () {
  const rows = []
  for (const n of NODES) {
    log(`scaling: ${n} room node(s)`)
    const c = await startCluster(n)
    try {
      const r = await loadgen(c, PER_NODE ? LOAD_ROOMS * n : LOAD_ROOMS)
      if (r.error) throw new Error(r.error)
      const rooms = Object.entries(r.cpuByProcess).filter(([k]) => k.startsWith('room')).map(([, v]) => v)
      const roomSec = rooms.reduce((a, b) => a + b, 0)
      const allSec = Object.values(r.cpuByProcess).reduce((a, b) => a + b, 0)
      const perK = (sec) => +(sec * 1000 / (r.deliveredPerSec * (DURATION))).toFixed(3)
      rows.push({ n, r, roomPerK: perK(roomSec), allPerK: perK(allSec), rooms })
    } finally {
      await stopCluster(c)
    }
  }
  const base = rows[0]
  const load = `${LOAD_ROOMS} rooms${PER_NODE ? ' per room node' : ''} × ${LOAD_CLIENTS} clients × ${LOAD_RATE} updates/s`
  const out = [`### Scaling: ${load}, every server on one core`, '',
    '| room nodes | delivered/s | p50 / p99 ms | room nodes\' CPU s per 1,000 deliveries | ratio to 1 node | each room node\'s CPU share | all servers + Redis CPU s per 1,000 | ratio | JIT: waited s, compilers in the window ms/s |',
    '|---:|---:|---:|---:|---:|---|---:|---:|---|']
  for (const x of rows) {
    out.push(`| ${x.n} | ${x.r.deliveredPerSec} | ${x.r.p50ms} / ${x.r.p99ms} | ${x.roomPerK} | ${(x.roomPerK / base.roomPerK).toFixed(2)} | ` +
      `${x.rooms.map(s => (s / DURATION).toFixed(2)).join(' / ')} | ${x.allPerK} | ${(x.allPerK / base.allPerK).toFixed(2)} | ` +
      `${x.r.jit.waitedSec}, ${(x.r.jit.msInWindow / DURATION).toFixed(1)} |`)
  }
  return out.join('\n')
}

// ---------------------------------------------------------------- moves

/** One Yjs update of about `bytes` bytes: text inserted in 1 kB pieces at random places. */
function bigDocument (bytes) {
  const doc = new Y.Doc()
  const text = doc.getText('text')
  const piece = 'abcdefghij'.repeat(100)
  for (let n = 0; n < bytes / piece.length; n++) text.insert(Math.floor(Math.random() * (text.length + 1)), piece)
  return Y.encodeStateAsUpdate(doc)
}

/**
 * From the start of the room's hand-over (the old owner's log) until the listener held an edit the
 * writer made after that start; null when no hand-over of the room was logged in [at, until].
 */
function resyncedAfterHandOver ({ room, writes, seen }, at, until) {
  const start = handOverStart(procs, `yjs/${room}`, at, until)
  if (start === null) return null
  const edit = writes.find(w => w.at >= start)
  const got = edit && seen.find(x => x.at >= start && x.length >= edit.length)
  return got ? got.at - start : until - start
}

const serverPids = (c) => [...c.roomNodes.map(n => n.p.child.pid), c.processes.gateway.child.pid, c.processes.persistence.child.pid]

async function owners (c, rooms) {
  return Promise.all(rooms.map(async ({ room }) => (await roomInfo(c.http, adminKey, room))?.owner?.node ?? null))
}

async function moves () {
  const c = await startCluster(2)
  const samples = { leave: [], join: [], crash: [] }
  const resyncs = { leave: [], join: [] } // hand-over start -> an edit made after it at the listener
  const clients = []
  try {
    const doc = bigDocument(DOC_BYTES)
    log(`moves: ${MOVE_ROOMS} rooms of ${doc.length} bytes`)
    const rooms = []
    for (let r = 0; r < MOVE_ROOMS; r++) {
      const room = uniqueRoom('move')
      const res = await fetch(`http://127.0.0.1:${c.http}/v1/rooms/yjs/${room}/document`, {
        method: 'PUT', body: doc, headers: { Authorization: `Bearer ${adminKey}` }
      })
      if (res.status !== 200 && res.status !== 201 && res.status !== 204) throw new Error(`import: HTTP ${res.status} ${await res.text()}`)
      const server = { wsBase: `ws://127.0.0.1:${c.http}/parties/yjs` }
      const writer = trackedClient(server, room, 2 * r)
      const listener = trackedClient(server, room, 2 * r + 1)
      clients.push(writer, listener)
      // the text's length after each edit, and as the listener sees it after each update
      const writes = []
      const seen = []
      listener.doc.on('update', (update, origin) => {
        if (origin === listener.provider) seen.push({ at: Date.now(), length: listener.text.length })
      })
      rooms.push({ room, writer, listener, writes, seen })
    }
    await waitFor(() => clients.every(x => x.provider.synced), { timeout: 120000, interval: 100, message: 'providers to sync' })
    const timer = setInterval(() => rooms.forEach(({ writer, writes }) => {
      writer.text.insert(0, 'x')
      writes.push({ at: Date.now(), length: writer.text.length })
    }), EDIT_MS)
    try {
      await sleep(3000)
      for (let round = 0; round < MOVE_ROUNDS; round++) {
        for (const kind of ['leave', 'join', 'crash', 'join']) {
          const jitBefore = JIT_WAIT > 0 ? await jitQuiet(() => serverPids(c), JIT_WAIT) : null
          const ids = c.roomNodes.map(n => nodeIdOf(n.p))
          const before = await owners(c, rooms)
          const pidsAtStart = serverPids(c)
          const jitAtStart = compilerMs(pidsAtStart)
          const at = Date.now()
          let moved
          if (kind === 'join') {
            const n = startRoomNode(c)
            await waitReady(n.p, n.mgmt)
            c.roomNodes.push(n)
          } else {
            const counts = ids.map(id => before.filter(o => o === id).length)
            const victim = counts.indexOf(Math.max(...counts))
            const node = c.roomNodes.splice(victim, 1)[0]
            moved = before.map(o => o === ids[victim])
            node.p.child.kill(kind === 'leave' ? 'SIGTERM' : 'SIGKILL')
            if (kind === 'leave') await waitFor(() => exited(node.p), { timeout: 30000, message: 'the node to exit' })
          }
          await sleep(kind === 'crash' ? TTL_MS + HEARTBEAT_S * 1000 + 2000 : 4000)
          const after = await owners(c, rooms)
          moved = moved ?? after.map((o, r) => o !== before[r])
          const until = Date.now()
          const jitDuring = compilerMs([...new Set([...pidsAtStart, ...serverPids(c)])]) - jitAtStart
          log(`${kind}: JIT compilers at ${jitBefore === null ? '?' : Math.round(jitBefore * 100)} % of a core before, ` +
            `${jitDuring} ms of compiling during the event's ${until - at} ms`)
          const windows = rooms.filter((_, r) => moved[r]).map(({ listener }) => longestSilence(listener.received.map(x => x.at), at, until))
          log(`${kind}: ${windows.length} rooms moved, unavailable ${windows.join(', ')} ms`)
          samples[kind].push(...windows)
          if (kind !== 'crash') {
            const times = rooms.filter((_, r) => moved[r]).map(x => resyncedAfterHandOver(x, at, until))
            log(`${kind}: hand-over start to resynced ${times.join(', ')} ms`)
            resyncs[kind].push(...times)
          }
        }
      }
    } finally {
      clearInterval(timer)
    }
  } finally {
    clients.forEach(x => x.destroy())
    await stopCluster(c)
  }
  const stats = (xs) => {
    const s = xs.filter(x => x !== null).sort((a, b) => a - b)
    const missed = xs.length - s.length
    return `${s.length}${missed ? ` (+${missed} not found)` : ''} | ${percentile(s, 0.5)} | ${percentile(s, 0.99)} | ${s[s.length - 1]}`
  }
  const row = (label, silences, resynced) => `| ${label} | ${stats(silences)} | ${resynced ? stats(resynced) : '– | – | – | –'} |`
  return [`### Moves of rooms holding a ${(DOC_BYTES / 1e6).toFixed(1)} MB document (${MOVE_ROOMS} rooms, ${MOVE_ROUNDS} rounds of leave, join, crash, join; lease ttl ${TTL_MS} ms, heartbeat timeout ${HEARTBEAT_S} s)`, '',
    '| event | rooms moved | longest silence p50 ms | p99 ms | max ms | rooms | hand-over start → resynced p50 ms | p99 ms | max ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    row('graceful leave (SIGTERM)', samples.leave, resyncs.leave), row('join (paced hand-over)', samples.join, resyncs.join),
    row('graceful, both', [...samples.leave, ...samples.join], [...resyncs.leave, ...resyncs.join]),
    row('crash (kill -9)', samples.crash)].join('\n')
}

const out = [`## Sharding (issue 6), ${new Date().toISOString().slice(0, 10)}`, '']
if (PARTS.includes('scaling')) out.push(await scaling(), '')
if (PARTS.includes('moves')) out.push(await moves(), '')
console.log(out.join('\n'))
process.exit(0)
