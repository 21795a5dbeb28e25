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

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {
  freePorts, connectClient, waitFor, uniqueRoom, repoRoot, target, Y, sleep
} from './harness.mjs'

const ROOMS = 4
const PER_ROOM = 3
const EDIT_EVERY_MS = 50
const EDIT_BEFORE_KILL_MS = 3000
const EDIT_AFTER_KILL_MS = 7000
const CONVERGE_TIMEOUT_MS = 30000
const READY_TIMEOUT_MS = 90000
const OUTPUT_LIMIT = 256 * 1024
const PAUSE_STORAGE_MS = Number(process.env.E2E_FAILOVER_PAUSE_STORAGE_MS || 0)
const JAVA_OPTS = (process.env.E2E_JAVA_OPTS ??
  '-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1').split(/\s+/).filter(Boolean)

// ---------------------------------------------------------------- processes

const procs = []
process.on('exit', () => {
  for (const p of procs) {
    try { process.kill(-p.child.pid, 'SIGKILL') } catch {}
  }
})

function groupAlive (pid) {
  try { process.kill(-pid, 0); return true } catch { return false }
}

/** `java -jar parlor.jar <service>` in a process group of its own, output kept in memory. */
function startService (name, service, env, dataDir) {
  const jar = process.env.PARLOR_JAR || path.join(repoRoot, 'launcher/target/parlor.jar')
  if (!fs.existsSync(jar)) throw new Error(`Parlor jar not found: ${jar}; build it with ./parlor build`)
  const child = spawn('java', [...JAVA_OPTS, '-jar', jar, service], {
    cwd: dataDir,
    env: { ...process.env, PARLOR_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true
  })
  const p = { name, child, out: '', env }
  const collect = (chunk) => {
    p.out += chunk.toString()
    if (p.out.length > OUTPUT_LIMIT) p.out = p.out.slice(-OUTPUT_LIMIT)
    if (process.env.E2E_SERVER_LOG === '1') {
      process.stderr.write(chunk.toString().replace(/^(?=.)/gm, `[${name}] `))
    }
  }
  child.stdout.on('data', collect)
  child.stderr.on('data', collect)
  child.on('error', (err) => { p.spawnError = err })
  procs.push(p)
  return p
}

const exited = (p) => p.child.exitCode !== null || p.child.signalCode !== null

async function httpStatus (url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer().catch(() => {})
    return res.status
  } catch {
    return 0
  }
}

async function waitReady (p, port) {
  const t0 = Date.now()
  while (await httpStatus(`http://127.0.0.1:${port}/health/ready`) !== 200) {
    if (p.spawnError) throw new Error(`could not start ${p.name}: ${p.spawnError.message}`)
    if (exited(p)) throw new Error(`${p.name} exited before it was ready (code ${p.child.exitCode}). Output:\n${p.out}`)
    if (Date.now() - t0 > READY_TIMEOUT_MS) {
      throw new Error(`${p.name} was not ready within ${READY_TIMEOUT_MS} ms ` +
        `(:${port}/health/ready never answered 200). Output:\n${p.out}`)
    }
    await sleep(250)
  }
}

async function stopAll () {
  for (const p of procs) if (!exited(p)) { try { p.child.kill('SIGTERM') } catch {} }
  const t0 = Date.now()
  while (procs.some(p => groupAlive(p.child.pid)) && Date.now() - t0 < 15000) await sleep(100)
  for (const p of procs) {
    if (groupAlive(p.child.pid)) { try { process.kill(-p.child.pid, 'SIGKILL') } catch {} }
  }
}

function dumpLogs (why) {
  process.stderr.write(`\n==== failover test failed (${why}); output of each process ====\n`)
  for (const p of procs) {
    process.stderr.write(`\n---- ${p.name} (pid ${p.child.pid}, exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'}) ----\n${p.out}\n`)
  }
}

/** The value of a gauge on a management port's /metrics, or NaN. */
async function gauge (port, name) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) })
    const body = await res.text()
    const m = body.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm'))
    return m ? Number(m[1]) : NaN
  } catch {
    return NaN
  }
}

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
    const redis = startService('redis', 'redis', { PARLOR_REDIS_PORT: String(redisPort) }, dataDir)
    await waitFor(() => {
      if (exited(redis)) throw new Error(`redis exited: ${redis.out}`)
      return /Redis is up at/.test(redis.out)
    }, { timeout: 60000, interval: 100, message: () => `"Redis is up" from the redis service. Output:\n${redis.out}` })

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
    dumpLogs('cluster start')
    throw err
  }
})

after(async () => {
  for (const c of clients) { try { c.destroy() } catch {} }
  await stopAll()
  if (dataDir && process.env.E2E_KEEP_DATA !== '1') fs.rmSync(dataDir, { recursive: true, force: true })
})

