#!/usr/bin/env node
// Runs the Yjs room benchmark against Parlor (launcher jar, its Redis
// included) and the y-websocket reference server (scenarios side by side in
// turns, see BENCH_INTERLEAVE; the ramp one after the other), and prints a
// markdown report. Use bench/run.sh, which pins this process and the
// load generator to core 1; servers are pinned to core 0 here.
//
// Env: BENCH_TARGETS   parlor,reference (default both)
//      BENCH_WARMUP    seconds of warm-up per scenario (default 90: on its one core the JVM's JIT
//                      competes with the server for over a minute; 20 s left p99 2-5x the steady one)
//      BENCH_DURATION  measured seconds per scenario (default 25)
//      BENCH_RAMP      rates per client for the ramp, e.g. 2,4,8,16,32 ('' to skip)
//      BENCH_OUT       directory for the raw JSON and the report (default: a temp dir)
//      SERVER_CPU / GEN_CPU  cores for server and generator (default 0 and 1)
//      BENCH_NICE      niceness for servers and generator (e.g. -10, as root) on a shared machine
//      BENCH_INTERLEAVE  seconds per turn in scenarios (a) and (b) (default 2): both servers run at
//                      once and their generators take turns sending, so the machine's noise falls
//                      on both alike; warm-up and window are twice as long, half of each a target's
//                      (0: one target after the other). The ramp runs one target after the other.
//      BENCH_WINDOWS   equal parts of each scenario's window, each with its own p99 (default 5): the
//                      report adds their median, which one stall of a few seconds cannot decide alone

import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../e2e/harness.mjs'

const here = path.dirname(fileURLToPath(import.meta.url))
const TARGETS = (process.env.BENCH_TARGETS || 'parlor,reference').split(',').map(s => s.trim()).filter(Boolean)
const WARMUP = Number(process.env.BENCH_WARMUP || 90)
const DURATION = Number(process.env.BENCH_DURATION || 25)
const RAMP = (process.env.BENCH_RAMP ?? '2,4,8,16,32').split(',').map(Number).filter(x => x > 0)
const RAMP_ROOMS = Number(process.env.BENCH_RAMP_ROOMS || 100)
const RAMP_CLIENTS = Number(process.env.BENCH_RAMP_CLIENTS || 10)
const SERVER_CPU = process.env.SERVER_CPU || '0'
const INTERLEAVE = Number(process.env.BENCH_INTERLEAVE ?? 2)
const WINDOWS = Number(process.env.BENCH_WINDOWS || 5)
const REPORT_ONLY = process.argv[2] === '--report'
const OUT = REPORT_ONLY ? null : process.env.BENCH_OUT || fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-bench-'))
if (OUT) fs.mkdirSync(OUT, { recursive: true })

const SCENARIOS = [
  { id: 'a', title: '100 rooms × 10 clients × 2 updates/s', rooms: 100, clients: 10, rate: 2 },
  { id: 'b', title: '1 room × 200 clients × 1 update/s', rooms: 1, clients: 200, rate: 1 }
]
const NAMES = { parlor: 'Parlor', reference: 'reference' }
const serverTarget = (t) => t === 'reference' ? 'reference-stock' : t

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a)

function loadgen (server, args, label) {
  return new Promise((resolve) => {
    const argv = [path.join(here, 'loadgen.mjs'), '--url', server.wsBase, '--server-pid', String(server.pid),
      '--bench-root', String(process.pid), '--label', label, ...args.map(String)]
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', d => { out += d })
    // hard bound: warm-up + duration + connect + drain + slack
    const seconds = (name) => Number(args[args.indexOf(name) + 1] || 0)
    const limit = setTimeout(() => child.kill('SIGKILL'), (seconds('--warmup') + seconds('--duration') + 150) * 1000)
    child.on('exit', (code) => {
      clearTimeout(limit)
      const line = out.trim().split('\n').pop() || ''
      try { resolve(JSON.parse(line)) } catch { resolve({ label, error: `loadgen exited ${code}: ${out.slice(-500)}` }) }
    })
  })
}

const busySec = () => {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
  return (f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) / 100
}
/** Waits (bounded by BENCH_QUIET_WAIT s, default 120) until other work uses < 0.25 cores, so runs compare. */
async function waitQuiet () {
  const limit = Number(process.env.BENCH_QUIET_WAIT ?? 120) * 1000
  const t0 = Date.now()
  let used = 0
  do {
    const b0 = busySec()
    await new Promise(resolve => setTimeout(resolve, 2000))
    used = (busySec() - b0) / 2
    if (used < 0.25) return used
  } while (Date.now() - t0 < limit)
  log(`machine still busy (${used.toFixed(2)} cores in use by others) after ${limit / 1000} s; going on`)
  return used
}

