#!/usr/bin/env node
// Start a real local AT Protocol network for socialdesk's connector tests and benchmarks.
//
//   node start.mjs [--no-appview] [--pds-port N] [--plc-port N] [--appview-port N]
//                  [--control-port N] [--db URL] [--schema NAME] [--watch-stdin]
//
// Default: PLC directory + PDS + the Bluesky AppView (+ the Ozone moderation service that
// @atproto/dev-env's TestNetwork wires in), the same code that runs bsky.social. The PDS proxies
// app.bsky.* reads (getAuthorFeed, getPostThread, listNotifications, getLikes, ...) to the
// AppView, as in production. The AppView and Ozone keep their tables in PostgreSQL: two schemas
// `appview_<schema>` and `ozone_<schema>` in the database of --db (default
// $SOCIALDESK_TEST_DATABASE_URL, else postgresql://127.0.0.1:5432/test); both are dropped on
// exit. --no-appview starts PLC + PDS only (no PostgreSQL needed; app.bsky.* reads then fail
// with 502 UpstreamFailure, com.atproto.* works).
//
// Everything else lives in a fresh temp dir (PDS SQLite files, blobs), removed on exit. Ports are
// free ones unless given. When ready, ONE JSON line goes to stdout:
//   {"ready":true,"pds":"http://localhost:P","plc":...,"appview":...|null,"control":...,
//    "schema":...,"startup_ms":N,"admin_password":"admin-pass"}
// Logs go to stderr. SIGTERM / SIGINT (and, with --watch-stdin, the end of stdin, i.e. the
// parent died) close every service, drop the schemas, remove the temp dir and exit 0.
//
// The control server (127.0.0.1 only) lets a test wait for the AppView to index:
//   GET  /health        -> {"ok":true}
//   POST /process-all   -> waits until the AppView has processed the PDS firehose up to now
//                          (?timeout_ms=N, default 60000) -> {"ok":true,"ms":N}
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { parseArgs } from 'node:util'

const t0 = Date.now()
const { values: args } = parseArgs({
  options: {
    'no-appview': { type: 'boolean', default: false },
    'pds-port': { type: 'string' },
    'plc-port': { type: 'string' },
    'appview-port': { type: 'string' },
    'control-port': { type: 'string' },
    db: { type: 'string' },
    schema: { type: 'string' },
    'watch-stdin': { type: 'boolean', default: false },
  },
})
const port = (v) => (v ? Number.parseInt(v, 10) : undefined)
// dev-env spreads these objects over its own settings: an undefined port would override the one
// it picked (and the AppView would then subscribe to the wrong PDS port).
const ports = (p) => (p === undefined ? {} : { port: p })
const log = (...a) => console.error('[start.mjs]', ...a)

// dev-env puts PDS data and blob dirs under os.tmpdir(): point it at a dir of our own.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'socialdesk-pds-'))
process.env.TMPDIR = tmp
process.env.LOG_ENABLED ??= 'false'
// node-postgres takes the user name from $USER, which a CI shell may lack (libpq asks the OS).
process.env.PGUSER ??= process.env.USER || os.userInfo().username

const withAppview = !args['no-appview']
const dbUrl =
  args.db ||
  process.env.SOCIALDESK_TEST_DATABASE_URL ||
  'postgresql://127.0.0.1:5432/test'
// bsky only accepts [A-Za-z_] in schema names.
const schema =
  args.schema ||
  'sdpds_' +
    Array.from({ length: 10 }, () => 'abcdefghijklmnopqrstuvwxyz'[Math.floor(Math.random() * 26)]).join('')
if (!/^[A-Za-z_]+$/.test(schema)) {
  log(`schema must only contain [A-Za-z_]: ${schema}`)
  process.exit(2)
}
// Every PostgreSQL connection of this network carries this name, so stop() can find them.
process.env.PGAPPNAME = `socialdesk_pds_${schema}`

let net = null
let control = null
let stopping = null

