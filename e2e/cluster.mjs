// A Parlor cluster of separate JVMs for the failover and chaos tests, and the checks they share:
// processes in process groups of their own (output kept in memory, dumped when a test fails),
// clients that record what they send and receive, "nothing received is lost", and a minimal
// Redis client to read the stored log.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { connectClient, waitFor, repoRoot, target, Y, sleep } from './harness.mjs'

const READY_TIMEOUT_MS = 120000
const OUTPUT_LIMIT = 256 * 1024
export const JAVA_OPTS = (process.env.E2E_JAVA_OPTS ??
  '-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1').split(/\s+/).filter(Boolean)

// ---------------------------------------------------------------- processes

export const procs = []
process.on('exit', () => {
  for (const p of procs) {
    try { process.kill(-p.child.pid, 'SIGKILL') } catch {}
  }
})

export function groupAlive (pid) {
  try { process.kill(-pid, 0); return true } catch { return false }
}

export const exited = (p) => p.child.exitCode !== null || p.child.signalCode !== null

/**
 * `java -jar parlor.jar <service>` in a process group of its own, output kept in memory; `prefix`
 * runs it through another command (benchmarks pin servers with `taskset -c N`, which execs java).
 */
export function startService (name, service, env, dataDir, { prefix = [], javaOpts = JAVA_OPTS } = {}) {
  const jar = process.env.PARLOR_JAR || path.join(repoRoot, 'launcher/target/parlor.jar')
  if (!fs.existsSync(jar)) throw new Error(`Parlor jar not found: ${jar}; build it with ./parlor build`)
  const argv = [...prefix, 'java', ...javaOpts, '-jar', jar, service]
  const child = spawn(argv[0], argv.slice(1), {
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

/** Starts the embedded Redis service on port and waits until it is up. */
export async function startRedis (port, dataDir, options) {
  const redis = startService('redis', 'redis', { PARLOR_REDIS_PORT: String(port) }, dataDir, options)
  await waitFor(() => {
    if (exited(redis)) throw new Error(`redis exited: ${redis.out}`)
    return /Redis is up at/.test(redis.out)
  }, { timeout: 60000, interval: 100, message: () => `"Redis is up" from the redis service. Output:\n${redis.out}` })
  return redis
}

async function httpStatus (url) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) })
    await res.arrayBuffer().catch(() => {})
    return res.status
  } catch {
    return 0
  }
}

export async function waitReady (p, port) {
  const t0 = Date.now()
  while (await httpStatus(`http://127.0.0.1:${port}/health/ready`) !== 200) {
    if (p.spawnError) throw new Error(`could not start ${p.name}: ${p.spawnError.message}`)
    if (exited(p)) throw new Error(`${p.name} exited before it was ready (code ${p.child.exitCode}). Output:\n${p.out}`)
    if (Date.now() - t0 > READY_TIMEOUT_MS) {
      // A JVM prints its threads' stacks on SIGQUIT and carries on: what a stalled start waits for.
      p.child.kill('SIGQUIT')
      await sleep(1000)
      throw new Error(`${p.name} was not ready within ${READY_TIMEOUT_MS} ms ` +
        `(:${port}/health/ready never answered 200; a thread dump follows its output). Output:\n${p.out}`)
    }
    await sleep(250)
  }
}

/** The cluster node id a Parlor process logged when it started. */
export function nodeIdOf (p) {
  return p.out.match(/started node="([^"]+)"/)?.[1]
}

export async function stopAll () {
  for (const p of procs) if (!exited(p)) { try { p.child.kill('SIGTERM') } catch {} }
  const t0 = Date.now()
  while (procs.some(p => groupAlive(p.child.pid)) && Date.now() - t0 < 20000) await sleep(100)
  for (const p of procs) {
    if (groupAlive(p.child.pid)) { try { process.kill(-p.child.pid, 'SIGKILL') } catch {} }
  }
}

/** A test of a Parlor cluster (skipped against other targets); every process's output is dumped if it fails. */
export function clusterTest (title, timeout, scenario) {
  test(title, { skip: target !== 'parlor' && 'Parlor cluster', timeout }, async () => {
    try {
      await scenario()
    } catch (err) {
      dumpLogs(title, err.message.split('\n')[0])
      throw err
    }
  })
}

export function dumpLogs (title, why) {
  process.stderr.write(`\n==== ${title} failed (${why}); output of each process ====\n`)
  for (const p of procs) {
    process.stderr.write(`\n---- ${p.name} (pid ${p.child.pid}, exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'}) ----\n${p.out}\n`)
  }
}

