import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { type TestComponent, describeWith } from '../../../tools/testing/describe-with.js';

/**
 * Debian's Chromium, driven by playwright-core (Playwright's own browser download cannot run where only the npm
 * registry and Debian's mirror are reachable). CI installs it (tools/install-chromium.sh) and sets
 * MIXENT_REQUIRE_CHROMIUM=1; without it, the e2e suite checks the message that says how to get it.
 */

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

/** Debian's Chromium as a component that tests need: CI requires it with MIXENT_REQUIRE_CHROMIUM=1. */
export const CHROMIUM: TestComponent = {
  name: 'Chromium',
  requiredBy: 'MIXENT_REQUIRE_CHROMIUM',
  unavailable: chromiumUnavailable,
  howToGet: /apt-get install -y --no-install-recommends chromium/,
};

/** A describe block of tests in Chromium (see {@link describeWith}). */
export function describeWithChromium(title: string, body: () => void): void {
  describeWith(CHROMIUM, title, body);
}