async function withServer (target, fn) {
  await waitQuiet()
  // BENCH_NICE is applied by run.sh to this process; servers and the generator inherit it
  const server = await startServer({ target: serverTarget(target), prefix: ['taskset', '-c', SERVER_CPU] })
  if (process.env.BENCH_NICE) {
    // the server runs in a session (autogroup) of its own: give that group the same niceness
    try { fs.writeFileSync(`/proc/${server.pid}/autogroup`, process.env.BENCH_NICE) } catch (err) { log(`autogroup: ${err.message}`) }
  }
  log(`${target} ready in ${server.startupMs} ms (pid ${server.pid}, port ${server.httpPort})`)
  try {
    const result = await fn(server)
    // when the server closed sockets, show why (its distinct warnings, room ids stripped)
    const warnings = new Map()
    for (const line of server.output().split('\n')) {
      if (!/ (WARN|ERROR) /.test(line) || /hazelcast/i.test(line)) continue
      const key = line.replace(/^\S+ /, '').replace(/(room|conn)="[^"]*"/g, '').slice(0, 300)
      warnings.set(key, (warnings.get(key) || 0) + 1)
    }
    if (warnings.size) {
      log(`${target} warnings:\n` + [...warnings].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, n]) => `  ${n} × ${k}`).join('\n'))
    }
    return result
  } finally {
    const s = await server.stop()
    log(`${target} stopped: ${JSON.stringify(s)}`)
  }
}

// keeping up: delivers >= 95 % of the nominal offered deliveries, with p99 <= 1 s
const nominalDeliveries = (r) => r.offeredUpdatesPerSec * (r.clients - 1)
const keepsUp = (r) => !r.error && r.deliveredRatio >= 0.95 && r.deliveredPerSec >= 0.95 * nominalDeliveries(r) && r.p99ms <= 1000
// the generator itself could not keep up: its core was full, or it sent less with all its sockets open
const generatorBound = (r) => !r.error && (r.generatorCpuShare >= 0.9 ||
  (r.sentPerSec < 0.95 * r.offeredUpdatesPerSec && Object.keys(r.closes || {}).length === 0))

// `node bench/run.mjs --report results.json` prints the report of an earlier run again
const REPORT_FROM = process.argv[2] === '--report' ? process.argv[3] : null
const results = REPORT_FROM
  ? JSON.parse(fs.readFileSync(REPORT_FROM, 'utf8'))
  : { date: new Date().toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version }, scenarios: {}, ramp: {} }

const interleaved = !REPORT_FROM && INTERLEAVE > 0 && TARGETS.length === 2
if (interleaved) {
  for (const sc of SCENARIOS) {
    log(`${TARGETS.join(' and ')} taking ${INTERLEAVE} s turns: scenario ${sc.id} (${sc.title})`)
    const rs = await withServer(TARGETS[0], (first) => withServer(TARGETS[1], (second) => {
      const args = ['--rooms', sc.rooms, '--clients', sc.clients, '--rate', sc.rate, '--warmup', 2 * WARMUP,
        '--duration', 2 * DURATION, '--windows', WINDOWS, '--slot-ms', INTERLEAVE * 1000, '--slot-origin', Date.now()]
      return Promise.all([first, second].map((server, phase) =>
        loadgen(server, [...args, '--slot-phase', phase], `${TARGETS[phase]}/${sc.id}`)))
    }))
    rs.forEach((r, i) => {
      log(JSON.stringify(r))
      ;(results.scenarios[sc.id] ||= {})[TARGETS[i]] = r
    })
  }
  results.interleaveSec = INTERLEAVE
}
for (const target of REPORT_FROM ? [] : TARGETS) {
  for (const sc of interleaved ? [] : SCENARIOS) {
    log(`${target}: scenario ${sc.id} (${sc.title})`)
    const r = await withServer(target, (server) => loadgen(server,
      ['--rooms', sc.rooms, '--clients', sc.clients, '--rate', sc.rate, '--warmup', WARMUP, '--duration', DURATION,
        '--windows', WINDOWS], `${target}/${sc.id}`))
    log(JSON.stringify(r))
    ;(results.scenarios[sc.id] ||= {})[target] = r
  }
  if (RAMP.length) {
    results.ramp[target] = []
    await withServer(target, async (server) => {
      // an unmeasured run first, so that a JIT's warm-up does not end the ramp at its first step
      const warm = await loadgen(server, ['--rooms', RAMP_ROOMS, '--clients', RAMP_CLIENTS, '--rate', RAMP[0],
        '--warmup', 10, '--duration', 5, '--drain', 2], `${target}/ramp-warm-up`)
      log(`warm-up: p99 ${warm.p99ms} ms, delivered ${warm.deliveredRatio}`)
      for (const rate of RAMP) {
        await waitQuiet()
        log(`${target}: ramp ${RAMP_ROOMS} rooms × ${RAMP_CLIENTS} clients × ${rate}/s`)
        const r = await loadgen(server, ['--rooms', RAMP_ROOMS, '--clients', RAMP_CLIENTS, '--rate', rate,
          '--warmup', 5, '--duration', 10, '--drain', 3], `${target}/ramp-${rate}`)
        log(JSON.stringify(r))
        results.ramp[target].push(r)
        if (!keepsUp(r)) break
      }
    })
  }
}
if (!REPORT_FROM) fs.writeFileSync(path.join(OUT, 'results.json'), JSON.stringify(results, null, 2))

