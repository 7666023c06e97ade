import { create } from 'webgpu';
import { describeWebgpuAdapter, type WebgpuAdapterInfo } from '../backends/webgpu.js';

/**
 * The adapter Dawn (the `webgpu` package) finds here, asked directly rather than through selectBackend, so tests
 * know what to expect on this machine: undefined without one.
 */
export async function dawnAdapter(): Promise<WebgpuAdapterInfo | undefined> {
  const adapter = await create([]).requestAdapter({ powerPreference: 'high-performance' });
  return adapter ? describeWebgpuAdapter(adapter.info) : undefined;
}

/** CI installs Mesa's lavapipe and sets MIXENT_REQUIRE_WEBGPU=1, so webgpu tests cannot quietly take the no-adapter path. */
export const WEBGPU_REQUIRED = process.env.MIXENT_REQUIRE_WEBGPU === '1';
