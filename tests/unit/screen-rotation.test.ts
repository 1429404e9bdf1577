import { describe, expect, it } from 'vitest';
import {
  CITY_VIEW,
  currentView,
  ROTATION_START,
  rotationReducer,
  rotationViews,
} from '../../web/screen/rotation.ts';

const OUTLINED = [{ code: 'A' }, { code: 'B' }, { code: 'C' }, { code: 'D' }, { code: 'E' }];

describe('the rotating views', () => {
  it('are the city, then the three busiest outlined towns with open incidents', () => {
    const ranking = [
      { code: 'A', open: 3 },
      { code: 'B', open: 9 },
      { code: 'C', open: 0 },
      { code: 'X', open: 50 }, // no outline: cannot be framed
      { code: 'D', open: 5 },
      { code: 'E', open: 4 },
    ];
    expect(rotationViews(OUTLINED, ranking)).toEqual([CITY_VIEW, 'B', 'D', 'E']);
    expect(rotationViews(OUTLINED, [])).toEqual([CITY_VIEW]);
    expect(rotationViews([], ranking)).toEqual([CITY_VIEW]);
  });

  it('step through the list and start over after the last', () => {
    const views = [CITY_VIEW, 'B', 'D'];
    let s = ROTATION_START;
    const seen: string[] = [currentView(views, s).view];
    for (let i = 0; i < 4; i++) {
      s = rotationReducer(s, { type: 'next', count: views.length });
      seen.push(currentView(views, s).view);
    }
    expect(seen).toEqual([CITY_VIEW, 'B', 'D', CITY_VIEW, 'B']);
  });

  it('wrap when the list got shorter since the last step, and show the city when there is nothing', () => {
    const s = rotationReducer(rotationReducer(ROTATION_START, { type: 'next', count: 4 }), {
      type: 'next',
      count: 4,
    });
    expect(currentView([CITY_VIEW, 'B', 'D', 'E'], s)).toEqual({ view: 'D', at: 2 });
    expect(currentView([CITY_VIEW, 'B'], s)).toEqual({ view: CITY_VIEW, at: 0 });
    expect(currentView([], s)).toEqual({ view: CITY_VIEW, at: 0 });
    expect(rotationReducer(ROTATION_START, { type: 'next', count: 0 })).toEqual({ index: 0 });
  });
});
