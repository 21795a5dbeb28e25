// Yjs oracle for Parlor's Java codec tests.
//   node oracle.mjs gen   --seed S --count N --out cases.bin
//   node oracle.mjs gen   --history H --out cases.bin   (one history, by the seed a FAIL line prints)
//   node oracle.mjs check --cases cases.bin --results results.bin
// `gen` writes random histories and the operations the Java side must run on them; `check` runs the
// same operations with Yjs and verifies the Java results (bytes and resulting documents).
import * as fs from 'node:fs'
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'
import * as decoding from 'lib0/decoding'
import { generateHistory, docContent, rng } from './histories.mjs'

const args = Object.fromEntries(process.argv.slice(3).reduce((acc, a, i, all) => {
  if (a.startsWith('--')) acc.push([a.slice(2), all[i + 1]])
  return acc
}, []))
const cmd = process.argv[2]

const caseSeed = (seed, i) => ((Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(i + 1, 0xc2b2ae35)) >>> 0) || 1

const shuffled = (r, arr) => {
  const a = arr.slice()
  for (let i = a.length - 1; i > 0; i--) { const j = r.int(i + 1); [a[i], a[j]] = [a[j], a[i]] }
  return a
}

/** Index lists for merges and compactions of one history. */
const plan = (h) => {
  const r = h.r
  const all = h.updates.map((_, i) => i)
  const subset = shuffled(r, all.filter(() => r.chance(0.75)))
  const small = all.length > 0 ? [r.int(all.length)] : []
  const mergeSets = [all, shuffled(r, all), subset, small, small.concat(small), []]
  const compactSets = [all, shuffled(r, all.filter(() => r.chance(0.7)))]
  return { mergeSets, compactSets }
}

const writeIndexSets = (e, sets) => {
  encoding.writeVarUint(e, sets.length)
  sets.forEach(s => { encoding.writeVarUint(e, s.length); s.forEach(i => encoding.writeVarUint(e, i)) })
}
const readIndexSets = (d) => {
  const n = decoding.readVarUint(d)
  const sets = []
  for (let i = 0; i < n; i++) {
    const k = decoding.readVarUint(d)
    const s = []
    for (let j = 0; j < k; j++) s.push(decoding.readVarUint(d))
    sets.push(s)
  }
  return sets
}

const readCase = (d) => {
  const seed = decoding.readVarUint(d)
  const nu = decoding.readVarUint(d)
  const updates = []
  for (let i = 0; i < nu; i++) updates.push(decoding.readVarUint8Array(d))
  const mergeSets = readIndexSets(d)
  const ns = decoding.readVarUint(d)
  const svs = []
  for (let i = 0; i < ns; i++) svs.push({ sv: decoding.readVarUint8Array(d), state: decoding.readVarUint8Array(d) })
  const compactSets = readIndexSets(d)
  return { seed, updates, mergeSets, svs, compactSets }
}

/** Whether two of the updates hold an Item and a GC starting at the same id. */
const itemGcTwins = (updates) => {
  const seen = new Map()
  for (let i = 0; i < updates.length; i++) {
    for (const st of Y.decodeUpdate(updates[i]).structs) {
      if (st.constructor === Y.Skip) continue
      const key = st.id.client + ':' + st.id.clock
      const kind = st.constructor === Y.GC ? 'gc' : 'item'
      const prev = seen.get(key)
      if (prev && prev.kind !== kind && prev.i !== i) return true
      if (!prev) seen.set(key, { kind, i })
    }
  }
  return false
}

