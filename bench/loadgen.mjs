#!/usr/bin/env node
// Load generator for Yjs rooms: N rooms x K clients speaking the y-websocket
// protocol on raw sockets. Every client does the sync handshake, then sends
// small real Yjs updates (a Y.Text insert carrying the send time) at a fixed
// rate. Every receiving client looks the update up by (client, clock) and
// records the end-to-end latency. One JSON line of results on stdout.
//
//   node bench/loadgen.mjs --url ws://127.0.0.1:8080/parties/yjs --rooms 100 --clients 10 \
//        --rate 2 --warmup 10 --duration 25 [--server-pid 1234] [--label x]
//
// All traffic goes to the given URL, which must be on 127.0.0.1 / localhost.

import { performance } from 'node:perf_hooks'
import fs from 'node:fs'
import os from 'node:os'
import WebSocket from 'ws'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { compilerMs, jitQuiet } from './jit.mjs'

// ------------------------------------------------------------ options
const argv = process.argv.slice(2)
const opt = (name, def) => {
  const i = argv.indexOf('--' + name)
  return i >= 0 ? argv[i + 1] : def
}
const URL_BASE = opt('url', 'ws://127.0.0.1:8080/parties/yjs').replace(/\/+$/, '')
const ROOMS = Number(opt('rooms', 100))
const CLIENTS = Number(opt('clients', 10))
const RATE = Number(opt('rate', 2)) // updates per second per client
const WARMUP = Number(opt('warmup', 10)) * 1000
const DURATION = Number(opt('duration', 25)) * 1000
const DRAIN = Number(opt('drain', 5)) * 1000
const CONNECT_TIMEOUT = Number(opt('connect-timeout', 60)) * 1000
const CONNECT_PARALLEL = Number(opt('connect-parallel', 64))
const SERVER_PID = opt('server-pid') ? Number(opt('server-pid')) : null
// name=pid,name=pid: processes whose own CPU time over the measured window is reported one by one
const CPU_PIDS = (opt('cpu-pids', '') || '').split(',').filter(Boolean).map(x => x.split('=')).map(([n, p]) => [n, Number(p)])
const LABEL = opt('label', '')
// at most this many seconds more of warm-up, until the JIT compilers of the cpu-pids JVMs use under
// 5 % of a core (0: the window starts after --warmup, whatever they do)
const JIT_WAIT = Number(opt('jit-wait', 0))
// the measured window is also cut into this many equal parts, each with its own p99: one stall of
// a few seconds decides a single window's p99, and the median of several shows whether it recurs
const WINDOWS = Math.max(1, Number(opt('windows', 1)))
// the benchmark's own process tree (e.g. bench/run.mjs with every server and generator it runs):
// none of it counts as noise; without it, only the server's processes and this generator are spared
const BENCH_ROOT = opt('bench-root') ? Number(opt('bench-root')) : null
// Interleaving: time is cut into slots of slot-ms from slot-origin (epoch ms); this generator sends
// only in every other slot (slot-phase 0 or 1), so that two targets measured side by side take turns.
const SLOT_MS = Number(opt('slot-ms', 0))
const SLOT_PHASE = Number(opt('slot-phase', 0))
const SLOT_ORIGIN = Number(opt('slot-origin', 0))
// A second is "quiet" when, in it and in the second before, the hypervisor took at most
// quiet-steal-ms of the machine's CPU time (steal) and processes outside the benchmark (see
// bench-root) used at most quiet-other-ms (coarser: summed from per-process ticks).
const QUIET_STEAL_MS = Number(opt('quiet-steal-ms', 50))
const QUIET_OTHER_MS = Number(opt('quiet-other-ms', 100))
const ROOM_PREFIX = opt('room-prefix', `bench-${process.pid}-${Date.now().toString(36)}`)

{
  const host = new URL(URL_BASE).hostname
  if (!['127.0.0.1', 'localhost', '[::1]', '::1'].includes(host)) {
    console.error(`refusing to load ${host}: the generator only targets this machine`)
    process.exit(2)
  }
}

