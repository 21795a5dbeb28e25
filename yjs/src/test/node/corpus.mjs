// Writes a few real updates (merged histories, single transactions, a gc'd full state) used as
// seeds by the Java fuzz and bad-input tests:  node corpus.mjs <dir>
import * as fs from 'node:fs'
import * as path from 'node:path'
import * as Y from 'yjs'
import { generateHistory } from './histories.mjs'

const dir = process.argv[2]
fs.mkdirSync(dir, { recursive: true })
let n = 0
const put = (u) => fs.writeFileSync(path.join(dir, `seed-${String(n++).padStart(2, '0')}`), u)
for (const seed of [11, 12, 13, 14]) {
  const h = generateHistory(seed)
  put(Y.mergeUpdates(h.updates))
  put(h.updates[h.updates.length >> 1])
  const d = new Y.Doc()
  h.updates.forEach(u => Y.applyUpdate(d, u))
  put(Y.encodeStateAsUpdate(d))
}
