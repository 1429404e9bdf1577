import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CRS_DEFINITIONS, crsById, EXPORT_CRS_IDS } from '../../api/lib/crs/definitions.ts';
import { recogniseGeojsonCrs, recogniseWkt, UnsupportedCrsError } from '../../api/lib/crs/recognise.ts';
import { esriPrj, fromWgs84Converter, toWgs84Converter } from '../../api/lib/crs/transform.ts';
import { rfc7946Winding } from '../../api/lib/crs/winding.ts';

/*
 * The shipped definitions, the WKT recogniser and the conversions are checked against GDAL/PROJ
 * (gdalsrsinfo, gdaltransform from Debian's gdal-bin), never against proj4 itself.
 */
const hasGdal = spawnSync('gdalsrsinfo', ['--version']).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'crs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A sample of the shipped EPSG codes: the ends of every range, Dongguan's zones, the others. */
const SAMPLE = [
  4490, 4491, 4498, 4501, 4502, 4508, 4512, 4513, 4526, 4533, 4534, 4547, 4554, 3857, 32649, 32650, 4610,
  2349, 2362, 2369, 2370, 2383, 2390, 4214, 2401, 2414, 2421, 2422, 2435, 2442,
];

/** What `gdalsrsinfo -o all` says of a code, by section. */
function gdalSrs(code: number): Record<string, string> {
  const text = execFileSync('gdalsrsinfo', ['-o', 'all', `EPSG:${code}`], { encoding: 'utf8' });
  const sections: Record<string, string> = {};
  let current = '';
  for (const line of text.split('\n')) {
    const head = /^([A-Z][A-Za-z0-9 .:()]*?) :\s?(.*)$/.exec(line);
    if (head && !line.startsWith(' ')) {
      current = head[1]!;
      sections[current] = head[2] ?? '';
    } else if (current) sections[current] += `${line}\n`;
  }
  return sections;
}

/** The parameters of a PROJ string, as a map. */
function projParams(def: string): Map<string, string> {
  return new Map(
    def
      .trim()
      .split(/\s+/)
      .map((p) => p.replace(/^\+/, '').split('=') as [string, string?])
      .map(([k, v]) => [k, v ?? '']),
  );
}

