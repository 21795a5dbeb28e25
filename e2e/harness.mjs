// End-to-end harness: starts a real server (Parlor's launcher jar, or the
// y-websocket reference server for comparison), waits until it is ready,
// and stops it again. Also the client helpers the tests share.
//
// Environment:
//   E2E_TARGET              parlor (default) | reference
//   PARLOR_JAR              jar to run (default launcher/target/parlor.jar)
//   E2E_STARTUP_TIMEOUT_MS  how long to wait for readiness (default 60000)
//   E2E_STOP_TIMEOUT_MS     how long SIGTERM may take before kill -9 (default 15000)
//   E2E_SERVER_LOG=1        copy the server's output to stderr while it runs
//   E2E_KEEP_DATA=1         keep the temporary data directory

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

import WebSocket from 'ws'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

/**
 * The services' JVM options: PARLOR_JAVA_OPTS when set (even empty), else launcher/jvm.options,
 * as ./parlor and the bench scripts use them.
 */
export function parlorJavaOpts () {
  const text = process.env.PARLOR_JAVA_OPTS ??
    fs.readFileSync(path.join(repoRoot, 'launcher/jvm.options'), 'utf8').replace(/#.*$/gm, '')
  return text.split(/\s+/).filter(Boolean)
}

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const target = process.env.E2E_TARGET || 'parlor'

const STARTUP_TIMEOUT_MS = Number(process.env.E2E_STARTUP_TIMEOUT_MS || 60000)
const STOP_TIMEOUT_MS = Number(process.env.E2E_STOP_TIMEOUT_MS || 15000)
const OUTPUT_LIMIT = 4 * 1024 * 1024

/**
 * A port that is free on 127.0.0.1 right now, below the kernel's ephemeral range: a port from that
 * range can be taken, between this check and the server's bind, by any socket bound to port 0 or
 * connecting out (a Parlor JVM's event bus binds port 0; once it took a room node's management port).
 */
export async function freePort () {
  for (let attempt = 0; attempt < 1000; attempt++) {
    const port = 20000 + Math.floor(Math.random() * 12000) // 20000–31999, under the usual 32768 and up
    const srv = net.createServer()
    const listening = await new Promise(resolve => {
      srv.once('error', () => resolve(false))
      srv.listen(port, '127.0.0.1', () => resolve(true))
    })
    if (listening) {
      srv.close()
      await once(srv, 'close')
      return port
    }
  }
  throw new Error('no free port found in 20000–31999 after 1000 tries')
}

/** `count` distinct free ports. */
export async function freePorts (count) {
  const ports = new Set()
  while (ports.size < count) ports.add(await freePort())
  return [...ports]
}

// Servers still running when this process exits are killed with their children.
const running = new Set()
process.setMaxListeners(200)
process.on('exit', () => {
  for (const s of running) {
    try { process.kill(-s.pid, 'SIGKILL') } catch {}
  }
})
// Ctrl-C or a SIGTERM ends the run through process.exit, so the 'exit' handlers here and in
// cluster.mjs stop every server it started (Node's default for these signals skips them).
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143))
}

function groupAlive (pid) {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

/** Resolves true when `child` has exited within `ms`, false otherwise. */
async function waitExit (child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return true
  const ac = new AbortController()
  const exited = once(child, 'exit', { signal: ac.signal }).then(() => true, () => false)
  const timer = sleep(ms, false, { signal: ac.signal }).catch(() => false)
  const result = await Promise.race([exited, timer])
  ac.abort()
  return result
}

async function httpStatus (url, timeoutMs = 2000) {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) })
    await res.arrayBuffer().catch(() => {})
    return res.status
  } catch {
    return 0
  }
}

function tcpAccepts (port) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' })
    sock.setTimeout(2000)
    sock.once('connect', () => { sock.destroy(); resolve(true) })
    sock.once('error', () => resolve(false))
    sock.once('timeout', () => { sock.destroy(); resolve(false) })
  })
}

class ServerProcess {
  constructor ({ target, httpPort, managementPort, dataDir, ownsDataDir, prefix = [], clusterName }) {
    this.target = target
    this.prefix = prefix
    this.clusterName = clusterName
    this.httpPort = httpPort
    this.managementPort = managementPort
    this.dataDir = dataDir
    this.ownsDataDir = ownsDataDir
    this.child = null
    this._output = ''
  }

  get pid () { return this.child?.pid }
  get httpUrl () { return `http://127.0.0.1:${this.httpPort}` }
  /** Base URL for a y-websocket provider: `new WebsocketProvider(server.wsBase, room, doc)`. */
  get wsBase () {
    return this.target === 'reference-stock'
      ? `ws://127.0.0.1:${this.httpPort}`
      : `ws://127.0.0.1:${this.httpPort}/parties/yjs`
  }

  get readyUrl () {
    return this.target === 'reference-stock'
      ? `http://127.0.0.1:${this.httpPort}/` // answers 200 "okay"
      : `http://127.0.0.1:${this.managementPort}/health/ready`
  }
  /** The last 4 MiB of the server's stdout and stderr. */
  output () { return this._output }

