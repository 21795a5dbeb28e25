// The y-websocket reference server (@y/websocket-server, its own
// setupWSConnection, unchanged) behind Parlor's URL layout, so the same
// tests and the same web page run against both:
//   ws  /parties/yjs/<room>   -> reference room <room>
//   ws  /<room>               -> reference room <room> (its native layout)
//   GET /health/ready         -> 200
//   GET /, /app.js            -> the built web page (gateway's webroot)
// Env: HOST (default 127.0.0.1), PORT (default 1234), YPERSISTENCE (leveldb dir, optional).

import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { setupWSConnection } from '@y/websocket-server/utils'

const host = process.env.HOST || '127.0.0.1'
const port = Number(process.env.PORT || 1234)
const webroot = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../gateway/src/main/resources/webroot')
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css' }

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x')
  if (url.pathname === '/health/ready' || url.pathname === '/health/live') {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.end('ok')
    return
  }
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1)
  const file = path.join(webroot, name)
  if (req.method === 'GET' && file.startsWith(webroot + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
    res.writeHead(200, { 'content-type': types[path.extname(file)] || 'application/octet-stream' })
    fs.createReadStream(file).pipe(res)
    return
  }
  res.writeHead(404, { 'content-type': 'text/plain' })
  res.end('not found')
})

const wss = new WebSocketServer({ noServer: true })
server.on('upgrade', (req, socket, head) => {
  const pathname = new URL(req.url, 'http://x').pathname
  const m = /^\/parties\/yjs\/([^/]+)$/.exec(pathname) || /^\/([^/]+)$/.exec(pathname)
  if (!m) {
    socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
    return
  }
  const docName = decodeURIComponent(m[1])
  wss.handleUpgrade(req, socket, head, (ws) => setupWSConnection(ws, req, { docName }))
})

server.listen(port, host, () => console.log(`reference server on ${host}:${port}`))

const shutdown = () => {
  for (const ws of wss.clients) ws.close(1001, 'server going away')
  server.close()
  setTimeout(() => process.exit(0), 200).unref()
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
