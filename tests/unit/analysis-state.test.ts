import { describe, expect, it } from 'vitest';
import {
  analysisReducer,
  INITIAL_ANALYSIS,
  type AnalysisAction,
  type AnalysisState,
} from '../../web/risk-map/analysis-state.ts';

const run = (actions: AnalysisAction[], from: AnalysisState = INITIAL_ANALYSIS) =>
  actions.reduce(analysisReducer, from);

describe('"what is around" and impact zones on the map page', () => {
  it('arms with the header button, and a picked centre disarms and asks with 500 m', () => {
    expect(run([{ type: 'toggle-armed' }]).armed).toBe(true);
    expect(run([{ type: 'toggle-armed' }, { type: 'toggle-armed' }]).armed).toBe(false);
    const state = run([{ type: 'toggle-armed' }, { type: 'around', center: [113.7, 22.9] }]);
    expect(state.armed).toBe(false);
    expect(state.request).toEqual({ kind: 'around', center: [113.7, 22.9], radius: 500 });
  });

  it('changes the radius of the analysis shown, and a new centre keeps the radius chosen', () => {
    const state = run([
      { type: 'around', center: [113.7, 22.9] },
      { type: 'radius', radius: 1200 },
      { type: 'around', center: [113.8, 23.0] },
    ]);
    expect(state.request).toEqual({ kind: 'around', center: [113.8, 23.0], radius: 1200 });
  });

  it('an impact zone replaces "what is around"; the radius does not change it', () => {
    const state = run([
      { type: 'around', center: [113.7, 22.9] },
      { type: 'exposure', sourceId: 7 },
      { type: 'radius', radius: 900 },
    ]);
    expect(state.request).toEqual({ kind: 'exposure', sourceId: 7 });
    expect(state.lastRadius).toBe(900);
  });

  it('Escape disarms without closing the analysis; closing keeps the arming as it is', () => {
    const shown = run([{ type: 'exposure', sourceId: 3 }, { type: 'toggle-armed' }, { type: 'disarm' }]);
    expect(shown.armed).toBe(false);
    expect(shown.request).toEqual({ kind: 'exposure', sourceId: 3 });
    const closed = run([{ type: 'toggle-armed' }, { type: 'close' }], shown);
    expect(closed).toEqual({ armed: true, request: null, lastRadius: 500 });
  });

  it('a disarm that changes nothing keeps the state object (no render)', () => {
    expect(analysisReducer(INITIAL_ANALYSIS, { type: 'disarm' })).toBe(INITIAL_ANALYSIS);
  });
});