// ------------------------------------------------------------ report
const f = (x, d = 0) => x === null || x === undefined || Number.isNaN(x) ? '–' : Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d })
const ratio = (a, b) => Array.isArray(a) && Array.isArray(b) ? a.map((x, i) => ratio(x, b[i])).join(' / ')
  : (a === null || b === null || a === undefined || b === undefined || !b) ? '–' : (a / b).toFixed(2)
const lines = []
const cols = TARGETS.map(t => NAMES[t] || t)
for (const sc of SCENARIOS) {
  const rs = TARGETS.map(t => results.scenarios[sc.id]?.[t] || {})
  lines.push(`### (${sc.id}) ${sc.title}`, '')
  if (results.interleaveSec) {
    lines.push(`Both servers up at once, the generators taking ${results.interleaveSec} s turns; rates and CPU cores are per second of a target's own turns.`, '')
  }
  lines.push(`| metric | ${cols.join(' | ')} |${TARGETS.length === 2 ? ' Parlor / reference |' : ''}`)
  lines.push(`|---|${TARGETS.map(() => '---:').join('|')}|${TARGETS.length === 2 ? '---:|' : ''}`)
  const row = (name, key, d = 0, show = (v) => f(v, d)) => {
    const vals = rs.map(r => r.error ? null : r[key])
    lines.push(`| ${name} | ${vals.map(show).join(' | ')} |${TARGETS.length === 2 ? ` ${ratio(vals[0], vals[1])} |` : ''}`)
  }
  row('updates sent / s', 'sentPerSec', 0)
  row('deliveries offered / s (sent × (clients − 1))', 'offeredDeliveriesPerSec', 0)
  row('**delivered updates / s**', 'deliveredPerSec', 0)
  row('delivered of offered', 'deliveredRatio', 4)
  row('latency p50 (ms)', 'p50ms', 2)
  row('**latency p99 (ms)**', 'p99ms', 2)
  row('latency max (ms)', 'maxms', 1)
  if (rs.some(r => r.p99WindowsMs?.length > 1)) {
    row(`**latency p99, median of the window's ${rs[0].p99WindowsMs.length} equal parts (ms)**`, 'p99MedianOfWindowsMs', 2)
    row('latency p99 of each part (ms)', 'p99WindowsMs', 0, (v) => v ? v.map(x => f(x, 1)).join(' / ') : '–')
  }
  row('**server CPU per delivered update (µs)**', 'serverCpuUsPerDelivery', 2)
  row('server CPU (s) in the window', 'serverCpuSec', 2)
  row('server CPU (cores, 1 = its whole core)', 'serverCpuShare', 2)
  row('generator CPU (share of its core)', 'generatorCpuShare', 2)
  if (results.interleaveSec) row('server CPU in the other target\'s turns (cores)', 'serverCpuOffTurnCores', 2)
  row('other processes on the machine (cores, noise)', 'otherCpuCores', 2)
  row('time the hypervisor took from the machine (cores, noise)', 'stolenCpuCores', 2)
  row('seconds measured', 'windowSeconds', 0)
  row('quiet seconds (hypervisor ≤ 50 ms and other processes ≤ 100 ms of CPU, in it and the second before)', 'quietSeconds', 0)
  row('latency p50 in quiet seconds (ms)', 'p50QuietMs', 2)
  row('**latency p99 in quiet seconds (ms)**', 'p99QuietMs', 2)
  row('latency max in quiet seconds (ms)', 'maxQuietMs', 1)
  for (const [i, r] of rs.entries()) {
    const notes = []
    if (r.error) notes.push(`error: ${r.error}`)
    if (r.duplicates) notes.push(`${r.duplicates} duplicate deliveries`)
    if (r.unknown) notes.push(`${r.unknown} unknown updates`)
    if (Object.keys(r.closes || {}).length) notes.push(`closes ${JSON.stringify(r.closes)}`)
    if (r.echoes) notes.push(`${r.echoes} echoes of own updates (not counted)`)
    if (r.serverProcesses) notes.push(`server processes measured: ${r.serverProcesses.join(', ')}`)
    if (r.closes && Object.keys(r.closes).length && r.sentPerSec < 0.95 * r.offeredUpdatesPerSec) {
      notes.push('the server closed the sockets during the run, so their updates were not sent')
    }
    if (notes.length) lines.push('', `${cols[i]}: ${notes.join('; ')}.`)
  }
  lines.push('')
}
if (RAMP.length && Object.keys(results.ramp).length) {
  lines.push(`### Ramp: ${RAMP_ROOMS} rooms × ${RAMP_CLIENTS} clients, rising update rate (after a 15 s unmeasured warm-up; per step 5 s warm-up, 10 s measured)`, '')
  lines.push(`| updates/s per client | offered updates/s | offered deliveries/s | ${TARGETS.map(t => `${NAMES[t] || t}: delivered/s, p99 ms, server / generator / other CPU`).join(' | ')} |`)
  lines.push(`|---:|---:|---:|${TARGETS.map(() => '---|').join('')}`)
  for (const rate of RAMP) {
    const cells = TARGETS.map(t => {
      const r = (results.ramp[t] || []).find(x => x.rate === rate)
      if (!r) return 'not run'
      if (r.error) return `error: ${r.error.slice(0, 80)}`
      const closed = Object.entries(r.closes || {}).map(([c, n]) => `${n} closed ${c}`).join(', ')
      return `${f(r.deliveredPerSec)} (${f((r.deliveredPerSec / nominalDeliveries(r)) * 100, 1)} %), ${f(r.p99ms, 1)}, ${f(r.serverCpuShare, 2)} / ${f(r.generatorCpuShare, 2)} / ${f(r.otherCpuCores, 2)}${closed ? ', ' + closed : ''}${keepsUp(r) ? '' : ' ✗'}`
    })
    const off = RAMP_ROOMS * RAMP_CLIENTS * rate
    lines.push(`| ${rate} | ${f(off)} | ${f(off * (RAMP_CLIENTS - 1))} | ${cells.join(' | ')} |`)
  }
  lines.push('')
  for (const t of TARGETS) {
    const steps = results.ramp[t] || []
    const lastOk = [...steps].reverse().find(keepsUp)
    const fail = steps.find(r => !keepsUp(r))
    const genBound = fail && generatorBound(fail)
    lines.push(`- ${NAMES[t] || t}: ` + (fail
      ? `keeps up to ${lastOk ? f(lastOk.offeredUpdatesPerSec) + ' updates/s offered (' + f(nominalDeliveries(lastOk)) + ' deliveries/s)' : 'none of the steps'}; ` +
        `stops keeping up at ${f(fail.offeredUpdatesPerSec)} updates/s offered (delivered ${f(fail.deliveredPerSec / nominalDeliveries(fail) * 100, 1)} % of the offered deliveries, p99 ${f(fail.p99ms, 0)} ms)` +
        (genBound ? ' — the generator was saturated too, so this bound is the generator\'s as much as the server\'s' : '')
      : `kept up at every step, up to ${lastOk ? f(lastOk.offeredUpdatesPerSec) : '–'} updates/s offered`))
  }
  lines.push('', '✗ = delivered < 95 % of offered or p99 > 1 s.')
}
const report = lines.join('\n') + '\n'
process.stdout.write(report)
if (OUT) {
  fs.writeFileSync(path.join(OUT, 'report.md'), report)
  log(`raw results and report in ${OUT}`)
}
