// Random editing histories for Parlor's differential tests of the Java Yjs codec.
// Several Yjs clients edit concurrently and sync at random; every update a client emits is
// recorded. Deterministic for a given seed (client ids, guids and choices all come from the PRNG).
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

export const rng = (seed) => {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n) => Math.floor(next() * n)
  const pick = (arr) => arr[int(arr.length)]
  const chance = (p) => next() < p
  return { next, int, pick, chance }
}

const WORDS = ['a', 'b', 'hello', ' ', 'wörld', '日本', '😀', '👍🏽', 'x😀y', '\n', 'Ω', '𝄞', 'é']
const KEYS = ['k1', 'k2', 'k3', 'title', 'ä', '😀']

const randomJson = (r, depth = 0) => {
  switch (r.int(depth > 1 ? 5 : 7)) {
    case 0: return r.int(2000) - 1000
    case 1: return r.pick(WORDS)
    case 2: return r.chance(0.5)
    case 3: return null
    case 4: return r.pick([0.5, -1.25, 1e300, 2 ** 40, 3.14159])
    case 5: return [randomJson(r, depth + 1), randomJson(r, depth + 1)]
    default: return { [r.pick(KEYS)]: randomJson(r, depth + 1), n: r.int(5) }
  }
}

const randomText = (r) => {
  let s = ''
  const n = 1 + r.int(3)
  for (let i = 0; i < n; i++) s += r.pick(WORDS)
  return s
}

// index in [0, len] that does not split a surrogate pair
const safeIndex = (str, idx) => {
  if (idx > 0 && idx < str.length) {
    const c = str.charCodeAt(idx - 1)
    if (c >= 0xd800 && c <= 0xdbff) return idx - 1
  }
  return idx
}

const textString = (t) => t.toDelta().map(op => typeof op.insert === 'string' ? op.insert : ' ').join('')

const randomAttrs = (r) => {
  const attrs = {}
  attrs[r.pick(['bold', 'italic', 'color', 'href'])] = r.pick([true, null, 'red', 'https://x', 3])
  return attrs
}

/** All shared types reachable in a doc (roots first), for picking an edit target. */
const collectTypes = (doc) => {
  const out = []
  const visit = (t, depth) => {
    out.push(t)
    if (depth > 4) return
    const children = []
    if (t instanceof Y.Map) t.forEach(v => children.push(v))
    else if (t instanceof Y.Array || t instanceof Y.XmlFragment || t instanceof Y.XmlElement) t.toArray().forEach(v => children.push(v))
    else if (t instanceof Y.Text) t.toDelta().forEach(op => children.push(op.insert))
    if (t instanceof Y.XmlElement || t instanceof Y.XmlText) {
      // attributes may hold nothing nested; skip
    }
    children.forEach(c => { if (c instanceof Y.AbstractType) visit(c, depth + 1) })
  }
  visit(doc.getText('text'), 0)
  visit(doc.getArray('array'), 0)
  visit(doc.getMap('map'), 0)
  visit(doc.getXmlFragment('xml'), 0)
  return out
}

const newNested = (r, ctx) => {
  switch (r.int(6)) {
    case 0: { const m = new Y.Map(); m.set('init', randomJson(r)); return m }
    case 1: { const a = new Y.Array(); a.insert(0, [randomJson(r), r.pick(WORDS)]); return a }
    case 2: { const t = new Y.Text(); t.insert(0, randomText(r), r.chance(0.5) ? randomAttrs(r) : undefined); return t }
    case 3: return new Uint8Array([r.int(256), r.int(256), 7])
    case 4: return new Y.Doc({ guid: 'sub-' + ctx.seed + '-' + (ctx.guid++), autoLoad: r.chance(0.5), meta: r.chance(0.3) ? { m: 1 } : undefined })
    default: return randomJson(r)
  }
}