  _command () {
    if (this.target === 'parlor') {
      const jar = process.env.PARLOR_JAR || path.join(repoRoot, 'launcher/target/parlor.jar')
      if (!fs.existsSync(jar)) {
        throw new Error(`Parlor jar not found: ${jar}. Build it first with ` +
          '`mvn -q -DskipTests package`, or run the tests against the reference server with E2E_TARGET=reference.')
      }
      return {
        cmd: 'java',
        args: [...parlorJavaOpts(), '-jar', jar],
        env: {
          PARLOR_HTTP_PORT: String(this.httpPort),
          PARLOR_MANAGEMENT_PORT: String(this.managementPort),
          PARLOR_DATA_DIR: this.dataDir,
          PARLOR_ANONYMOUS: 'true',
          // A cluster of its own, so that no other Parlor on this machine joins it
          // (clusterName null = the launcher's default).
          ...(this.clusterName ? { PARLOR_CLUSTER_NAME: this.clusterName } : {})
        }
      }
    }
    if (this.target === 'reference') {
      return {
        cmd: process.execPath,
        args: [path.join(repoRoot, 'e2e/reference-server.mjs')],
        env: {
          HOST: '127.0.0.1',
          PORT: String(this.httpPort),
          YPERSISTENCE: path.join(this.dataDir, 'leveldb')
        }
      }
    }
    if (this.target === 'reference-stock') {
      // the reference server exactly as published: rooms at /<room>, in memory, no page
      return {
        cmd: process.execPath,
        args: [path.join(repoRoot, 'node_modules/@y/websocket-server/src/server.js')],
        env: { HOST: '127.0.0.1', PORT: String(this.httpPort) }
      }
    }
    throw new Error(`unknown E2E_TARGET ${JSON.stringify(this.target)} (use parlor or reference)`)
  }

