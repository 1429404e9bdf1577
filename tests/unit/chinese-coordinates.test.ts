import { describe, expect, it } from 'vitest';
import {
  bd09ToGcj02,
  fromWgs84,
  gcj02ToBd09,
  gcj02ToWgs84,
  toWgs84,
  wgs84ToGcj02,
} from '../../api/lib/chinese-coordinates.ts';

/**
 * Control points of the published algorithm, as the widely used implementations
 * (coordtransform and those tested against it) give them.
 */
describe('GCJ-02 and BD-09', () => {
  it('matches the control points', () => {
    const g = wgs84ToGcj02([116.404, 39.915]);
    expect(g[0]).toBeCloseTo(116.41024449916938, 10);
    expect(g[1]).toBeCloseTo(39.91640428150164, 10);
    const b = gcj02ToBd09([116.404, 39.915]);
    expect(b[0]).toBeCloseTo(116.41036949371029, 10);
    expect(b[1]).toBeCloseTo(39.92133699351021, 10);
    const back = bd09ToGcj02([116.404, 39.915]);
    expect(back[0]).toBeCloseTo(116.39762729119315, 10);
    expect(back[1]).toBeCloseTo(39.90865673957631, 10);
    // a point near Shanghai as another tool gives it (its formula differs in the last
    // digits: agreement to 1e-6°, about 0.1 m)
    const p = fromWgs84([121.0917077, 30.6107779], 'gcj02');
    expect(p[0]).toBeCloseTo(121.09626935575027, 6);
    expect(p[1]).toBeCloseTo(30.608604331756705, 6);
    const q = fromWgs84([121.0917077, 30.6107779], 'bd09');
    expect(q[0]).toBeCloseTo(121.10271732371203, 6);
    expect(q[1]).toBeCloseTo(30.61484572185035, 6);
  });

  it('inverts GCJ-02 and BD-09 to better than 1e-9° (0.1 mm) over Dongguan', () => {
    for (let lon = 113.5; lon <= 114.3; lon += 0.1) {
      for (let lat = 22.6; lat <= 23.2; lat += 0.1) {
        for (const crs of ['gcj02', 'bd09'] as const) {
          const [x, y] = toWgs84(fromWgs84([lon, lat], crs), crs);
          expect(Math.abs(x - lon)).toBeLessThan(1e-9);
          expect(Math.abs(y - lat)).toBeLessThan(1e-9);
        }
      }
    }
    // the offset in Dongguan is a few hundred metres, as on AMap
    const [x, y] = wgs84ToGcj02([113.75, 23.02]);
    expect((x - 113.75) * 102_000).toBeGreaterThan(300);
    expect((y - 23.02) * 110_000).toBeLessThan(0);
  });

  it('leaves points outside China as they are', () => {
    expect(wgs84ToGcj02([-0.1276, 51.5072])).toEqual([-0.1276, 51.5072]);
    expect(gcj02ToWgs84([151.2, -33.9])).toEqual([151.2, -33.9]);
  });
});