const editText = (r, t, ctx) => {
  const s = textString(t)
  const len = s.length
  switch (r.int(7)) {
    case 0: case 1: t.insert(safeIndex(s, r.int(len + 1)), randomText(r)); break
    case 2: t.insert(safeIndex(s, r.int(len + 1)), randomText(r), randomAttrs(r)); break
    case 3: if (len > 0) { const i = safeIndex(s, r.int(len)); const n = safeIndex(s, Math.min(len, i + 1 + r.int(6))) - i; if (n > 0) t.delete(i, n) } break
    case 4: if (len > 0) { const i = safeIndex(s, r.int(len)); const n = safeIndex(s, Math.min(len, i + 1 + r.int(8))) - i; if (n > 0) t.format(i, n, randomAttrs(r)) } break
    case 5: t.insertEmbed(safeIndex(s, r.int(len + 1)), r.chance(0.3) ? newTypeForEmbed(r) : { image: r.pick(WORDS) }, r.chance(0.3) ? randomAttrs(r) : undefined); break
    default: if (r.chance(0.5)) t.setAttribute(r.pick(KEYS), randomJson(r)); else t.removeAttribute(r.pick(KEYS))
  }
}

const newTypeForEmbed = (r) => { const m = new Y.Map(); m.set('e', r.int(10)); return m }

const editArray = (r, a, ctx) => {
  const len = a.length
  switch (r.int(6)) {
    case 0: case 1: a.insert(r.int(len + 1), [randomJson(r), randomJson(r)].slice(0, 1 + r.int(2))); break
    case 2: a.insert(r.int(len + 1), [newNested(r, ctx)]); break
    case 3: if (len > 0) { const i = r.int(len); a.delete(i, Math.min(len - i, 1 + r.int(3))) } break
    case 4: a.push([r.pick(WORDS)]); break
    default: a.insert(r.int(len + 1), [new Uint8Array([1, 2, r.int(256)])])
  }
}

const editMap = (r, m, ctx) => {
  switch (r.int(5)) {
    case 0: case 1: m.set(r.pick(KEYS), randomJson(r)); break
    case 2: m.set(r.pick(KEYS), newNested(r, ctx)); break
    case 3: m.delete(r.pick(KEYS)); break
    default: m.set(r.pick(KEYS), new Uint8Array([r.int(256)]))
  }
}

const editXml = (r, x, ctx) => {
  const len = x.length
  switch (r.int(5)) {
    case 0: {
      const el = new Y.XmlElement(r.pick(['p', 'h1', 'span']))
      el.setAttribute('class', r.pick(WORDS))
      if (r.chance(0.5)) el.insert(0, [new Y.XmlText(randomText(r))])
      x.insert(r.int(len + 1), [el]); break
    }
    case 1: { const t = new Y.XmlText(); t.insert(0, randomText(r), r.chance(0.5) ? randomAttrs(r) : undefined); x.insert(r.int(len + 1), [t]); break }
    case 2: if (len > 0) { const i = r.int(len); x.delete(i, Math.min(len - i, 1 + r.int(2))) } break
    case 3: if (x instanceof Y.XmlElement) x.setAttribute(r.pick(['id', 'style']), r.pick(WORDS)); else { const hook = new Y.XmlHook('embed-' + r.int(3)); hook.set('src', r.pick(WORDS)); x.insert(r.int(len + 1), [hook]) } break
    default: if (x instanceof Y.XmlElement) x.removeAttribute(r.pick(['id', 'style', 'class'])); break
  }
}

const editOnce = (r, doc, ctx) => {
  const types = collectTypes(doc)
  // prefer roots a bit, but nested types get edits too
  const t = r.chance(0.4) ? types[r.int(Math.min(4, types.length))] : r.pick(types)
  if (t instanceof Y.XmlText) editText(r, t, ctx)
  else if (t instanceof Y.Text) editText(r, t, ctx)
  else if (t instanceof Y.XmlElement || t instanceof Y.XmlFragment) editXml(r, t, ctx)
  else if (t instanceof Y.Array) editArray(r, t, ctx)
  else if (t instanceof Y.Map) editMap(r, t, ctx)
}

/** An update by a "legacy" client holding ContentJSON (written by old Yjs versions) at the array start. */
const legacyJsonUpdate = (r, client) => {
  const e = encoding.createEncoder()
  encoding.writeVarUint(e, 1) // one client
  encoding.writeVarUint(e, 1) // one struct
  encoding.writeVarUint(e, client)
  encoding.writeVarUint(e, 0) // clock
  encoding.writeUint8(e, 2) // item, ContentJSON, no origins
  encoding.writeVarUint(e, 1) // parent is a root type
  encoding.writeVarString(e, 'array')
  const n = 1 + r.int(3)
  encoding.writeVarUint(e, n)
  for (let i = 0; i < n; i++) {
    encoding.writeVarString(e, i === 1 && r.chance(0.3) ? 'undefined' : JSON.stringify(randomJson(r)))
  }
  encoding.writeVarUint(e, 0) // empty delete set
  return encoding.toUint8Array(e)
}

