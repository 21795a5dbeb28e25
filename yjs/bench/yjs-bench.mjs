// Yjs side of Parlor's codec benchmark.
//   node yjs-bench.mjs prepare <inputs.bin>   writes the shared inputs (small histories + real trace)
//   node yjs-bench.mjs run <inputs.bin>       times Yjs on them, prints one JSON line per operation
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as zlib from 'node:zlib'
import { fileURLToPath } from 'node:url'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { generateHistory } from '../src/test/node/histories.mjs'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TRACE = path.resolve(repo, '../shared/data/automerge-paper.json.gz')
const SMALL = 200
const FAN_IN = 100

/** Replays the trace into a Y.Text, one Yjs transaction (and update) per trace transaction. */
const replayTrace = () => {
  const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(TRACE)))
  if (/[\ud800-\udfff]/.test(trace.startContent + trace.endContent)) throw new Error('trace has non-BMP text')
  const doc = new Y.Doc()
  doc.clientID = 1
  const text = doc.getText('text')
  const updates = []
  doc.on('update', u => updates.push(u))
  if (trace.startContent) text.insert(0, trace.startContent)
  let half = null
  trace.txns.forEach((txn, i) => {
    doc.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) text.delete(pos, del)
        if (ins) text.insert(pos, ins)
      }
    })
    if (i === trace.txns.length >> 1) half = Y.encodeStateVector(doc)
  })
  if (text.toString() !== trace.endContent) throw new Error('trace replay diverged')
  return { updates, half }
}

/** Merge in rounds of FAN_IN updates until one is left, as a server folding its log. */
export const mergeTree = (updates, merge) => {
  let level = updates
  while (level.length > 1) {
    const next = []
    for (let i = 0; i < level.length; i += FAN_IN) next.push(merge(level.slice(i, i + FAN_IN)))
    level = next
  }
  return level[0]
}

const writeList = (e, list) => { encoding.writeVarUint(e, list.length); list.forEach(u => encoding.writeVarUint8Array(e, u)) }
const readList = (d) => { const n = decoding.readVarUint(d); const l = []; for (let i = 0; i < n; i++) l.push(decoding.readVarUint8Array(d)); return l }

const readInputs = (file) => {
  const d = decoding.createDecoder(fs.readFileSync(file))
  const small = []
  const n = decoding.readVarUint(d)
  for (let i = 0; i < n; i++) small.push({ updates: readList(d), merged: decoding.readVarUint8Array(d), sv: decoding.readVarUint8Array(d) })
  const large = { updates: readList(d), merged: decoding.readVarUint8Array(d), sv: decoding.readVarUint8Array(d) }
  return { small, large }
}

const time = (fn, minMs = 3000, warmMs = 1500) => {
  const until = (ms) => { const end = performance.now() + ms; let n = 0; while (performance.now() < end || n === 0) { fn(); n++ } return n }
  until(warmMs)
  const t0 = performance.now()
  const n = until(minMs)
  return (performance.now() - t0) / n
}

const cmd = process.argv[2]
const file = process.argv[3]
if (cmd === 'prepare') {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, SMALL)
  for (let s = 1; s <= SMALL; s++) {
    const h = generateHistory(1000 + s, 2)
    const merged = Y.mergeUpdates(h.updates)
    const sv = Y.encodeStateVectorFromUpdate(Y.mergeUpdates(h.updates.slice(0, h.updates.length >> 1)))
    writeList(e, h.updates)
    encoding.writeVarUint8Array(e, merged)
    encoding.writeVarUint8Array(e, sv)
  }
  const { updates, half } = replayTrace()
  writeList(e, updates)
  encoding.writeVarUint8Array(e, mergeTree(updates, Y.mergeUpdates))
  encoding.writeVarUint8Array(e, half)
  fs.mkdirSync(path.dirname(file), { recursive: true })
  fs.writeFileSync(file, encoding.toUint8Array(e))
} else if (cmd === 'run') {
  const { small, large } = readInputs(file)
  const compactYjs = (updates) => { const d = new Y.Doc(); updates.forEach(u => Y.applyUpdate(d, u)); const out = Y.encodeStateAsUpdate(d); d.destroy(); return out }
  const ops = {
    'small.merge': () => small.forEach(h => Y.mergeUpdates(h.updates)),
    'small.diff': () => small.forEach(h => Y.diffUpdate(h.merged, h.sv)),
    'small.stateVector': () => small.forEach(h => Y.encodeStateVectorFromUpdate(h.merged)),
    'small.compact': () => small.forEach(h => compactYjs(h.updates)),
    'large.merge': () => mergeTree(large.updates, Y.mergeUpdates),
    'large.diff': () => Y.diffUpdate(large.merged, large.sv),
    'large.stateVector': () => Y.encodeStateVectorFromUpdate(large.merged),
    'large.compact': () => compactYjs([large.merged])
  }
  const only = process.argv[4]
  for (const [name, fn] of Object.entries(ops)) {
    if (only && !name.includes(only)) continue
    console.log(JSON.stringify({ op: name, ms: time(fn) }))
  }
} else {
  console.error('usage: yjs-bench.mjs prepare|run <inputs.bin>')
  process.exit(2)
}