  async start () {
    const { cmd, args, env } = this._command()
    const started = Date.now()
    this._output = ''
    // prefix: a wrapper that execs the server, e.g. ['taskset', '-c', '0'] (keeps the pid)
    const argv = [...this.prefix, cmd, ...args]
    const child = spawn(argv[0], argv.slice(1), {
      cwd: this.dataDir,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true // own process group, so a forced stop takes its children too
    })
    this.child = child
    running.add(child)
    child.on('exit', () => running.delete(child))
    const collect = (chunk) => {
      this._output += chunk.toString()
      if (this._output.length > OUTPUT_LIMIT) this._output = this._output.slice(-OUTPUT_LIMIT)
      if (process.env.E2E_SERVER_LOG === '1') process.stderr.write(chunk)
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    let spawnError = null
    child.on('error', (err) => { spawnError = err })

    while (true) {
      if (spawnError) {
        throw new Error(`could not start ${argv.join(' ')}: ${spawnError.message}`)
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${this.target} server exited before it was ready ` +
          `(code ${child.exitCode}, signal ${child.signalCode}). Its output:\n${this._output}`)
      }
      if (await httpStatus(this.readyUrl) === 200) break
      if (Date.now() - started > STARTUP_TIMEOUT_MS) {
        await this.stop()
        throw new Error(`${this.target} server was not ready within ${STARTUP_TIMEOUT_MS} ms ` +
          `(${this.readyUrl} never answered 200). Its output:\n${this._output}`)
      }
      await sleep(200)
    }
    this.startupMs = Date.now() - started
    // Readiness must mean the public port takes connections. Record whether it did at once
    // (a test checks that), then wait for it, bounded, so other tests do not race it.
    this.publicPortAtReady = await tcpAccepts(this.httpPort)
    const t1 = Date.now()
    while (!await tcpAccepts(this.httpPort)) {
      if (Date.now() - t1 > 10000) {
        await this.stop()
        throw new Error(`${this.target} server said ready but port ${this.httpPort} took no connection ` +
          `within 10 s. Its output:\n${this._output}`)
      }
      await sleep(20)
    }
    this.publicPortLagMs = Date.now() - t1
    return this
  }

  /**
   * SIGTERM, then kill -9 of the whole process group after E2E_STOP_TIMEOUT_MS.
   * Returns { code, signal, forced, leftovers, ms }: `leftovers` is true when
   * child processes (Parlor's Redis) outlived a clean exit; they are killed then.
   */
  async stop ({ keepData = false } = {}) {
    const child = this.child
    if (!child) return null
    const t0 = Date.now()
    let forced = false
    let leftovers = false
    if (child.exitCode === null && child.signalCode === null) {
      try { child.kill('SIGTERM') } catch {}
      if (!await waitExit(child, STOP_TIMEOUT_MS)) {
        forced = true
        try { process.kill(-child.pid, 'SIGKILL') } catch {}
        await waitExit(child, 5000)
      }
    }
    // Give children a moment to follow their parent, then look for stragglers.
    for (let i = 0; i < 20 && groupAlive(child.pid); i++) await sleep(100)
    if (groupAlive(child.pid)) {
      leftovers = true
      try { process.kill(-child.pid, 'SIGKILL') } catch {}
    }
    this.child = null
    if (!keepData && this.ownsDataDir && process.env.E2E_KEEP_DATA !== '1') {
      fs.rmSync(this.dataDir, { recursive: true, force: true })
    }
    return { code: child.exitCode, signal: child.signalCode, forced, leftovers, ms: Date.now() - t0 }
  }

  /** Stops the server (keeping its data) and starts it again on the same ports. */
  async restart () {
    const result = await this.stop({ keepData: true })
    await this.start()
    return result
  }
}

/**
 * Starts a server for a test file: `const server = await startServer()`.
 * Options: target (default E2E_TARGET or 'parlor'; also 'reference-stock', the unwrapped
 * reference server, for benchmarks), dataDir (default: fresh temp dir),
 * prefix (a command that execs the server, e.g. ['taskset', '-c', '0']),
 * clusterName (Parlor's PARLOR_CLUSTER_NAME; default unique to this server, null for the launcher's default).
 */
export async function startServer (opts = {}) {
  const t = opts.target || target
  const [httpPort, mgmt] = await freePorts(2)
  const ownsDataDir = !opts.dataDir
  const dataDir = opts.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), 'parlor-e2e-'))
  const server = new ServerProcess({
    target: t,
    httpPort,
    // The reference wrapper answers /health/ready on its only port.
    managementPort: t === 'parlor' ? mgmt : httpPort,
    dataDir,
    ownsDataDir,
    prefix: opts.prefix || [],
    clusterName: opts.clusterName === undefined ? `e2e-${process.pid}-${httpPort}` : opts.clusterName
  })
  try {
    return await server.start()
  } catch (err) {
    if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    throw err
  }
}

// ---------------------------------------------------------------- waiting

/** Polls `cond` (sync or async) until truthy; fails after `timeout` ms with `message`. */
export async function waitFor (cond, { timeout = 10000, interval = 25, message = 'condition' } = {}) {
  const t0 = Date.now()
  let last
  while (true) {
    try {
      last = await cond()
      if (last) return last
    } catch (err) {
      last = err
    }
    if (Date.now() - t0 > timeout) {
      const detail = typeof message === 'function' ? message(last) : message
      throw new Error(`timed out after ${timeout} ms waiting for ${detail}`)
    }
    await sleep(interval)
  }
}

/** Rejects when `promise` has not settled within `ms`. */
export async function withTimeout (promise, ms, what = 'operation') {
  let timer
  const timeout = new Promise((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

// ---------------------------------------------------------------- clients

let roomCounter = 0
/** A room id unique to this run. */
export function uniqueRoom (label = 'room') {
  return `e2e-${label}-${process.pid}-${Date.now().toString(36)}-${++roomCounter}`
}

/**
 * A real Yjs client: Y.Doc + y-websocket's WebsocketProvider over `ws`.
 * BroadcastChannel is disabled so clients in this process talk only through the server.
 */
export function connectClient (server, room, { connect = true, params, WebSocketPolyfill = WebSocket } = {}) {
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(server.wsBase, room, doc, {
    WebSocketPolyfill,
    disableBc: true,
    connect,
    params
  })
  const client = {
    doc,
    provider,
    awareness: provider.awareness,
    text: doc.getText('text'),
    closes: [],
    async synced (timeout = 10000) {
      await waitFor(() => provider.synced, { timeout, message: `room ${room}: client ${doc.clientID} to sync` })
    },
    /** Closes the TCP connection without a close handshake or a goodbye awareness message. */
    dropConnection () {
      provider.shouldConnect = false
      const ws = provider.ws
      if (ws) ws.terminate()
    },
    destroy () {
      provider.destroy()
      doc.destroy()
    }
  }
  provider.on('connection-close', (event) => {
    if (event) client.closes.push({ code: event.code, reason: event.reason })
  })
  return client
}

/** Connects `n` clients to `room` and waits until all of them are synced. */
export async function connectClients (server, room, n, timeout = 20000) {
  const clients = Array.from({ length: n }, () => connectClient(server, room))
  try {
    await waitFor(() => clients.every(c => c.provider.synced), {
      timeout,
      message: () => `${n} clients to sync (${clients.filter(c => c.provider.synced).length} synced)`
    })
  } catch (err) {
    clients.forEach(c => c.destroy())
    throw err
  }
  return clients
}

/** Waits until every client's text equals the first one's and `check(text)` holds. */
export async function waitConverged (clients, { timeout = 15000, check = () => true } = {}) {
  return waitFor(() => {
    const first = clients[0].text.toString()
    return clients.every(c => c.text.toString() === first) && check(first) ? first : false
  }, {
    timeout,
    message: () => {
      const texts = clients.map(c => c.text.toString())
      const distinct = new Set(texts)
      return `${clients.length} clients to converge: ${distinct.size} distinct texts, lengths ` +
        `${[...new Set(texts.map(t => t.length))].join('/')}`
    }
  })
}

export { Y, WebSocket, sleep }