/** The value of a gauge on a management port's /metrics, or NaN. */
export async function gauge (port, name) {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(3000) })
    const body = await res.text()
    const m = body.match(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm'))
    return m ? Number(m[1]) : NaN
  } catch {
    return NaN
  }
}

// ---------------------------------------------------------------- clients

export const TOKEN = /c\d+-\d+;/g

/** Every token in the strings an update inserts. */
export function tokensOf (update) {
  const out = []
  for (const s of Y.decodeUpdate(update).structs) {
    const str = s.content?.str
    if (typeof str === 'string') out.push(...(str.match(TOKEN) || []))
  }
  return out
}

/** A provider that records what it sends and what it receives from the server. */
export function trackedClient (server, room, id, options) {
  const c = connectClient(server, room, options)
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
export function edit (c) {
  const s = c.text.toString()
  const pos = s.length === 0 ? 0 : s.indexOf(';', Math.floor(Math.random() * s.length)) + 1
  const token = `c${c.id}-${c.sent.length};`
  c.sent.push(token)
  c.text.insert(pos, token)
}

/** Every client edits every `everyMs`, staggered; returns a function that stops them. */
export function editContinuously (all, everyMs) {
  const timers = all.map((c, i) => setTimeout(() => {
    c.timer = setInterval(() => edit(c), everyMs)
  }, (i * everyMs) / all.length))
  return () => {
    timers.forEach(clearTimeout)
    all.forEach(c => clearInterval(c.timer))
  }
}

/** A room's stored document (room data API through a gateway) as a Y.Doc. */
export async function storedDoc (httpPort, adminKey, room) {
  const res = await fetch(`http://127.0.0.1:${httpPort}/v1/rooms/yjs/${room}/document`, {
    headers: { Authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(5000)
  })
  if (res.status !== 200) throw new Error(`room data API: HTTP ${res.status}: ${await res.text()}`)
  const doc = new Y.Doc()
  Y.applyUpdate(doc, new Uint8Array(await res.arrayBuffer()))
  return doc
}

/** A room's sizes and owner (room data API), or null. */
export async function roomInfo (httpPort, adminKey, room) {
  const res = await fetch(`http://127.0.0.1:${httpPort}/v1/rooms/yjs/${room}`, {
    headers: { Authorization: `Bearer ${adminKey}` }, signal: AbortSignal.timeout(5000)
  })
  return res.status === 200 ? res.json() : null
}

/** Why a room did not converge: what each provider waits for, and what the store holds. */
export async function diagnose (cs, stored) {
  const name = new Map(cs.map(c => [c.doc.clientID, `c${c.id}`]))
  const who = (clientID) => name.get(clientID) ?? String(clientID)
  const svText = (sv) => [...sv].map(([k, v]) => `${who(k)}:${v}`).join(' ')
  const lines = []
  let doc = null
  try {
    doc = await stored()
    lines.push(`  stored document: ${doc.getText('text').length} chars, state vector ${svText(Y.decodeStateVector(Y.encodeStateVector(doc)))}`)
  } catch (err) {
    lines.push(`  stored document: ${err.message}`)
  }
  const storedSv = doc && Y.decodeStateVector(Y.encodeStateVector(doc))
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

/** Waits for every room's providers to be connected, synced and equal; throws with a diagnosis. */
export async function waitRoomsConverged (rooms, stored, timeout) {
  const settled = await Promise.allSettled(rooms.map(({ room, clients: cs }) => waitFor(() => {
    if (!cs.every(c => c.provider.wsconnected && c.provider.synced)) return false
    const t = cs[0].text.toString()
    return cs.every(c => c.text.toString() === t)
  }, {
    timeout,
    interval: 100,
    message: () => `room ${room} to converge: connected ${cs.map(c => c.provider.wsconnected)}, ` +
      `synced ${cs.map(c => c.provider.synced)}, text lengths ${cs.map(c => c.text.length)}`
  })))
  const unsettled = settled.map((s, r) => s.status === 'rejected' ? r : -1).filter(r => r >= 0)
  if (unsettled.length > 0) {
    const details = []
    for (const r of unsettled) {
      details.push(settled[r].reason.message + '\n' + await diagnose(rooms[r].clients, () => stored(rooms[r].room)))
    }
    const closes = rooms.flatMap(r => r.clients.flatMap(c => c.closes.map(x => x.code)))
    throw new Error(`${unsettled.length} of ${rooms.length} rooms did not converge; close codes seen ` +
      `${JSON.stringify(closes)}\n${details.join('\n')}`)
  }
}

/**
 * The converged text of a room holds every token its clients inserted and every token and struct
 * they received from the server, and nothing else.
 */
export function assertNothingLost (room, cs) {
  const final = cs[0].text.toString()
  const finalSv = Y.decodeStateVector(Y.encodeStateVector(cs[0].doc))
  const present = new Set(final.match(TOKEN) || [])
  assert.equal([...present].join('').length, final.length, `room ${room}: the text is not a sequence of distinct tokens`)
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
  const expected = new Set(cs.flatMap(c => c.sent))
  assert.equal(present.size, expected.size, `room ${room}: the text holds tokens nobody inserted`)
  return final
}

/** A fresh provider and the room data API both give the converged text. */
export async function assertStored (httpPort, adminKey, room, final, fresh) {
  await waitFor(() => fresh.provider.synced && fresh.text.toString() === final, {
    timeout: 15000,
    message: () => `room ${room}: a fresh provider to sync the converged text (synced ${fresh.provider.synced}, ` +
      `${fresh.text.length} of ${final.length} chars)`
  })
  const stored = await waitFor(async () => {
    const text = (await storedDoc(httpPort, adminKey, room)).getText('text').toString()
    return text === final ? text : false
  }, {
    timeout: 10000,
    interval: 250,
    message: (last) => `room ${room}: the stored document (room data API) to equal the converged text` +
      (last instanceof Error ? ` (${last.message})` : '')
  })
  assert.equal(stored, final)
}

/**
 * The longest time, from `at` until `until`, without any of `times` (when updates arrived); a
 * room still silent at `until` counts to the end.
 */
export function longestSilence (times, at, until) {
  let longest = 0
  let prev = at
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t <= at || t >= until) continue
    longest = Math.max(longest, t - prev)
    prev = t
  }
  return Math.max(longest, until - prev)
}

/**
 * When a room's hand-over began (epoch ms), from its old owner's text log, which says "room handed
 * over" with tookMs when it ends, in local time of day: the first one that ended in [at, until], or null.
 */
export function handOverStart (processes, roomKey, at, until) {
  const line = /^(\d\d):(\d\d):(\d\d)\.(\d{3}) .*room handed over room="([^"]+)".*tookMs="(\d+)"/gm
  let first = null
  for (const p of processes) {
    for (const m of p.out.matchAll(line)) {
      if (m[5] !== roomKey) continue
      const day = new Date(at)
      let ended = day.setHours(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]))
      if (ended < at - 43200e3) ended += 86400e3 // logged after midnight
      if (ended < at || ended > until) continue
      const start = ended - Number(m[6])
      if (first === null || start < first) first = start
    }
  }
  return first
}

