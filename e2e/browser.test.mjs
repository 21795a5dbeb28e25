// The demo page in a real browser: two pages (separate browser contexts, so
// nothing travels between them except through the server) edit one room.
// Chromium: env CHROMIUM_PATH, default /usr/bin/chromium (Debian's package).

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import fs from 'node:fs'
import { chromium } from 'playwright-core'
import { startServer, uniqueRoom } from './harness.mjs'

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']
const STEP = 15000 // bound of every wait in the page

let server
let browser
before(async () => {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH}. The browser test needs it: ` +
      'install it with `apt-get install chromium`, or point CHROMIUM_PATH at a Chromium binary.')
  }
  server = await startServer()
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30000 })
})
after(async () => {
  if (browser) await browser.close().catch(() => {})
  if (server) await server.stop()
})

async function openPage (room) {
  const context = await browser.newContext()
  const page = await context.newPage()
  page.setDefaultTimeout(STEP)
  const errors = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(`${server.httpUrl}/#${encodeURIComponent(room)}`, { timeout: STEP })
  await page.waitForSelector('#status[data-status="connected"]')
  await page.waitForFunction(() => window.parlor && window.parlor.provider.synced)
  return { page, context, errors }
}

const editorValue = (page) => page.$eval('#editor', (el) => el.value)

test('GET / serves the page', async () => {
  const res = await fetch(`${server.httpUrl}/`, { signal: AbortSignal.timeout(STEP) })
  assert.equal(res.status, 200)
  assert.match(res.headers.get('content-type') || '', /text\/html/)
  const html = await res.text()
  assert.match(html, /<textarea id="editor"/)
  assert.match(html, /src="app\.js"/)
  const js = await fetch(`${server.httpUrl}/app.js`, { signal: AbortSignal.timeout(STEP) })
  assert.equal(js.status, 200)
  assert.ok((await js.text()).length > 10000, 'app.js is the bundle')
})

test('two browser pages on one room edit the same text', { timeout: 120000 }, async () => {
  const room = uniqueRoom('browser')
  const one = await openPage(room)
  const two = await openPage(room)
  try {
    assert.equal(await one.page.$eval('#room', el => el.value), room)

    // Both see two people present.
    for (const p of [one.page, two.page]) {
      await p.waitForFunction(() => document.getElementById('count').textContent === '2')
    }

    await one.page.click('#editor')
    await one.page.keyboard.type('Hello from one.')
    await two.page.waitForFunction(() => document.getElementById('editor').value === 'Hello from one.')

    await two.page.click('#editor')
    await two.page.keyboard.press('End')
    await two.page.keyboard.type(' And from two!')
    await one.page.waitForFunction(() => document.getElementById('editor').value === 'Hello from one. And from two!')

    // Edit in the middle while the other page has its caret elsewhere.
    await one.page.evaluate(() => document.getElementById('editor').setSelectionRange(5, 5))
    await one.page.keyboard.type(',')
    await two.page.keyboard.type(' :)')
    const want = 'Hello, from one. And from two! :)'
    await one.page.waitForFunction((w) => document.getElementById('editor').value === w, want)
    await two.page.waitForFunction((w) => document.getElementById('editor').value === w, want)
    assert.equal(await editorValue(one.page), await editorValue(two.page))

    // One page leaves: the other sees one person present.
    await two.context.close()
    await one.page.waitForFunction(() => document.getElementById('count').textContent === '1')

    assert.deepEqual(one.errors, [], 'no errors in page one')
    assert.deepEqual(two.errors, [], 'no errors in page two')
  } finally {
    await one.context.close().catch(() => {})
    await two.context.close().catch(() => {})
  }
})