// ---------------------------------------------------------------- clients

const TOKEN = /c\d+-\d+;/g

/** Every token in the strings an update inserts. */
function tokensOf (update) {
  const out = []
  for (const s of Y.decodeUpdate(update).structs) {
    const str = s.content?.str
    if (typeof str === 'string') out.push(...(str.match(TOKEN) || []))
  }
  return out
}

/** A provider that records what it sends and what it receives from the server. */
function trackedClient (room, id) {
  const c = connectClient(gw, room)
  clients.push(c)
  c.id = id
  c.room = room
  c.sent = [] // tokens this client inserted
  c.received = [] // { at, update } for every update that came from the server
  c.doc.on('update', (update, origin) => {
    if (origin === c.provider) c.received.push({ at: Date.now(), update })
  })
  return c
}

/** Inserts one token at a random token boundary (never inside a token). */
function edit (c) {
  const s = c.text.toString()
  const pos = s.length === 0 ? 0 : s.indexOf(';', Math.floor(Math.random() * s.length)) + 1
  const token = `c${c.id}-${c.sent.length};`
  c.sent.push(token)
  c.text.insert(pos, token)
}

/** The room's stored document (room data API) as a Y.Doc. */
async function storedDoc (room) {
  const res = await fetch(`http://127.0.0.1:${gatewayPort}/v1/rooms/yjs/${room}/document`, {
    headers: { Authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(5000)
  })
  if (res.status !== 200) throw new Error(`room data API: HTTP ${res.status}: ${await res.text()}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

/** Why a room did not converge: what each provider waits for, and what the store holds. */
async function diagnose (room, cs) {
  const name = new Map(cs.map(c => [c.doc.clientID, `c${c.id}`]))
  const who = (clientID) => name.get(clientID) ?? String(clientID)
  const svText = (sv) => [...sv].map(([k, v]) => `${who(k)}:${v}`).join(' ')
  const lines = []
  let stored = null
  try {
    stored = await storedDoc(room)
    lines.push(`  stored document: ${stored.getText('text').length} chars, state vector ${svText(Y.decodeStateVector(Y.encodeStateVector(stored)))}`)
  } catch (err) {
    lines.push(`  stored document: ${err.message}`)
  }
  const storedSv = stored && Y.decodeStateVector(Y.encodeStateVector(stored))
  const stateOf = (clientID) => {
    const author = cs.find(x => x.doc.clientID === clientID)
    return author ? Y.getState(author.doc.store, clientID) : '?'
  }
  for (const c of cs) {
    const sv = Y.decodeStateVector(Y.encodeStateVector(c.doc))
    const missing = c.doc.store.pendingStructs?.missing
    lines.push(`  c${c.id}: ${c.text.length} chars, state vector ${svText(sv)}` +
      (missing ? `; pending structs wait for ${[...missing].map(([k, clock]) =>
        `${who(k)} clock ${clock} (the store has ${who(k)} up to ${storedSv?.get(k) ?? '?'}, ` +
        `${who(k)} itself up to ${stateOf(k)})`).join(', ')}` : '') +
      `; last update from the server ${c.received.length ? new Date(c.received[c.received.length - 1].at).toISOString() : 'never'}`)
  }
  return lines.join('\n')
}

function percentile (sorted, q) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

// ---------------------------------------------------------------- the test

test('kill -9 of a room node while clients edit: nothing received is lost, clients converge by themselves',
  { skip: target !== 'parlor' && 'Parlor cluster', timeout: 150000 }, async () => {
    try {
      await scenario()
    } catch (err) {
      dumpLogs(err.message.split('\n')[0])
      throw err
    }
  })

async function scenario () {
  // Rooms one at a time, so that the room gauge of each node tells which node serves which room.
  const rooms = []
  const owner = [] // room index -> room node index
  let id = 0
  for (let r = 0; r < ROOMS; r++) {
    const room = uniqueRoom('failover')
    const cs = Array.from({ length: PER_ROOM }, () => trackedClient(room, id++))
    await waitFor(() => cs.every(c => c.provider.synced), {
      timeout: 20000, message: () => `room ${room}: ${PER_ROOM} providers to sync (${cs.filter(c => c.provider.synced).length} synced)`
    })
    const counts = await waitFor(async () => {
      const g = await Promise.all(roomNodes.map(n => gauge(n.mgmt, 'parlor_room_rooms_active')))
      return g[0] + g[1] === r + 1 ? g : false
    }, { timeout: 30000, interval: 100, message: `the room nodes to report ${r + 1} active rooms` })
    const before = r === 0 ? [0, 0] : rooms[r - 1].counts
    owner.push(counts[0] > before[0] ? 0 : 1)
    rooms.push({ room, clients: cs, counts })
  }
  // Kill the node that serves the most rooms (at least two of the four).
  const servedBy = [0, 1].map(n => owner.filter(o => o === n).length)
  const victim = servedBy[0] >= servedBy[1] ? 0 : 1
  const moved = rooms.filter((_, r) => owner[r] === victim)
  const stayed = rooms.filter((_, r) => owner[r] !== victim)
  console.log(`rooms on room-service-0: ${servedBy[0]}, on room-service-1: ${servedBy[1]}; killing room-service-${victim}`)

  const all = rooms.flatMap(r => r.clients)
  const closes = () => all.flatMap(c => c.closes)

  // Everyone edits at a steady pace; the victim dies in the middle.
  const timers = all.map((c, i) => setTimeout(() => {
    c.timer = setInterval(() => edit(c), EDIT_EVERY_MS)
  }, (i * EDIT_EVERY_MS) / all.length))
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
    timers.forEach(clearTimeout)
    all.forEach(c => clearInterval(c.timer))
  }

  // The providers are on their own now: wait (all rooms at once) for each room to settle.
  const settled = await Promise.allSettled(rooms.map(({ room, clients: cs }, r) => waitFor(() => {
    if (!cs.every(c => c.provider.wsconnected && c.provider.synced)) return false
    const t = cs[0].text.toString()
    return cs.every(c => c.text.toString() === t)
  }, {
    timeout: CONVERGE_TIMEOUT_MS,
    interval: 100,
    message: () => `room ${room} (${owner[r] === victim ? 'on the killed node' : 'on the surviving node'}) ` +
      `to converge: connected ${cs.map(c => c.provider.wsconnected)}, ` +
      `synced ${cs.map(c => c.provider.synced)}, text lengths ${cs.map(c => c.text.length)}`
  })))
  const unsettled = settled.map((s, r) => s.status === 'rejected' ? r : -1).filter(r => r >= 0)
  if (unsettled.length > 0) {
    const details = []
    for (const r of unsettled) details.push(settled[r].reason.message + '\n' + await diagnose(rooms[r].room, rooms[r].clients))
    throw new Error(`${unsettled.length} of ${ROOMS} rooms did not converge; close codes seen ${JSON.stringify(closes())}\n` +
      details.join('\n'))
  }

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
    const final = cs[0].text.toString()
    const finalSv = Y.decodeStateVector(Y.encodeStateVector(cs[0].doc))
    const present = new Set(final.match(TOKEN) || [])
    assert.equal([...present].join('').length, final.length, `room ${room}: the text is not a sequence of distinct tokens`)

    // (2) nothing lost: every token inserted or received, every struct received.
    for (const c of cs) {
      const missingSent = c.sent.filter(t => !present.has(t))
      assert.deepEqual(missingSent, [], `room ${room}: client ${c.id}'s own edits are missing from the converged text`)
      const missingReceived = new Set()
      const missingStructs = []
      for (const { update } of c.received) {
        for (const t of tokensOf(update)) if (!present.has(t)) missingReceived.add(t)
        for (const s of Y.decodeUpdate(update).structs) {
          if ((finalSv.get(s.id.client) ?? 0) < s.id.clock + s.length) missingStructs.push(`${s.id.client}:${s.id.clock}+${s.length}`)
        }
      }
      assert.deepEqual([...missingReceived], [], `room ${room}: tokens client ${c.id} had received from the server are missing`)
      assert.deepEqual(missingStructs, [], `room ${room}: structs client ${c.id} had received are missing`)
    }
    const expected = new Set(rooms.find(x => x.room === room).clients.flatMap(c => c.sent))
    assert.equal(present.size, expected.size, `room ${room}: the text holds tokens nobody inserted`)

    // (3) the stored room equals what the clients hold: through a fresh provider...
    const fresh = trackedClient(room, 1000 + clients.length)
    await waitFor(() => fresh.provider.synced && fresh.text.toString() === final, {
      timeout: 15000,
      message: () => `room ${room}: a fresh provider to sync the converged text (synced ${fresh.provider.synced}, ` +
        `${fresh.text.length} of ${final.length} chars)`
    })
    // ...and through the room data API (one Yjs update)
    const stored = await waitFor(async () => {
      const text = (await storedDoc(room)).getText('text').toString()
      return text === final ? text : false
    }, {
      timeout: 10000,
      interval: 250,
      message: (last) => `room ${room}: the stored document (room data API) to equal the converged text` +
        (last instanceof Error ? ` (${last.message})` : '')
    })
    assert.equal(stored, final)
  }
  assert.ok(moved.length >= 2 && moved.length + stayed.length === ROOMS)
}