// ------------------------------------------------------------ /proc CPU accounting
const CLK_TCK = 100
function procTree (root) {
  const children = new Map()
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const s = fs.readFileSync(`/proc/${name}/stat`, 'utf8')
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
      const ppid = Number(f[1])
      if (!children.has(ppid)) children.set(ppid, [])
      children.get(ppid).push(Number(name))
    } catch {}
  }
  const out = []
  const stack = [root]
  while (stack.length) {
    const p = stack.pop()
    out.push(p)
    for (const c of children.get(p) || []) stack.push(c)
  }
  return out
}
/** utime + stime in seconds of `root` and all its descendants, with their names. */
function treeCpu (root) {
  return pidsCpu(procTree(root))
}

const lastTicks = new Map() // pid -> its last reading: a process that exits keeps what it used
/** utime + stime in seconds of the given processes, with their names. */
function pidsCpu (pids) {
  let ticks = 0
  const names = []
  for (const pid of pids) {
    try {
      const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
      names.push(s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')))
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ')
      lastTicks.set(pid, Number(f[11]) + Number(f[12])) // utime, stime (fields 14, 15)
    } catch {}
    ticks += lastTicks.get(pid) || 0
  }
  return { sec: ticks / CLK_TCK, names }
}

/** CPU seconds the machine's processes used, and those the hypervisor took from its cores (steal). */
function machineCpuSec () {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  // user nice system idle iowait irq softirq steal
  return { busy: (f[0] + f[1] + f[2] + f[5] + f[6]) / CLK_TCK, steal: f[7] / CLK_TCK }
}

// ------------------------------------------------------------ the machine's noise, per second
/** Per second of the time line: [ms the hypervisor took (steal), ms other processes used, ms the server used]. */
const noise = []

/** The benchmark's own processes besides this generator (taken once, at the start of sending). */
function ownPids () {
  if (BENCH_ROOT) return procTree(BENCH_ROOT).filter(pid => pid !== process.pid)
  return [...(SERVER_PID ? procTree(SERVER_PID) : []), ...CPU_PIDS.flatMap(([, pid]) => procTree(pid))]
}

/** CPU seconds so far: the machine's (busy, steal), the benchmark's own processes', this generator's. */
function cpuNow (own, server = []) {
  const gen = process.cpuUsage()
  return { at: performance.now(), machine: machineCpuSec(), own: pidsCpu(own).sec, gen: (gen.user + gen.system) / 1e6, server: pidsCpu(server).sec }
}

/** CPU seconds other processes used between two cpuNow samples; null when the server's are unknown. */
function otherCpuSec (own, a, b) {
  return own.length ? Math.max(0, (b.machine.busy - a.machine.busy) - (b.own - a.own) - (b.gen - a.gen)) : null
}

/** Samples the noise every second from the start of sending. */
function startNoiseSampler (own) {
  const server = SERVER_PID ? procTree(SERVER_PID) : []
  let last = cpuNow(own, server)
  return setInterval(() => {
    const cur = cpuNow(own, server)
    const sec = Math.floor(((last.at + cur.at) / 2 - sendStart) / 1000)
    const steal = (cur.machine.steal - last.machine.steal) * 1000
    noise[sec] = [Math.round(steal), Math.round((otherCpuSec(own, last, cur) ?? 0) * 1000), Math.round((cur.server - last.server) * 1000)]
    last = cur
  }, 1000)
}

/** Whether this generator sends at `now` (performance time): always, unless interleaved. */
function activeAt (now) {
  return !SLOT_MS || Math.floor((performance.timeOrigin + now - SLOT_ORIGIN) / SLOT_MS) % 2 === SLOT_PHASE
}

/** Milliseconds of [a, b] (performance time) in this generator's slots. */
function activeMsBetween (a, b) {
  if (!SLOT_MS) return b - a
  let ms = 0
  for (let t = a; t < b;) {
    const slotEnd = SLOT_ORIGIN - performance.timeOrigin + (Math.floor((performance.timeOrigin + t - SLOT_ORIGIN) / SLOT_MS) + 1) * SLOT_MS
    const end = Math.min(b, slotEnd)
    if (activeAt(t)) ms += end - t
    t = end
  }
  return ms
}

/** A second (and the one before it) without noise over the thresholds. */
function quiet (sec) {
  const ok = (n) => n && n[0] <= QUIET_STEAL_MS && n[1] <= QUIET_OTHER_MS
  return ok(noise[sec]) && ok(noise[sec - 1])
}

// ------------------------------------------------------------ latency bookkeeping
/** clientID -> Map(clock -> entry) */
const sentByClient = new Map()
let phase = 'connect' // connect | warmup | measure | drain
let windowStart = 0
let windowEnd = 0
let sentInWindow = 0
let sentTotal = 0
let deliveredInWindow = 0 // deliveries received while measuring (any send time)
let duplicates = 0
let unknown = 0
let echoes = 0
let latencies = new Float64Array(1 << 16)
let latSecond = new Int32Array(1 << 16) // the second (of the time line) each latency was received in
let nLat = 0
const closes = {}
const timeline = []
let sendStart = 0
let errors = 0

function recordLatency (ms, sec) {
  if (nLat === latencies.length) {
    const bigger = new Float64Array(latencies.length * 2)
    bigger.set(latencies)
    latencies = bigger
    const secs = new Int32Array(latSecond.length * 2)
    secs.set(latSecond)
    latSecond = secs
  }
  latSecond[nLat] = sec
  latencies[nLat++] = ms
}

function deliver (receiver, client, clock, now) {
  const m = sentByClient.get(client)
  const entry = m && m.get(clock)
  if (!entry) { unknown++; return 0 }
  if (entry.seen[receiver.index]) { duplicates++; return entry.len }
  entry.seen[receiver.index] = 1
  entry.remaining--
  // An entry goes once every client has it (a later duplicate then counts as unknown): kept, the
  // window's entries grew the generator's heap, and the major collections of a heap that grows
  // took its core for 100-150 ms every few seconds, which showed in every target's p99.
  if (entry.remaining === 0) m.delete(clock)
  if (phase === 'measure') deliveredInWindow++
  const sec = Math.floor((now - sendStart) / 1000)
  if (entry.inWindow) recordLatency(now - entry.sentAt, sec)
  if (phase !== 'connect') {
    // per-second time line from the start of sending: deliveries, mean and max latency
    const b = (timeline[sec] ||= { n: 0, sum: 0, max: 0 })
    const ms = now - entry.sentAt
    b.n++; b.sum += ms; if (ms > b.max) b.max = ms
  }
  return entry.len
}

/** Handles a sync update: one or more (client, clock range) parts. */
function onUpdate (receiver, update, now) {
  const d = decoding.createDecoder(update)
  const nClients = decoding.readVarUint(d)
  if (nClients === 1) {
    const nStructs = decoding.readVarUint(d)
    const client = decoding.readVarUint(d)
    const clock = decoding.readVarUint(d)
    if (client === receiver.doc.clientID) { echoes++; return }
    if (nStructs === 1) { deliver(receiver, client, clock, now); return }
  }
  // merged or batched updates: walk every client's clock range
  const { from, to } = Y.parseUpdateMeta(update)
  for (const [client, start] of from) {
    if (client === receiver.doc.clientID) { echoes++; continue }
    const end = to.get(client)
    let c = start
    while (c < end) {
      const len = deliver(receiver, client, c, now)
      if (!len) break
      c += len
    }
  }
}

// ------------------------------------------------------------ clients
const syncStep1 = (doc) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint8Array(e, Y.encodeStateVector(doc))
  return encoding.toUint8Array(e)
}
const syncFrame = (sub, payload) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 0)
  encoding.writeVarUint(e, sub)
  encoding.writeVarUint8Array(e, payload)
  return encoding.toUint8Array(e)
}