describe.skipIf(!hasGdal)('the shipped definitions, against GDAL/PROJ', () => {
  const srs = new Map(hasGdal ? SAMPLE.map((code) => [code, gdalSrs(code)]) : []);

  it('have the EPSG name and the parameters PROJ gives each code', () => {
    for (const code of SAMPLE) {
      const def = crsById(`EPSG:${code}`)!;
      expect(def, `EPSG:${code}`).not.toBeNull();
      const info = srs.get(code)!;
      const name = /^(?:PROJCS|GEOGCS)\["([^"]+)"/m.exec(info['OGC WKT1']!)?.[1];
      expect(def.name, `EPSG:${code}`).toBe(name);
      const theirs = projParams(info['PROJ.4']!);
      const ours = projParams(def.proj4!);
      for (const key of ['proj', 'lon_0', 'x_0', 'y_0', 'k', 'ellps', 'datum', 'a', 'b']) {
        expect(ours.get(key), `EPSG:${code} ${key}`).toBe(theirs.get(key));
      }
    }
  });

  it('recognise every code from its ESRI, OGC WKT 1 and WKT 2 text, by the parameters', () => {
    for (const code of SAMPLE) {
      const info = srs.get(code)!;
      for (const section of ['ESRI WKT', 'OGC WKT1', 'OGC WKT2:2019', 'OGC WKT1 (simple)']) {
        const wkt = info[section]!;
        // the name and authority removed: only the parameters can tell
        const anonymous = wkt
          .replace(/^(\s*[A-Z]+\[)"[^"]*"/, '$1"layer"')
          .replace(/,\s*(AUTHORITY|ID)\["EPSG",\s*"?\d+"?\]\]\s*$/, ']');
        const expected = `EPSG:${code}`;
        expect(recogniseWkt(wkt)?.id, `EPSG:${code} ${section}`).toBe(expected);
        // WKT 1 without its PROJ extension writes Web Mercator as World Mercator's method on the
        // WGS 84 ellipsoid: only its name tells them apart
        if (code === 3857 && section === 'OGC WKT1 (simple)') continue;
        // without name and code, a system with the very same parameters is as right (a 6° zone's
        // central meridian is also a 3° zone's)
        const found = recogniseWkt(anonymous)!;
        expect(found, `EPSG:${code} ${section}, anonymous`).not.toBeNull();
        const def = crsById(expected)!;
        expect(
          [found.projection, found.ellipsoid, found.datum],
          `EPSG:${code} ${section}, anonymous`,
        ).toEqual([def.projection, def.ellipsoid, def.datum]);
      }
    }
  });

  it('writes .prj files GDAL identifies as the EPSG code', () => {
    for (const id of ['EPSG:4490', 'EPSG:4547', 'EPSG:4526', 'EPSG:4513', 'EPSG:4554', 'wgs84']) {
      const file = join(dir, `${id.replace(':', '')}.prj`);
      writeFileSync(file, esriPrj(id)!);
      const found = execFileSync('gdalsrsinfo', ['-e', file], { encoding: 'utf8' });
      expect(found, id).toContain(id === 'wgs84' ? 'EPSG:4326' : id);
    }
    expect(esriPrj('gcj02')).toBeNull();
    expect(EXPORT_CRS_IDS).toContain('EPSG:4547');
    expect(EXPORT_CRS_IDS.filter((id) => /^EPSG:45(1[3-9]|[2-4]\d|5[0-4])$/.test(id))).toHaveLength(42);
  });

  it('convert to WGS 84 and back as gdaltransform does, within a millimetre', () => {
    // positions across Guangdong, in lon/lat
    const places: Array<[number, number]> = [
      [113.7518, 23.0205],
      [114.05, 22.55],
      [110.36, 21.27],
      [116.68, 23.35],
    ];
    const cases = [
      'EPSG:4547',
      'EPSG:4526',
      'EPSG:4546',
      'EPSG:4498',
      'EPSG:4509',
      'EPSG:3857',
      'EPSG:32649',
      'EPSG:32650',
      'EPSG:4490',
    ];
    for (const id of cases) {
      const forward = execFileSync('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', id, '-output_xy'], {
        input: places.map((p) => p.join(' ')).join('\n'),
        encoding: 'utf8',
      })
        .trim()
        .split('\n')
        .map((l) => l.split(/\s+/).map(Number) as [number, number]);
      const to = toWgs84Converter(id);
      const from = fromWgs84Converter(id);
      forward.forEach((xy, i) => {
        const mine = from(places[i]!);
        const metres = id === 'EPSG:4490' ? 111_000 : 1;
        expect(Math.abs(mine[0] - xy[0]) * metres, `${id} x`).toBeLessThan(0.001);
        expect(Math.abs(mine[1] - xy[1]) * metres, `${id} y`).toBeLessThan(0.001);
        const back = to(xy);
        expect(Math.abs(back[0] - places[i]![0]) * 102_000, `${id} lon`).toBeLessThan(0.001);
        expect(Math.abs(back[1] - places[i]![1]) * 111_000, `${id} lat`).toBeLessThan(0.001);
      });
    }
  });

  it('shifts Xian 1980 and Beijing 1954 by configured 7 parameters as PROJ does, and by none without', () => {
    const params = [24.1, -123.4, -94.2, 0.02, -0.25, -0.13, 1.1];
    for (const [id, datum] of [
      ['EPSG:2383', 'xian1980'],
      ['EPSG:2435', 'beijing1954'],
    ] as const) {
      const def = crsById(id)!;
      const xy: [number, number] = [474_373.07, 2_546_775.51];
      const run = (source: string) =>
        execFileSync('gdaltransform', ['-s_srs', source, '-t_srs', 'EPSG:4326', '-output_xy'], {
          input: xy.join(' '),
          encoding: 'utf8',
        })
          .trim()
          .split(/\s+/)
          .map(Number);
      const shifted = run(`${def.proj4} +towgs84=${params.join(',')}`);
      const mine = toWgs84Converter(id, { [datum]: params })(xy);
      expect(Math.abs(mine[0] - shifted[0]!) * 102_000).toBeLessThan(0.01);
      expect(Math.abs(mine[1] - shifted[1]!) * 111_000).toBeLessThan(0.01);
      // without values: the local lon/lat taken as WGS 84 (PROJ's ballpark), tens of metres off
      const local = execFileSync(
        'gdaltransform',
        ['-s_srs', id, '-t_srs', datum === 'xian1980' ? 'EPSG:4610' : 'EPSG:4214', '-output_xy'],
        {
          input: xy.join(' '),
          encoding: 'utf8',
        },
      )
        .trim()
        .split(/\s+/)
        .map(Number);
      const approximate = toWgs84Converter(id)(xy);
      expect(Math.abs(approximate[0] - local[0]!) * 102_000).toBeLessThan(0.01);
      expect(Math.abs(approximate[1] - local[1]!) * 111_000).toBeLessThan(0.01);
      expect(Math.abs(approximate[1] - shifted[1]!) * 111_000).toBeGreaterThan(1);
    }
  });
});

