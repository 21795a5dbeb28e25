#!/usr/bin/env node
// One load-generator run against a fresh server: server on core 0, generator on core 1.
//   node bench/single.mjs parlor|reference --rooms 1 --clients 200 --rate 1 --warmup 10 --duration 10
// Prints the generator's JSON result (with its per-second time line).
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { startServer } from '../e2e/harness.mjs'

const [target = 'parlor', ...args] = process.argv.slice(2)
const here = path.dirname(fileURLToPath(import.meta.url))
const server = await startServer({ target: target === 'reference' ? 'reference-stock' : target, prefix: ['taskset', '-c', process.env.SERVER_CPU || '0'] })
try {
  const r = spawnSync('taskset', ['-c', process.env.GEN_CPU || '1', process.execPath, path.join(here, 'loadgen.mjs'),
    '--url', server.wsBase, '--server-pid', String(server.pid), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 300000 })
  process.stdout.write(r.stdout)
} finally {
  await server.stop()
}