if (cmd === 'gen') {
  // --history H: only the history with that seed (as printed in a FAIL line), to replay it alone
  const one = args.history !== undefined ? Number(args.history) >>> 0 : 0
  const seed = Number(args.seed) >>> 0
  const count = one ? 1 : Number(args.count)
  const size = Number(args.size || 1)
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, count)
  for (let i = 0; i < count; i++) {
    const cs = one || caseSeed(seed, i)
    const h = generateHistory(cs, size)
    const p = plan(h)
    encoding.writeVarUint(e, cs)
    encoding.writeVarUint(e, h.updates.length)
    h.updates.forEach(u => encoding.writeVarUint8Array(e, u))
    writeIndexSets(e, p.mergeSets)
    encoding.writeVarUint(e, h.svs.length)
    h.svs.forEach(s => { encoding.writeVarUint8Array(e, s.sv); encoding.writeVarUint8Array(e, s.state) })
    writeIndexSets(e, p.compactSets)
  }
  fs.writeFileSync(args.out, encoding.toUint8Array(e))
} else if (cmd === 'check') {
  const cd = decoding.createDecoder(fs.readFileSync(args.cases))
  const rd = decoding.createDecoder(fs.readFileSync(args.results))
  const count = decoding.readVarUint(cd)
  const failures = []
  const kinds = {}
  let checks = 0
  let javaCompact = 0
  let yjsCompact = 0
  let worstRatio = 0
  let worstSeed = 0
  const eq = (a, b) => a.length === b.length && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0
  const docOf = (updates) => { const d = new Y.Doc(); updates.forEach(u => Y.applyUpdate(d, u)); return d }
  const sameState = (a, b) => eq(Y.encodeStateVector(a), Y.encodeStateVector(b))
  let yjsDivergent = 0
  let yjsStuckPending = 0
  for (let c = 0; c < count; c++) {
    const k = readCase(cd)
    const fail = (what) => {
      const kind = what.replace(/[0-9]+/g, '#').replace(/\[[^\]]*\]/g, '')
      kinds[kind] = (kinds[kind] || 0) + 1
      // keep the first few of each kind
      failures.push(kinds[kind] <= 3 ? `history seed ${k.seed}: ${what}` : null)
    }
    const check = (ok, what) => { checks++; if (!ok) fail(what) }
    const ref = docOf(k.updates)
    // Rarely, Yjs itself ends with different content when it gets the same updates one by one or
    // merged (concurrent formatting); for such a history only state vectors are compared
    const converges = docContent(ref) === docContent(docOf([Y.mergeUpdates(k.updates)]))
    if (!converges) yjsDivergent++
    const sameDoc = (a, b) => sameState(a, b) && (!converges || docContent(a) === docContent(b))
    const yMerged = k.mergeSets.map(s => Y.mergeUpdates(s.map(i => k.updates[i])))
    const jMerged = []
    // merge: same bytes as Yjs, except where Yjs's own order is arbitrary (an Item and a GC at the
    // same id in two inputs): then the same document and nothing lost
    k.mergeSets.forEach((s, i) => {
      const j = decoding.readVarUint8Array(rd)
      jMerged.push(j)
      const inputs = s.map(q => k.updates[q])
      if (eq(j, yMerged[i])) { checks++; return }
      if (!itemGcTwins(inputs)) { check(false, `merge of set ${i} [${s}] differs from Yjs mergeUpdates`); return }
      const a = docOf([j]); const b = docOf([yMerged[i]])
      check(sameDoc(a, b), `merge of set ${i} [${s}] gives another document than Yjs mergeUpdates`)
      const rest = k.updates.filter((_, q) => !s.includes(q))
      rest.forEach(u => { Y.applyUpdate(a, u); Y.applyUpdate(b, u) })
      check(sameDoc(a, b), `merge of set ${i} [${s}] lost data: differs after the remaining updates`)
    })
    const jmm = decoding.readVarUint8Array(rd)
    const third = Math.ceil(k.updates.length / 3)
    const chunks = [0, 1, 2].map(q => Y.mergeUpdates(k.updates.slice(q * third, (q + 1) * third)))
    const ymm = Y.mergeUpdates(chunks)
    if (!eq(jmm, ymm)) {
      check(itemGcTwins(chunks) && sameDoc(docOf([jmm]), docOf([ymm])), 'merge of merged chunks differs from Yjs')
    } else checks++
    check(sameDoc(docOf([jMerged[0]]), ref), 'merged update gives another document')
    // state vectors
    jMerged.forEach((m, i) => check(eq(decoding.readVarUint8Array(rd), Y.encodeStateVectorFromUpdate(m)), `stateVector of merge set ${i} differs`))
    k.updates.forEach((u, i) => check(eq(decoding.readVarUint8Array(rd), Y.encodeStateVectorFromUpdate(u)), `stateVector of update ${i} differs`))
    // diff
    k.svs.forEach((s, i) => {
      const j = decoding.readVarUint8Array(rd)
      check(eq(j, Y.diffUpdate(jMerged[0], s.sv)), `diff of merged update against sv ${i} differs from Yjs diffUpdate`)
      const d = docOf([s.state, j])
      check(sameDoc(d, ref), `state at sv ${i} + diff does not give the document`)
    })
    k.svs.forEach((s, i) => {
      const u = k.updates[i % Math.max(1, k.updates.length)] || Y.mergeUpdates([])
      check(eq(decoding.readVarUint8Array(rd), Y.diffUpdate(u, s.sv)), `diff of update ${i % k.updates.length} against sv ${i} differs`)
    })
    // compact
    k.compactSets.forEach((s, i) => {
      const j = decoding.readVarUint8Array(rd)
      const subset = s.map(q => k.updates[q])
      const a = docOf([j])
      // Yjs applying the updates one by one can leave integrable structs pending (it retries
      // pending structs only when a recorded missing clock arrives); a document that receives
      // them merged integrates all it can, and that is what compaction is compared with
      const b = i === 0 ? docOf(subset) : docOf([Y.mergeUpdates(subset)])
      check(sameDoc(a, b), `compact of set ${i} gives another document than applying the updates`)
      if (i === 0) {
        const y = Y.encodeStateAsUpdate(b)
        javaCompact += j.length
        yjsCompact += y.length
        const ratio = j.length / y.length
        if (ratio > worstRatio) { worstRatio = ratio; worstSeed = k.seed }
        check(ratio <= 1.05, `compact is ${j.length} bytes, Yjs gc document ${y.length} bytes`)
      } else {
        // pending structs and deletions must survive: add the rest to both and compare again
        // the rest arrives as one update (one by one, Yjs itself can leave structs pending)
        const rest = Y.mergeUpdates(k.updates.filter((_, q) => !s.includes(q)))
        const whole = docOf([Y.mergeUpdates(k.updates)])
        // nothing lost: the compaction and the rest in one update give the whole document
        check(sameDoc(docOf([Y.mergeUpdates([j, rest])]), whole), `compact of set ${i} merged with the remaining updates differs from the document`)
        Y.applyUpdate(a, rest)
        Y.applyUpdate(b, rest)
        check(sameDoc(a, b), `compact of set ${i} lost data: differs after the remaining updates`)
        // (against the document of all updates merged: see the note on pending structs above)
        // Yjs itself can stay stuck here: a document that got its pending structs in one update
        // records, for an item waiting on client X, the clock before X's first pending struct
        // rather than the clock the item needs, and retries its pending structs only when that
        // clock is reached; when the structs that fill X's gap wait on the pending item, it never
        // is (Yjs's own encodeStateAsUpdate of the subset's document, and mergeUpdates of the
        // subset, get stuck the same way). The compaction must then be stuck exactly like Yjs
        // (checked just above); the history is counted (yjsStuckPending)
        if (sameDoc(b, whole)) {
          check(sameDoc(a, whole), `compact of set ${i} + remaining updates differs from the document`)
        } else {
          yjsStuckPending++
        }
      }
    })
    const chained = decoding.readVarUint8Array(rd)
    check(sameDoc(docOf([chained]), ref), 'compact of (compact of first half + second half) differs')
    // DocumentClock: the novel parts of the updates fed in a shuffled order, merged
    const novel = decoding.readVarUint8Array(rd)
    check(sameDoc(docOf([novel]), docOf([Y.mergeUpdates(k.updates)])), 'merged novel parts (DocumentClock) give another document')
    ref.destroy()
  }
  const summary = { histories: count, checks, failures: failures.length, javaCompactBytes: javaCompact, yjsCompactBytes: yjsCompact, worstCompactRatio: Number(worstRatio.toFixed(4)), worstCompactSeed: worstSeed, yjsDivergentHistories: yjsDivergent, yjsStuckPending }
  failures.filter(f => f).forEach(f => console.log('FAIL ' + f))
  if (failures.length > 0) console.log('FAILURE KINDS ' + JSON.stringify(kinds))
  console.log('SUMMARY ' + JSON.stringify(summary))
  process.exit(failures.length > 0 ? 1 : 0)
} else {
  console.error('usage: oracle.mjs gen|check ...')
  process.exit(2)
}