export function percentile (sorted, q) {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

// ---------------------------------------------------------------- Redis

/** One Redis command over RESP; bulk strings come back as Buffers. */
export function redisCommand (port, ...args) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1')
    let buf = Buffer.alloc(0)
    sock.on('error', reject)
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      try {
        const r = parseResp(buf, 0)
        if (r) { sock.end(); resolve(r.value) }
      } catch (err) {
        sock.destroy()
        reject(err)
      }
    })
    sock.write(`*${args.length}\r\n` + args.map(a => `$${Buffer.byteLength(String(a))}\r\n${a}\r\n`).join(''))
  })
}

function parseResp (b, i) {
  const nl = b.indexOf('\r\n', i)
  if (nl < 0) return null
  const line = b.toString('latin1', i + 1, nl)
  switch (String.fromCharCode(b[i])) {
    case '+': return { value: line, next: nl + 2 }
    case '-': throw new Error(`Redis: ${line}`)
    case ':': return { value: Number(line), next: nl + 2 }
    case '$': {
      const n = Number(line)
      if (n < 0) return { value: null, next: nl + 2 }
      if (b.length < nl + 4 + n) return null
      return { value: b.subarray(nl + 2, nl + 2 + n), next: nl + 4 + n }
    }
    case '*': {
      const n = Number(line)
      const out = []
      let j = nl + 2
      for (let k = 0; k < n; k++) {
        const r = parseResp(b, j)
        if (!r) return null
        out.push(r.value)
        j = r.next
      }
      return { value: out, next: j }
    }
    default: throw new Error(`Redis: unexpected reply ${line}`)
  }
}
