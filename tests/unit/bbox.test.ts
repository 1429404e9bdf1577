import { describe, expect, it } from 'vitest';
import { parseBBox } from '../../api/lib/bbox.ts';

describe('parseBBox', () => {
  it('parses four numbers', () => {
    expect(parseBBox('113.5,22.6,114.3,23.2')).toEqual({ bbox: [113.5, 22.6, 114.3, 23.2] });
    expect(parseBBox(' -1.5, -2 ,3,4')).toEqual({ bbox: [-1.5, -2, 3, 4] });
  });

  it.each([
    ['', /4 comma-separated/],
    ['1,2,3', /got 3/],
    ['1,2,3,4,5', /got 5/],
    ['1,,3,4', /value 2/],
    ['1,2,x,4', /'x'/],
    ['1,2,Infinity,4', /not a number/],
    ['3,2,1,4', /minLon \(3\) must be less than maxLon \(1\)/],
    ['1,4,3,2', /minLat/],
    ['1,2,1,4', /minLon/],
    ['-181,2,3,4', /longitudes/],
    ['1,-91,3,4', /latitudes/],
  ])('rejects %j', (text, why) => {
    const r = parseBBox(text);
    expect('error' in r && r.error).toMatch(why);
  });
});
