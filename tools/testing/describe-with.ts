import { describe, expect, it } from 'vitest';

/**
 * A real component that some tests need and CI installs (PyTorch, Slurm, Chromium): where it is missing, a
 * developer's run tests the message that says how to get it, and CI, which sets its switch, fails instead.
 */
export interface TestComponent {
  /** Its name in the title of the test that stands in for the missing ones. */
  name: string;
  /** The environment variable that CI sets to 1 to require it. */
  requiredBy: string;
  /** Why it cannot be used here, saying how to get it; undefined when it can. */
  unavailable(): string | undefined;
  /** What that reason must say to tell how to get it. */
  howToGet: RegExp;
}

/** Whether CI asked for the component, so that its absence fails instead of being reported. */
export function isRequired(component: TestComponent, env: NodeJS.ProcessEnv = process.env): boolean {
  return env[component.requiredBy] === '1';
}

/**
 * A describe block of tests that need a component. Where it is unavailable, one test takes their place: the reason
 * says how to get it, and CI did not require it.
 */
export function describeWith(component: TestComponent, title: string, body: () => void): void {
  const unavailable = component.unavailable();
  if (!unavailable) {
    describe(title, body);
    return;
  }
  describe(`${title}, without ${component.name}`, () => {
    it(`says how to get ${component.name}`, () => {
      expect(isRequired(component), `${component.requiredBy}=1 but: ${unavailable}`).toBe(false);
      expect(unavailable).toMatch(component.howToGet);
    });
  });
}
