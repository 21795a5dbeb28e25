// npm run build:web — bundles the demo page into the gateway's webroot
// (served from the jar at GET /): index.html + app.js.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import * as esbuild from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'gateway/src/main/resources/webroot')

fs.mkdirSync(out, { recursive: true })
await esbuild.build({
  entryPoints: [path.join(root, 'web/main.js')],
  outfile: path.join(out, 'app.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning'
})
fs.copyFileSync(path.join(root, 'web/index.html'), path.join(out, 'index.html'))
for (const f of ['index.html', 'app.js']) {
  console.log(`${path.relative(root, path.join(out, f))}  ${fs.statSync(path.join(out, f)).size} bytes`)
}
