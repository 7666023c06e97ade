import { describe, expect, it } from 'vitest';
import { type TestComponent, describeWith, isRequired } from './describe-with.js';

const component = (unavailable: string | undefined): TestComponent => ({
  name: 'Fake',
  requiredBy: 'MIXENT_REQUIRE_FAKE_COMPONENT',
  unavailable: () => unavailable,
  howToGet: /apt install fake-component/,
});

// Collected when the file loads, as vitest collects every describe body.
const ran: string[] = [];
describeWith(component('no fake component here (apt install fake-component)'), 'tests of a missing component', () => {
  ran.push('missing');
});
describeWith(component(undefined), 'tests of a present component', () => {
  ran.push('present');
  it('are collected', () => expect(ran).toContain('present'));
});

describe('describeWith', () => {
  it('collects the tests of a present component only; a missing one gets the stand-in test instead', () => {
    expect(ran).toEqual(['present']);
  });

  it('reads the switch CI sets: only "1" requires the component', () => {
    expect(isRequired(component(undefined), { MIXENT_REQUIRE_FAKE_COMPONENT: '1' })).toBe(true);
    expect(isRequired(component(undefined), { MIXENT_REQUIRE_FAKE_COMPONENT: '0' })).toBe(false);
    expect(isRequired(component(undefined), {})).toBe(false);
  });
});