/**
 * One history: { updates: Uint8Array[], svs: [{ sv, state }] }.
 * `svs` are state vectors of clients at random moments with the full state they had then.
 */
export const generateHistory = (seed, size = 1) => {
  const r = rng(seed)
  const ctx = { seed, guid: 0 }
  const nClients = 2 + r.int(3)
  const clients = []
  const updates = []
  const svs = []
  for (let i = 0; i < nClients; i++) {
    const doc = new Y.Doc({ gc: r.chance(0.8) })
    doc.clientID = 1 + r.int(0x7fffffff) + (r.chance(0.2) ? 0x80000000 : 0)
    const c = { doc, known: new Set() }
    doc.on('update', (u, origin) => {
      if (origin !== 'remote') {
        updates.push(u)
        c.known.add(updates.length - 1)
      }
    })
    clients.push(c)
  }
  if (r.chance(0.15)) {
    updates.push(legacyJsonUpdate(r, 1 + r.int(0x7fffffff)))
  }
  const syncFrom = (c) => {
    // apply a random subset of updates the client has not seen (in order, some skipped)
    for (let i = 0; i < updates.length; i++) {
      if (!c.known.has(i) && r.chance(0.7)) {
        c.known.add(i)
        Y.applyUpdate(c.doc, updates[i], 'remote')
      }
    }
  }
  const steps = Math.floor((8 + r.int(40)) * size)
  for (let s = 0; s < steps; s++) {
    const c = r.pick(clients)
    const what = r.int(20)
    if (what < 4) {
      syncFrom(c)
    } else if (what === 4 && r.chance(0.3)) {
      // a full-state update, as in a sync step 2 (brings GC and deleted content)
      const u = Y.encodeStateAsUpdate(c.doc)
      updates.push(u)
      c.known.add(updates.length - 1)
    } else if (what === 5) {
      svs.push({ sv: Y.encodeStateVector(c.doc), state: Y.encodeStateAsUpdate(c.doc) })
    } else {
      const n = 1 + r.int(3)
      c.doc.transact(() => { for (let k = 0; k < n; k++) editOnce(r, c.doc, ctx) })
    }
  }
  clients.forEach(c => syncFrom(c))
  svs.push({ sv: new Uint8Array([0]), state: Y.encodeStateAsUpdate(new Y.Doc()) })
  clients.forEach(c => c.doc.destroy())
  return { updates, svs, r }
}

/** JSON with object keys sorted, so insertion order does not matter. */
const canonical = (v) => {
  if (Array.isArray(v)) return '[' + v.map(canonical).join(',') + ']'
  if (v !== null && typeof v === 'object') {
    return '{' + Object.keys(v).sort().map(k => JSON.stringify(k) + ':' + canonical(v[k])).join(',') + '}'
  }
  return v === undefined ? 'undefined' : JSON.stringify(v)
}

/** Deep, comparable snapshot of a document's content (formatting, embeds, nested types, subdocs). */
export const docContent = (doc) => {
  const ser = (v) => {
    if (v instanceof Y.Doc) return { subdoc: v.guid, opts: JSON.stringify(v.meta ?? null) + v.autoLoad + v.gc }
    if (v instanceof Uint8Array) return { bin: Array.from(v) }
    if (v instanceof Y.XmlElement) return { el: v.nodeName, attrs: v.getAttributes(), children: v.toArray().map(ser) }
    if (v instanceof Y.XmlText) return { xmltext: v.toDelta().map(op => ({ ...op, insert: ser(op.insert) })), attrs: v.getAttributes() }
    if (v instanceof Y.Text) return { text: v.toDelta().map(op => ({ ...op, insert: ser(op.insert) })), attrs: v.getAttributes() }
    if (v instanceof Y.Array) return { array: v.toArray().map(ser) }
    if (v instanceof Y.XmlFragment) return { frag: v.toArray().map(ser) }
    if (v instanceof Y.Map) { const o = {}; Array.from(v.keys()).sort().forEach(k => { o[k] = ser(v.get(k)) }); return { map: o } }
    return v
  }
  return canonical({
    text: ser(doc.getText('text')),
    array: ser(doc.getArray('array')),
    map: ser(doc.getMap('map')),
    xml: ser(doc.getXmlFragment('xml'))
  })
}