class Client {
  constructor (room, index) {
    this.room = room
    this.index = index // position in the room: index into entry.seen
    this.doc = new Y.Doc()
    this.text = this.doc.getText('t')
    this.ws = null
    this.synced = false
    this.nextAt = 0
    this.lastUpdate = null
    this.doc.on('update', (u) => { this.lastUpdate = u })
    sentByClient.set(this.doc.clientID, new Map())
  }

  connect () {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${URL_BASE}/${this.room.name}`, { perMessageDeflate: false })
      ws.binaryType = 'nodebuffer'
      this.ws = ws
      ws.on('open', () => ws.send(syncStep1(this.doc)))
      ws.on('message', (data) => {
        const now = performance.now()
        const d = decoding.createDecoder(data)
        const type = decoding.readVarUint(d)
        if (type !== 0) return // awareness etc.
        const sub = decoding.readVarUint(d)
        const payload = decoding.readVarUint8Array(d)
        if (sub === 2) {
          onUpdate(this, payload, now)
        } else if (sub === 0) {
          // the server's step 1: answer with what it lacks
          ws.send(syncFrame(1, Y.encodeStateAsUpdate(this.doc, payload)))
        } else if (sub === 1 && !this.synced) {
          this.synced = true
          resolve()
        }
      })
      ws.on('close', (code) => {
        closes[code] = (closes[code] || 0) + 1
        if (!this.synced) reject(new Error(`closed ${code} before sync`))
        this.ws = null
      })
      ws.on('error', (err) => {
        errors++
        if (!this.synced) reject(err)
      })
    })
  }

  send (now) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return
    // a small real Yjs update: append "<wall clock ms>;" to the client's Y.Text
    const clock = Y.getState(this.doc.store, this.doc.clientID)
    const content = `${Date.now()};`
    this.text.insert(this.text.length, content)
    const update = this.lastUpdate
    const inWindow = phase === 'measure'
    sentByClient.get(this.doc.clientID).set(clock, {
      sentAt: now, len: content.length, remaining: this.room.clients.length - 1,
      inWindow, seen: new Uint8Array(this.room.clients.length)
    })
    sentTotal++
    if (inWindow) sentInWindow++
    this.ws.send(syncFrame(2, update))
  }
}

const rooms = []
for (let r = 0; r < ROOMS; r++) {
  const room = { name: `${ROOM_PREFIX}-${r}`, clients: [] }
  for (let k = 0; k < CLIENTS; k++) room.clients.push(new Client(room, k))
  rooms.push(room)
}
const all = rooms.flatMap(r => r.clients)

/** The p99 of each of WINDOWS equal parts of the window (from and span in seconds of the time line). */
function p99ByWindow (from, span) {
  const parts = Array.from({ length: WINDOWS }, () => [])
  for (let i = 0; i < nLat; i++) {
    const k = Math.floor((latSecond[i] - from) / (span / WINDOWS))
    parts[Math.min(WINDOWS - 1, Math.max(0, k))].push(latencies[i])
  }
  return parts.map(part => part.length ? +percentile(Float64Array.from(part).sort(), 99).toFixed(2) : null)
}

function median (values) {
  const sorted = values.filter(v => v !== null).sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

function percentile (sorted, p) {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))]
}

async function main () {
  const sleep = (ms) => new Promise(resolve => setTimeout(resolve, ms))
  // connect with bounded parallelism and an overall deadline
  const t0 = performance.now()
  let next = 0
  let connectFailures = 0
  const firstErrors = []
  const worker = async () => {
    while (next < all.length) {
      const c = all[next++]
      try {
        await Promise.race([c.connect(), sleep(Math.max(1, CONNECT_TIMEOUT - (performance.now() - t0))).then(() => { throw new Error('sync timeout') })])
      } catch (err) {
        connectFailures++
        if (firstErrors.length < 3) firstErrors.push(err.message)
      }
    }
  }
  await Promise.all(Array.from({ length: CONNECT_PARALLEL }, worker))
  const connectMs = performance.now() - t0
  if (connectFailures > all.length * 0.05) {
    console.log(JSON.stringify({ label: LABEL, error: `${connectFailures} of ${all.length} clients failed to connect and sync: ${firstErrors.join('; ')}` }))
    for (const c of all) c.ws?.terminate()
    process.exit(1)
  }

  // fixed-rate sending, random phase per client, one ticker for all
  const interval = 1000 / RATE
  const start = performance.now()
  sendStart = start
  const own = ownPids()
  const noiseSampler = startNoiseSampler(own)
  for (const c of all) c.nextAt = start + Math.random() * interval
  phase = 'warmup'
  let cpu0 = null
  let win0 = null
  let each0 = []
  let jit = { waitedSec: 0, share: null, msInWindow: null }
  let jitDone = JIT_WAIT === 0
  let jitAtWindow = 0
  const jitPids = () => CPU_PIDS.map(([, pid]) => pid)
  if (!jitDone) {
    sleep(WARMUP).then(() => jitQuiet(jitPids, JIT_WAIT)).then(share => {
      jit = { waitedSec: +((performance.now() - start - WARMUP) / 1000).toFixed(1), share: +share.toFixed(3) }
      jitDone = true
    })
  }
  const ticker = setInterval(() => {
    const now = performance.now()
    if (phase === 'warmup' && now - start >= WARMUP && jitDone) {
      phase = 'measure'
      windowStart = now
      jitAtWindow = compilerMs(jitPids())
      cpu0 = SERVER_PID ? treeCpu(SERVER_PID) : null
      each0 = CPU_PIDS.map(([, pid]) => treeCpu(pid).sec)
      win0 = cpuNow(own)
    }
    if (phase === 'measure' && now - windowStart >= DURATION) {
      phase = 'drain'
      windowEnd = now
      return
    }
    if (phase === 'drain') return
    for (const c of all) {
      // catch up at most one interval; a generator that falls behind shows in sentPerSec
      if (c.nextAt <= now) {
        if (activeAt(now)) c.send(now)
        c.nextAt = Math.max(c.nextAt + interval, now - interval)
      }
    }
  }, 2)

  await new Promise(resolve => {
    const check = setInterval(() => { if (phase === 'drain') { clearInterval(check); resolve() } }, 20)
  })
  const cpu1 = SERVER_PID ? treeCpu(SERVER_PID) : null
  const cpuByProcess = Object.fromEntries(CPU_PIDS.map(([name, pid], i) => [name, +(treeCpu(pid).sec - each0[i]).toFixed(2)]))
  jit.msInWindow = compilerMs(jitPids()) - jitAtWindow
  const win1 = cpuNow(own)
  const windowSec = (windowEnd - windowStart) / 1000
  const activeSec = activeMsBetween(windowStart, windowEnd) / 1000 // = windowSec unless interleaved
  const deliveredPerSec = deliveredInWindow / activeSec

  // drain: wait for outstanding deliveries of window updates (bounded)
  const windowEntries = []
  for (const m of sentByClient.values()) for (const e of m.values()) if (e.inWindow) windowEntries.push(e)
  const drainStart = performance.now()
  while (performance.now() - drainStart < DRAIN && windowEntries.some(e => e.remaining > 0)) await sleep(50)
  clearInterval(ticker)
  clearInterval(noiseSampler)

  const expected = sentInWindow * (CLIENTS - 1)
  const missing = windowEntries.reduce((s, e) => s + e.remaining, 0)
  const lat = latencies.slice(0, nLat).sort()
  const p99Windows = p99ByWindow((windowStart - sendStart) / 1000, (windowEnd - windowStart) / 1000)
  const quietLat = latencies.subarray(0, nLat).filter((ms, i) => quiet(latSecond[i])).sort()
  // the window's seconds in this generator's turns (all of them unless interleaved), and what the
  // server went on using in the others' turns (deferred work such as compaction or garbage
  // collection, which the other target's latencies then carry)
  const windowSeconds = []
  let offTurnMs = 0
  let offTurnSeconds = 0
  for (let sec = Math.floor((windowStart - sendStart) / 1000); sec < Math.ceil((windowEnd - sendStart) / 1000); sec++) {
    if (activeAt(sendStart + sec * 1000 + 500)) windowSeconds.push(sec)
    else if (noise[sec]) { offTurnMs += noise[sec][2]; offTurnSeconds++ }
  }
  const other = otherCpuSec(own, win0, win1)
  const serverCpuSec = cpu1 && cpu0 ? cpu1.sec - cpu0.sec : null
  const result = {
    label: LABEL,
    rooms: ROOMS,
    clients: CLIENTS,
    rate: RATE,
    connections: all.length,
    connectMs: Math.round(connectMs),
    connectFailures,
    windowSec: +windowSec.toFixed(2),
    // interleaved: the part of the window in this generator's slots (rates are per second of it)
    slotMs: SLOT_MS || null,
    activeSec: +activeSec.toFixed(2),
    offeredUpdatesPerSec: ROOMS * CLIENTS * RATE,
    sentPerSec: +(sentInWindow / activeSec).toFixed(1),
    offeredDeliveriesPerSec: +(sentInWindow * (CLIENTS - 1) / activeSec).toFixed(1),
    deliveredPerSec: +deliveredPerSec.toFixed(1),
    deliveredRatio: expected ? +((expected - missing) / expected).toFixed(4) : null,
    missing,
    p50ms: lat.length ? +percentile(lat, 50).toFixed(2) : null,
    p90ms: lat.length ? +percentile(lat, 90).toFixed(2) : null,
    p99ms: lat.length ? +percentile(lat, 99).toFixed(2) : null,
    maxms: lat.length ? +lat[lat.length - 1].toFixed(2) : null,
    p99WindowsMs: p99Windows,
    p99MedianOfWindowsMs: p99Windows.length ? +median(p99Windows).toFixed(2) : null,
    duplicates,
    unknown,
    echoes,
    closes,
    errors,
    serverProcesses: cpu1 ? cpu1.names : null,
    serverCpuSec: serverCpuSec === null ? null : +serverCpuSec.toFixed(2),
    cpuByProcess,
    // the extra warm-up waited for the JIT (--jit-wait), the compilers' share of a core then, and
    // the CPU ms they used in the window (part of cpuByProcess)
    jit,
    serverCpuUsPerDelivery: serverCpuSec === null || !deliveredInWindow ? null : +(serverCpuSec * 1e6 / deliveredInWindow).toFixed(2),
    // per second of its own turns when interleaved (the CPU of the window over activeSec)
    generatorCpuShare: +((win1.gen - win0.gen) / activeSec).toFixed(2),
    serverCpuShare: serverCpuSec === null ? null : +(serverCpuSec / activeSec).toFixed(2),
    serverCpuOffTurnCores: SLOT_MS && offTurnSeconds ? +(offTurnMs / 1000 / offTurnSeconds).toFixed(2) : null,
    // cores used by everything else on the machine during the window (noise)
    otherCpuCores: other === null ? null : +(other / windowSec).toFixed(2),
    // cores' worth of time the hypervisor gave to other machines during the window (noise too)
    stolenCpuCores: +((win1.machine.steal - win0.machine.steal) / windowSec).toFixed(2),
    // the same latencies, of the deliveries received in quiet seconds only (see QUIET_STEAL_MS)
    quietSeconds: windowSeconds.filter(quiet).length,
    windowSeconds: windowSeconds.length,
    quietDeliveries: quietLat.length,
    p50QuietMs: quietLat.length ? +percentile(quietLat, 50).toFixed(2) : null,
    p99QuietMs: quietLat.length ? +percentile(quietLat, 99).toFixed(2) : null,
    maxQuietMs: quietLat.length ? +quietLat[quietLat.length - 1].toFixed(2) : null,
    loadavg: os.loadavg()[0],
    // per second since sending began (warm-up included): [deliveries, mean ms, max ms, ms stolen,
    // ms of other processes, ms of the server]
    timelineStartEpochMs: Math.round(performance.timeOrigin + sendStart),
    timeline: Array.from(timeline, (b, sec) => [...(b ? [b.n, Math.round(b.sum / b.n), Math.round(b.max)] : [0, 0, 0]),
      ...(noise[sec] || [null, null, null])])
  }
  console.log(JSON.stringify(result))
  for (const c of all) c.ws?.terminate()
  setTimeout(() => process.exit(0), 100).unref()
}

main().catch(err => {
  console.log(JSON.stringify({ label: LABEL, error: String(err && err.stack || err) }))
  process.exit(1)
})
