// The portal in Debian's chromium (playwright-core), against a real server on a real port:
// fastify with the SensorThings API, the export plugin and the portal, on a temp store filled
// through the ingest pipeline. Screenshots go to test-artifacts/portal/ for a human look.
import Fastify, { type FastifyInstance } from 'fastify'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exportPlugin, portalPlugin } from '../../src/export/index.js'
import { staPlugin } from '../../src/sta/index.js'
import { CTD_DEVICE, statusPayload } from '../support/fleet.js'
import { ctdUplink, filledStore, type FilledStore } from '../export/support.js'
import { buildPortal } from './build-portal.js'

const ARTIFACTS = new URL('../../../test-artifacts/portal/', import.meta.url).pathname
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run']

let filled: FilledStore
let app: FastifyInstance
let base: string
let profile: string
let browser: BrowserContext
let page: Page

beforeAll(async () => {
  const webRoot = buildPortal()
  filled = await filledStore(12)
  await filled.ingest.submit([
    {
      kind: 'app',
      source: 'chirpstack-application-mqtt',
      devEui: CTD_DEVICE,
      fPort: 2,
      fCnt: filled.nextFCnt++,
      payload: statusPayload({ batteryMv: 3712 }),
      receivedAtMs: filled.times.at(-1)!,
      receptions: [],
    },
  ])
  app = Fastify({ logger: false })
  await app.register(staPlugin, { prefix: '/v1.1', db: filled.store.db, events: filled.events })
  await app.register(exportPlugin, { db: filled.store.db, events: filled.events })
  await app.register(portalPlugin, { webRoot })
  await app.listen({ port: 0, host: '127.0.0.1' })
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  mkdirSync(ARTIFACTS, { recursive: true })
  profile = mkdtempSync(join(tmpdir(), 'reeflink-chromium-'))
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    acceptDownloads: true,
    viewport: { width: 1200, height: 900 },
  })
  page = await browser.newPage()
  page.on('pageerror', (e) => console.error('page error:', e))
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await app?.close()
  await filled?.close()
  if (profile) rmSync(profile, { recursive: true, force: true })
})

describe('portal in chromium', () => {
  it('shows the stations on the map', async () => {
    await page.goto(base + '/')
    await page.waitForSelector('body[data-ready="true"]')
    const codes = await page.$$eval('.map .station', (els) => els.map((e) => e.getAttribute('data-code')))
    expect(codes.sort()).toEqual(['MHXCOK01', 'NCSLOPE1'])
    // Both inside the drawn map, not piled up at a corner.
    const circles = await page.$$eval('.map .station circle', (els) => els.map((e) => [Number(e.getAttribute('cx')), Number(e.getAttribute('cy'))]))
    for (const [x, y] of circles) {
      expect(x).toBeGreaterThan(20)
      expect(x).toBeLessThan(620)
      expect(y).toBeGreaterThan(20)
      expect(y).toBeLessThan(400)
    }
    expect(await page.textContent('#network')).toBe('ReefTEMPS-demo')
    await page.screenshot({ path: ARTIFACTS + 'home.png', fullPage: true })
  }, 60_000)

  it('opens a station: latest readings with QC and battery, the chart with every point', async () => {
    await page.click('.map .station[data-code="MHXCOK01"]')
    await page.waitForSelector('#chart[data-points]')
    expect(await page.evaluate('window.reeflink.chart.data[0].length')).toBe(144)
    await page.waitForFunction("document.querySelectorAll('.latest .badge').length >= 5")
    const temp = await page.textContent('.latest tr:first-child')
    expect(temp).toMatch(/TEMP\s*2\d\.\d{2} °C\s*good/)
    await page.waitForFunction("/3\\.712 V/.test(document.querySelector('.latest').textContent)")
    expect(await page.textContent('#citation')).toContain('doi:10.0000/reeflink.demo')
    await page.screenshot({ path: ARTIFACTS + 'station.png', fullPage: true })
  }, 60_000)

  it('downloads each kind: CSV and NetCDF through the browser, chart images', async () => {
    const saved: Record<string, string> = {}
    for (const kind of ['csv', 'nc', 'station-csv', 'station-nc']) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#downloads a[data-kind="${kind}"]`)])
      const path = join(profile, `download-${kind}`)
      await download.saveAs(path)
      saved[kind] = path
    }
    const csv = readFileSync(saved.csv!, 'utf8').trim().split('\r\n')
    expect(csv[0]).toBe('time,value,unit,qc_flag')
    expect(csv).toHaveLength(145)
    expect(readFileSync(saved['station-csv']!, 'utf8').split('\r\n')[0]).toMatch(/^time,TEMP \(°C\),TEMP_QC,PSAL \(PSU\)/)
    expect(execFileSync('ncdump', ['-h', saved.nc!], { encoding: 'utf8' })).toMatch(/TIME = UNLIMITED ; \/\/ \(144 currently\)[\s\S]*float TEMP\(TIME, DEPTH\)/)
    expect(execFileSync('ncdump', ['-h', saved['station-nc']!], { encoding: 'utf8' })).toMatch(/float PSAL\(TIME, DEPTH\)/)
    for (const [kind, type] of [['png', 'image/png'], ['svg', 'image/svg+xml; charset=utf-8']]) {
      const href = await page.getAttribute(`#downloads a[data-kind="${kind}"]`, 'href')
      const res = await page.request.get(base + href)
      expect(res.status()).toBe(200)
      expect(res.headers()['content-type']).toBe(type)
    }
  }, 60_000)

  it('shows a newly ingested uplink live, without reloading', async () => {
    await page.waitForSelector('#live-state.on')
    const first = filled.times.length
    await filled.ingest.submit([ctdUplink(filled.store, first, 3, filled.nextFCnt++, -1)])
    await page.waitForFunction('window.reeflink.chart.data[0].length === 147', undefined, { timeout: 10_000 })
    const lastTime = await page.evaluate<number>('window.reeflink.chart.data[0].at(-1)')
    expect(lastTime * 1000).toBe(filled.times[0]! + (first + 2) * 600_000)
    await page.waitForFunction("document.querySelector('.latest tr:first-child .time')?.textContent?.includes('2026-03-02 00:20')")
    await page.screenshot({ path: ARTIFACTS + 'station-live.png', fullPage: true })
  }, 60_000)

  it('is readable on a phone', async () => {
    const phone = await browser.newPage()
    await phone.setViewportSize({ width: 390, height: 844 })
    await phone.goto(base + '/#/station/MHXCOK01')
    await phone.waitForSelector('#chart[data-points]')
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')
    expect(overflow).toBeLessThanOrEqual(0)
    await phone.screenshot({ path: ARTIFACTS + 'station-phone.png', fullPage: true })
    await phone.goto(base + '/')
    await phone.waitForSelector('.map .station')
    await phone.screenshot({ path: ARTIFACTS + 'home-phone.png', fullPage: true })
    await phone.close()
  }, 60_000)
})
