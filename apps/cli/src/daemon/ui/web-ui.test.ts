// The web UI in a real browser (Debian's chromium, headless, through playwright-core): open it with
// the token, add a torrent by .torrent upload and one by magnet, watch the download complete live,
// pause, remove; then the same page at phone size. Screenshots go to .ci-results/daemon-ui/.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createTorrent } from '@typetorrent/metainfo';
import { isCI, makeTempDir, removeTempDir } from '@typetorrent/testkit';
import { startSeeder, startTestDaemon, type Seeder, type TestDaemon } from '../../testing/daemon-fixtures.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../.ci-results/daemon-ui');
const haveChromium = fs.existsSync(CHROMIUM);
const why = `needs ${CHROMIUM} (Debian package chromium; .ci/run installs it)`;

if (!haveChromium && isCI()) {
  it(`chromium is installed: ${why}`, () => {
    throw new Error(`missing under CI: ${why}`);
  });
} else if (!haveChromium) {
  console.warn(`skipping the web UI test: ${why}`);
}

(haveChromium ? describe : describe.skip)('the web UI in chromium', () => {
  let work = '';
  let seeder: Seeder;
  let t: TestDaemon;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    work = await makeTempDir('typetorrent-daemon-ui-');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    seeder = await startSeeder(work, 'holiday', { 'clip.mp4': 600_000, 'notes.txt': 5_000 });
    t = await startTestDaemon(path.join(work, 'state'), path.join(work, 'downloads'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
    page.on('dialog', (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await t?.daemon.close();
    await seeder?.close();
    await removeTempDir(work);
  });

  it('opens with the token from the fragment and takes it out of the address bar', async () => {
    await page.goto(t.daemon.uiUrl);
    await page.locator('#empty').waitFor({ state: 'visible' });
    expect(new URL(page.url()).hash).toBe('');
    expect(await page.locator('#totals').textContent()).toMatch(/^0 torrents/);
  });

  it('adds a .torrent by upload and shows the download live until it completes', async () => {
    await page.locator('#torrent-file').setInputFiles({ name: 'holiday.torrent', mimeType: 'application/x-bittorrent', buffer: Buffer.from(seeder.torrent) });
    const row = page.locator(`li.torrent[data-hash="${seeder.metainfo.infoHashHex}"]`);
    await expectLocator(row.locator('.name')).toHaveText('holiday');
    // The seeder dials the daemon's peer port (no tracker here).
    seeder.session.get(seeder.metainfo.infoHashHex)!.addPeer({ host: '127.0.0.1', port: t.daemon.registry.session.port });
    await row.locator('.percent', { hasText: '100.0%' }).waitFor({ timeout: 30_000 });
    await page.locator('li.torrent[data-state="seeding"]').waitFor();
    expect(new Uint8Array(fs.readFileSync(path.join(work, 'downloads', 'holiday', 'clip.mp4')))).toEqual(seeder.files.get('clip.mp4'));
  });

  it('shows files with play links, and pauses and resumes', async () => {
    const row = page.locator(`li.torrent[data-hash="${seeder.metainfo.infoHashHex}"]`);
    await row.locator('.details-button').click();
    const link = row.locator('.files a', { hasText: 'clip.mp4' });
    await link.waitFor();
    const response = await page.request.get(new URL((await link.getAttribute('href'))!, t.daemon.url).href, { headers: { range: 'bytes=0-9' } });
    expect(response.status()).toBe(206);
    await row.locator('.toggle', { hasText: 'Pause' }).click();
    await page.locator(`li.torrent[data-state="paused"]`).waitFor();
    await expectLocator(row.locator('.toggle')).toHaveText('Resume');
    await row.locator('.toggle').click();
    await page.locator(`li.torrent[data-state="seeding"]`).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'daemon-ui.png'), fullPage: true });
  });

  it('adds a magnet link from the text field', async () => {
    await page.locator('#magnet').fill('magnet:?xt=urn:btih:00112233445566778899aabbccddeeff00112233&dn=later');
    await page.locator('#add-paused').check();
    await page.locator('#add-button').click();
    await page.locator('li.torrent[data-hash="00112233445566778899aabbccddeeff00112233"] .name', { hasText: 'later' }).waitFor();
    expect(await page.locator('#totals').textContent()).toMatch(/^2 torrents/);
  });

  it('removes a torrent after asking', async () => {
    await page.locator('li.torrent[data-hash="00112233445566778899aabbccddeeff00112233"] .remove').click();
    await page.locator('li.torrent[data-hash="00112233445566778899aabbccddeeff00112233"]').waitFor({ state: 'detached' });
    expect((await t.client.request<{ torrents: unknown[] }>('GET', '/api/v1/torrents')).body.torrents).toHaveLength(1);
  });

  it('adds a .torrent dropped on the page', async () => {
    const data = new Uint8Array(30_000).fill(9);
    const { torrent, metainfo } = await createTorrent({ kind: 'file', name: 'dropped.bin', length: data.length, read: async function* () { yield data; } });
    // Built in the page (a string: this package is compiled without the DOM types).
    const dataTransfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      const bytes = Uint8Array.from(atob('${Buffer.from(torrent).toString('base64')}'), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], 'dropped.torrent', { type: 'application/x-bittorrent' }));
      return dt;
    })()`);
    await page.dispatchEvent('body', 'dragover', { dataTransfer });
    await page.dispatchEvent('body', 'drop', { dataTransfer });
    await page.locator(`li.torrent[data-hash="${metainfo.infoHashHex}"] .name`, { hasText: 'dropped.bin' }).waitFor();
  });

  it('fits a phone-sized screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 375, height: 740 });
    await page.reload();
    await page.locator('li.torrent').first().waitFor();
    // Evaluated in the page (a string: this package is compiled without the DOM types).
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'daemon-ui-phone.png'), fullPage: true });
  });
});

/** Playwright's expect is not used (no @playwright/test): a small polling equivalent for text. */
function expectLocator(locator: ReturnType<Page['locator']>): { toHaveText(text: string): Promise<void> } {
  return {
    async toHaveText(text: string): Promise<void> {
      await locator.filter({ hasText: text }).waitFor();
      expect((await locator.textContent())?.trim()).toBe(text);
    },
  };
}
