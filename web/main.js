// Parlor's demo page: a textarea bound to a Y.Text, shared through the
// room /parties/yjs/<room> of the server that serves this page.
// Room id: the URL hash (#doc-42) or the field; default doc-demo.
// A `token` query parameter of the page is passed on to the room.

import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'

const DEFAULT_ROOM = 'doc-demo'
const LOCAL = Symbol('local textarea edit')

const $ = (id) => document.getElementById(id)
const roomInput = $('room')
const nameInput = $('name')
const editor = $('editor')
const statusEl = $('status')
const countEl = $('count')
const peopleEl = $('people')

const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/parties/yjs`
const token = new URLSearchParams(location.search).get('token')

const color = `hsl(${Math.floor(Math.random() * 360)} 65% 45%)`
nameInput.value = sessionStorage.getItem('parlor-name') || `guest-${Math.floor(Math.random() * 9000 + 1000)}`

let session = null

function roomFromHash () {
  const h = decodeURIComponent(location.hash.slice(1)).trim()
  return h || DEFAULT_ROOM
}

/** Keeps `textarea` and `ytext` equal; local edits become minimal Yjs edits, remote ones keep the caret. */
function bindTextarea (ytext, textarea) {
  let last = ytext.toString()
  textarea.value = last

  const onInput = () => {
    const now = textarea.value
    if (now === last) return
    let start = 0
    const min = Math.min(now.length, last.length)
    while (start < min && now.charCodeAt(start) === last.charCodeAt(start)) start++
    let endOld = last.length
    let endNew = now.length
    while (endOld > start && endNew > start && last.charCodeAt(endOld - 1) === now.charCodeAt(endNew - 1)) {
      endOld--
      endNew--
    }
    ytext.doc.transact(() => {
      if (endOld > start) ytext.delete(start, endOld - start)
      if (endNew > start) ytext.insert(start, now.slice(start, endNew))
    }, LOCAL)
    last = now
  }

  const onRemote = (event, tr) => {
    if (tr.origin === LOCAL) return
    let selStart = textarea.selectionStart
    let selEnd = textarea.selectionEnd
    let index = 0
    for (const op of event.delta) {
      if (op.retain) {
        index += op.retain
      } else if (op.insert) {
        const len = typeof op.insert === 'string' ? op.insert.length : 1
        if (index < selStart) selStart += len
        if (index < selEnd) selEnd += len
        index += len
      } else if (op.delete) {
        if (index < selStart) selStart -= Math.min(op.delete, selStart - index)
        if (index < selEnd) selEnd -= Math.min(op.delete, selEnd - index)
      }
    }
    last = ytext.toString()
    textarea.value = last
    if (document.activeElement === textarea) textarea.setSelectionRange(selStart, selEnd)
  }

  textarea.addEventListener('input', onInput)
  ytext.observe(onRemote)
  return () => {
    textarea.removeEventListener('input', onInput)
    ytext.unobserve(onRemote)
  }
}

function showStatus (status) {
  statusEl.dataset.status = status
  statusEl.textContent = status === 'connected' && session?.provider.synced ? 'connected · synced' : status
}

function showPeople (awareness) {
  const states = [...awareness.getStates().entries()].filter(([, s]) => s && s.user)
  countEl.textContent = String(states.length)
  peopleEl.replaceChildren(...states.map(([id, s]) => {
    const li = document.createElement('li')
    li.textContent = s.user.name + (id === awareness.clientID ? ' (you)' : '')
    li.style.background = s.user.color || '#888'
    return li
  }))
}

function join (room) {
  if (session) {
    session.unbind()
    session.provider.destroy()
    session.doc.destroy()
  }
  const doc = new Y.Doc()
  const provider = new WebsocketProvider(wsBase, room, doc, token ? { params: { token } } : {})
  const text = doc.getText('text')
  session = { room, doc, provider, text, unbind: bindTextarea(text, editor) }
  roomInput.value = room
  document.title = `${room} — Parlor`

  provider.awareness.setLocalStateField('user', { name: nameInput.value, color })
  provider.on('status', ({ status }) => showStatus(status))
  provider.on('sync', () => showStatus(provider.wsconnected ? 'connected' : 'connecting'))
  provider.on('closed', ({ code, reason }) => {
    statusEl.dataset.status = 'disconnected'
    statusEl.textContent = `refused (${code}${reason ? ': ' + reason : ''})`
  })
  provider.awareness.on('change', () => showPeople(provider.awareness))
  showStatus('connecting')
  showPeople(provider.awareness)
  // for tests and the console
  window.parlor = session
}

$('room-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const room = roomInput.value.trim() || DEFAULT_ROOM
  if (roomFromHash() !== room) location.hash = encodeURIComponent(room) // hashchange joins
  else if (session?.room !== room) join(room)
})
nameInput.addEventListener('change', () => {
  sessionStorage.setItem('parlor-name', nameInput.value)
  session?.provider.awareness.setLocalStateField('user', { name: nameInput.value, color })
})
window.addEventListener('hashchange', () => {
  const room = roomFromHash()
  if (session?.room !== room) join(room)
})

join(roomFromHash())
