/**
 * Our Go template engine against the real Go text/template + sprig + Package Operator functions:
 * every case of the committed oracle fixtures must give the same output, or fail at the same
 * stage (parse or exec). Error texts are compared too and their match rate is reported.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { fixtureGroups, loadFixtures, render, sameErrorText } from './fixtures.js';

/**
 * Cases the engine core does not pass yet, with the reason. Each runs as `it.fails`, so a fix
 * turns it red until it is removed from this list.
 */
const knownEngineGaps: Record<string, string> = {};

/** Error texts that follow Package Operator's own wording, which the oracle does not copy. */
const pkoWording: Record<string, string> = {
  'pko/b64decMap/3': 'PKO prefixes `decode base64 value at key <k>: `',
};

let errorCases = 0;
let sameText = 0;
const differentText: string[] = [];

describe.each(fixtureGroups)('oracle fixtures: %s', (group) => {
  const fixtures = loadFixtures(group);

  it('has cases', () => {
    expect(fixtures.length).toBeGreaterThan(10);
  });

  const cases = fixtures.map((f) => [f.id, f] as const);
  const gaps = cases.filter(([id]) => Object.hasOwn(knownEngineGaps, id));
  if (gaps.length > 0) {
    it.fails.each(gaps)('%s (known engine gap)', (_id, f) => {
      expect(render(f)).toEqual(
        f.output !== undefined ? { output: f.output } : { error: f.error, stage: f.stage },
      );
    });
  }

  it.each(cases.filter(([id]) => !Object.hasOwn(knownEngineGaps, id)))('%s', (_id, f) => {
    const got = render(f);
    if (f.output !== undefined) {
      expect(got).toEqual({ output: f.output });
      return;
    }
    expect('stage' in got ? got.stage : 'output', `expected a ${f.stage} error: ${f.error}`).toBe(
      f.stage,
    );
    errorCases++;
    if ('error' in got && sameErrorText(f, got.error)) sameText++;
    else if (!Object.hasOwn(pkoWording, f.id)) differentText.push(f.id);
  });
});

afterAll(() => {
  if (errorCases === 0) return;
  const rate = ((100 * sameText) / errorCases).toFixed(1);
  const pko = Object.keys(pkoWording).length;
  process.stdout.write(
    `oracle error texts: ${sameText}/${errorCases} identical (${rate}%), ${pko} in PKO's wording` +
      (differentText.length > 0 ? `; differing: ${differentText.slice(0, 30).join(' ')}\n` : '\n'),
  );
});
