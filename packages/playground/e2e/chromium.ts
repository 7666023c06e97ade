import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

/**
 * Debian's Chromium, driven by playwright-core (Playwright's own browser download cannot run where only the npm
 * registry and Debian's mirror are reachable). CI installs it (tools/install-chromium.sh) and sets
 * MIXENT_REQUIRE_CHROMIUM=1; without it, the e2e suite checks the message that says how to get it.
 */

/** Whether CI asked for Chromium, so that its absence fails instead of being reported. */
export const CHROMIUM_REQUIRED = process.env.MIXENT_REQUIRE_CHROMIUM === '1';

/** MIXENT_CHROMIUM when set (only it), else Debian's chromium. */
const executable = (process.env.MIXENT_CHROMIUM ? [process.env.MIXENT_CHROMIUM] : ['/usr/bin/chromium', '/usr/bin/chromium-browser']).find(
  (candidate) => existsSync(candidate),
);

/** Why the e2e suite cannot run here, or undefined when a Chromium is installed. */
export function chromiumUnavailable(): string | undefined {
  if (executable) return undefined;
  return "the playground's e2e tests drive Debian's Chromium, and none is installed (tools/install-chromium.sh, or apt-get install -y --no-install-recommends chromium; MIXENT_CHROMIUM names another executable)";
}

/**
 * Chromium, headless. Without the background-networking flags it tries to reach Google's services at start,
 * which a sandboxed network refuses; without --no-sandbox it cannot start as root in a container.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: executable as string,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A describe block of tests in Chromium: where none is installed, a test in its place that the reason says how
 * to get it, and that CI did not ask for it (MIXENT_REQUIRE_CHROMIUM).
 */
export function describeWithChromium(title: string, body: () => void): void {
  const unavailable = chromiumUnavailable();
  if (!unavailable) {
    describe(title, body);
    return;
  }
  describe(`${title}, without Chromium`, () => {
    it('says how to get Chromium', () => {
      expect(CHROMIUM_REQUIRED, `MIXENT_REQUIRE_CHROMIUM=1 but: ${unavailable}`).toBe(false);
      expect(unavailable).toMatch(/apt-get install -y --no-install-recommends chromium/);
    });
  });
}