async function dropSchemas() {
  if (!withAppview) return
  const requireFromBsky = createRequire(createRequire(import.meta.url).resolve('@atproto/bsky'))
  const { Client } = requireFromBsky('pg')
  const client = new Client({ connectionString: dbUrl })
  try {
    await client.connect()
    // Whatever is still connected under our application_name (an indexing transaction that
    // outlived the close) would block DROP SCHEMA: end it first.
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND pid <> pg_backend_pid()',
      [process.env.PGAPPNAME],
    )
    await client.query(`DROP SCHEMA IF EXISTS "appview_${schema}" CASCADE`)
    await client.query(`DROP SCHEMA IF EXISTS "ozone_${schema}" CASCADE`)
  } catch (err) {
    log('could not drop schemas:', err.message)
  } finally {
    await client.end().catch(() => {})
  }
}

const within = (ms, promise) =>
  Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref())])

async function stop(code) {
  if (stopping) return stopping
  stopping = (async () => {
    // Closing (and ending our own PostgreSQL connections) makes stray errors: none may
    // crash the process before the schemas are dropped.
    process.on('uncaughtException', (err) => log('while stopping:', err?.message || err))
    process.on('unhandledRejection', (err) => log('while stopping:', err?.message || err))
    // A graceful close waits for the AppView to index its whole backlog; the data is
    // throw-away, so give it a few seconds and then drop everything regardless.
    if (control) control.close()
    if (net) {
      const closed = await within(
        5000,
        net.close().catch((err) => log('error while closing:', err.message)),
      )
      if (closed === 'timeout') log('services still busy after 5 s; stopping anyway')
    }
    await within(15000, dropSchemas())
    fs.rmSync(tmp, { recursive: true, force: true })
    process.exit(code)
  })()
  return stopping
}

process.on('SIGTERM', () => stop(0))
process.on('SIGINT', () => stop(0))
if (args['watch-stdin']) {
  process.stdin.on('end', () => stop(0))
  process.stdin.on('error', () => stop(0))
  process.stdin.resume()
}

try {
  const devEnv = await import('@atproto/dev-env')
  const importMs = Date.now() - t0
  if (withAppview) {
    process.env.REDIS_HOST ??= '127.0.0.1:6379' // asserted by dev-env, not used by these services
    net = await devEnv.TestNetwork.create({
      dbPostgresUrl: dbUrl,
      dbPostgresSchema: schema,
      pds: ports(port(args['pds-port'])),
      plc: ports(port(args['plc-port'])),
      bsky: ports(port(args['appview-port'])),
    })
  } else {
    net = await devEnv.TestNetworkNoAppView.create({
      pds: ports(port(args['pds-port'])),
      plc: ports(port(args['plc-port'])),
    })
  }

  control = http.createServer(async (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1')
    const reply = (status, body) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    try {
      if (url.pathname === '/health') return reply(200, { ok: true })
      if (url.pathname === '/process-all' && req.method === 'POST') {
        const timeout = Number.parseInt(url.searchParams.get('timeout_ms') || '60000', 10)
        const t = Date.now()
        await net.processAll(timeout)
        return reply(200, { ok: true, ms: Date.now() - t })
      }
      return reply(404, { ok: false, error: 'not found' })
    } catch (err) {
      return reply(500, { ok: false, error: String(err?.message || err) })
    }
  })
  await new Promise((resolve, reject) => {
    control.once('error', reject)
    control.listen(port(args['control-port']) ?? 0, '127.0.0.1', resolve)
  })

  process.stdout.write(
    JSON.stringify({
      ready: true,
      pds: net.pds.url,
      plc: net.plc.url,
      appview: withAppview ? net.bsky.url : null,
      appview_did: withAppview ? net.bsky.ctx.cfg.serverDid : null,
      control: `http://127.0.0.1:${control.address().port}`,
      schema: withAppview ? schema : null,
      handle_domain: '.test',
      admin_password: 'admin-pass',
      import_ms: importMs,
      startup_ms: Date.now() - t0,
      pid: process.pid,
    }) + '\n',
  )
} catch (err) {
  log('start-up failed:', err?.stack || err)
  await stop(1)
}