describe('recognising what a file declares', () => {
  it('refuses a projected system it cannot convert, naming its parameters, and ignores what is not WKT', () => {
    const lambert =
      'PROJCS["Asia_Lambert",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Lambert_Conformal_Conic"],PARAMETER["False_Easting",0.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",105.0],PARAMETER["Standard_Parallel_1",30.0],PARAMETER["Standard_Parallel_2",62.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]';
    const error = (() => {
      try {
        recogniseWkt(lambert);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnsupportedCrsError);
    expect((error as UnsupportedCrsError).params).toEqual({
      name: 'Asia_Lambert',
      projection: 'Lambert_Conformal_Conic',
      centralMeridian: 105,
      falseEasting: 0,
      datum: 'D_WGS_1984',
    });
    // a GK zone in feet is not metres
    const feet = lambert
      .replace('Lambert_Conformal_Conic', 'Transverse_Mercator')
      .replace('Central_Meridian",105.0', 'Central_Meridian",114.0')
      .replace('False_Easting",0.0', 'False_Easting",500000.0')
      .replace('UNIT["Meter",1.0]]', 'UNIT["Foot_US",0.3048006096012192]]');
    expect(() => recogniseWkt(feet)).toThrow(/not metres/);
    for (const junk of ['', 'hello', '[[[[', 'PROJCS[', '{"a":1}', 'GEOGCS["x"]'.repeat(3)]) {
      expect(recogniseWkt(junk)).toBeNull();
    }
    expect(
      recogniseGeojsonCrs({ type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4547' } })?.id,
    ).toBe('EPSG:4547');
    expect(recogniseGeojsonCrs({ type: 'EPSG', properties: { code: 32650 } })?.id).toBe('EPSG:32650');
    expect(
      recogniseGeojsonCrs({ type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } })?.id,
    ).toBe('wgs84');
    expect(() => recogniseGeojsonCrs({ type: 'name', properties: { name: 'EPSG:27700' } })).toThrow(
      UnsupportedCrsError,
    );
  });

  it('does not hang or throw on random and mutated WKT', () => {
    // a mutation fuzz of the one hand-written parser of file input here
    const seeds = CRS_DEFINITIONS.map((d) => esriPrj(d.id)).filter((w): w is string => w !== null);
    let state = 12345;
    const rand = (n: number) => {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      return state % n;
    };
    const alphabet = '[]()",.0123456789-+eEPROJCSGEOGDATUM_ \n\\';
    for (let i = 0; i < 3000; i++) {
      let text = seeds[rand(seeds.length)]!;
      for (let k = rand(8); k >= 0; k--) {
        const at = rand(text.length + 1);
        const op = rand(3);
        const ch = alphabet[rand(alphabet.length)]!;
        text =
          op === 0
            ? text.slice(0, at) + ch + text.slice(at)
            : op === 1
              ? text.slice(0, at) + text.slice(at + 1 + rand(20))
              : text.slice(0, at) + ch + text.slice(at + 1);
      }
      try {
        const def = recogniseWkt(text);
        if (def) expect(crsById(def.id)).toBe(def);
      } catch (e) {
        expect(e).toBeInstanceOf(UnsupportedCrsError);
      }
    }
    // nesting deeper than any WKT: refused, not a stack overflow
    expect(recogniseWkt('A['.repeat(100_000))).toBeNull();
  });
});

describe('RFC 7946 winding', () => {
  /** Twice the signed area by the shoelace formula (positive: counter-clockwise). */
  const area = (ring: number[][]) =>
    ring.slice(0, -1).reduce((s, p, i) => s + p[0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * p[1]!, 0);
  it('turns exterior rings counter-clockwise and holes clockwise', () => {
    const cw = [
      [0, 0],
      [0, 4],
      [4, 4],
      [4, 0],
      [0, 0],
    ];
    const ccwHole = [
      [1, 1],
      [2, 1],
      [2, 2],
      [1, 2],
      [1, 1],
    ];
    const g = rfc7946Winding({ type: 'MultiPolygon', coordinates: [[cw, ccwHole], [cw]] });
    for (const polygon of g.coordinates) {
      expect(area(polygon[0]!)).toBeGreaterThan(0);
      for (const hole of polygon.slice(1)) expect(area(hole)).toBeLessThan(0);
    }
    const point = { type: 'Point', coordinates: [1, 2] };
    expect(rfc7946Winding(point)).toBe(point);
  });
});
