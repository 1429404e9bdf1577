import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { IMPORT_FORMATS } from '../../api/schemas/imports.ts';
import { crc32, shapefileZip, WGS84_PRJ, zip, type ShapeRecord } from '../../api/lib/shapefile.ts';
import {
  detectFormat,
  ImportFileError,
  previewFile,
  readRecords,
  type ImportFormat,
  type ReadOptions,
  type SourceRecord,
} from '../../api/lib/import-readers/index.ts';
import { readCsv } from '../../api/lib/import-readers/csv-reader.ts';
import { readGeojson } from '../../api/lib/import-readers/geojson-reader.ts';
import { readKml } from '../../api/lib/import-readers/kml-reader.ts';

const dir = mkdtempSync(join(tmpdir(), 'import-readers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCount = 0;
/** Writes a fixture into the temp dir and returns its path. */
function fixture(name: string, content: string | Buffer): string {
  const path = join(dir, `${++fileCount}-${name}`);
  writeFileSync(path, content);
  return path;
}

async function collect(file: string, format: ImportFormat, options?: ReadOptions): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of readRecords(file, format, options)) out.push(r);
  return out;
}

async function drain(gen: AsyncGenerator<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of gen) out.push(r);
  return out;
}

/** GBK bytes of `text`, built from the gb18030 decoder's own table (Node has no GBK encoder). */
const encodeGbk = (() => {
  let table: Map<string, number[]> | null = null;
  return (text: string): Buffer => {
    if (!table) {
      table = new Map();
      const decoder = new TextDecoder('gb18030');
      for (let a = 0x81; a <= 0xfe; a++) {
        for (let b = 0x40; b <= 0xfe; b++) {
          if (b === 0x7f) continue;
          const ch = decoder.decode(Uint8Array.of(a, b));
          if (!table.has(ch)) table.set(ch, [a, b]);
        }
      }
    }
    const bytes: number[] = [];
    for (const ch of text) {
      const code = ch.charCodeAt(0);
      if (code < 0x80) bytes.push(code);
      else {
        const pair = table.get(ch);
        if (!pair) throw new Error(`no GBK code for ${ch}`);
        bytes.push(...pair);
      }
    }
    return Buffer.from(bytes);
  };
})();

async function expectFileError(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportFileError);
  expect((error as Error).message).toMatch(pattern);
}

describe('detectFormat', () => {
  it('maps file extensions to formats, case-insensitively', () => {
    expect(detectFormat('points.geojson')).toBe('geojson');
    expect(detectFormat('Points.JSON')).toBe('geojson');
    expect(detectFormat('a.b.csv')).toBe('csv');
    expect(detectFormat('export.TXT')).toBe('csv');
    expect(detectFormat('tab.tsv')).toBe('csv');
    expect(detectFormat('网格.zip')).toBe('shapefile');
    expect(detectFormat('grid.shz')).toBe('shapefile');
    expect(detectFormat('route.KML')).toBe('kml');
    expect(detectFormat('route.kmz')).toBe('kml');
    expect(detectFormat('谷歌地球.KMZ')).toBe('kml');
    expect(detectFormat('grid.shp')).toBeNull();
    expect(detectFormat('README')).toBeNull();
  });

  it('only answers with formats the import schema knows', () => {
    for (const name of ['a.geojson', 'a.csv', 'a.zip', 'a.kml', 'a.kmz']) {
      expect(IMPORT_FORMATS).toContain(detectFormat(name));
    }
  });
});

describe('readRecords', () => {
  it('refuses a file that cannot be opened', async () => {
    await expectFileError(collect(join(dir, 'missing.csv'), 'csv'), /cannot be opened \(ENOENT\)/);
    await expectFileError(previewFile(join(dir, 'missing.zip'), 'shapefile'), /cannot be opened/);
  });
});

describe('CSV reader', () => {
  const csv =
    '\uFEFFcode, name ,name,note,empty\r\n' +
    'A1,"站点, 一号","He said ""hi""","line one\r\nline two",\r\n' +
    '\r\n' +
    'A2,  东莞\u3000,x\r\n' +
    'A3,a,b,c,d,EXTRA\r\n' +
    'A4,a,b,c,d,,\r\n';

  it('reads the header, quoting, CRLF, blank lines, short and long rows', async () => {
    const records = await collect(fixture('happy.csv', csv), 'csv');
    expect(records).toEqual([
      {
        row: 1,
        properties: {
          code: 'A1',
          name: '站点, 一号',
          name_2: 'He said "hi"',
          note: 'line one\r\nline two',
          empty: null,
        },
        geometry: null,
      },
      {
        row: 2,
        properties: { code: 'A2', name: '东莞', name_2: 'x', note: null, empty: null },
        geometry: null,
      },
      {
        row: 3,
        properties: { code: 'A3', name: 'a', name_2: 'b', note: 'c', empty: 'd' },
        geometry: null,
        // the blank line and the two-line quoted field push this row to line 6
        error: 'row 3 (line 6) has 6 fields but the header has 5 columns',
      },
      // only empty extra fields (a trailing delimiter): no error
      { row: 4, properties: { code: 'A4', name: 'a', name_2: 'b', note: 'c', empty: 'd' }, geometry: null },
    ]);
  });

  it('gives the same records when the file arrives in tiny chunks', async () => {
    const file = fixture('chunks.csv', csv);
    const whole = await collect(file, 'csv');
    for (const chunkBytes of [1, 2, 3, 7]) {
      expect(await drain(readCsv(file, { chunkBytes }, { detectedCrs: null }))).toEqual(whole);
    }
  });

  it('detects semicolon, tab and pipe delimiters from the header', async () => {
    const rows = (text: string): Promise<SourceRecord[]> => collect(fixture('d.csv', text), 'csv');
    expect((await rows('a;b;c\n1;2,5;3\n'))[0]!.properties).toEqual({ a: '1', b: '2,5', c: '3' });
    expect((await rows('a\tb\n1\t2\n'))[0]!.properties).toEqual({ a: '1', b: '2' });
    expect((await rows('a|b|c\n1|2|3'))[0]!.properties).toEqual({ a: '1', b: '2', c: '3' });
    expect((await rows('only\nx\n'))[0]!.properties).toEqual({ only: 'x' });
  });

  it('takes a quote inside an unquoted header field literally, as in rows', async () => {
    const small = fixture('inch.csv', 'id;size 5";name\n1;27";a, b, c\n2;"3;4";d\n');
    const expected = [
      { id: '1', 'size 5"': '27"', name: 'a, b, c' },
      { id: '2', 'size 5"': '3;4', name: 'd' },
    ];
    expect((await collect(small, 'csv')).map((r) => r.properties)).toEqual(expected);
    for (const chunkBytes of [1, 7]) {
      expect(
        (await drain(readCsv(small, { chunkBytes }, { detectedCrs: null }))).map((r) => r.properties),
      ).toEqual(expected);
    }
    // in a file larger than the encoding sniff, the header ends at its line: the rows stream
    // from the start instead of waiting for a closing quote that never comes
    const rows = 20_000;
    const large = fixture(
      'inch-large.csv',
      'id,size 5",name\n' + Array.from({ length: rows }, (_, i) => `${i},${i}",n${i}\n`).join(''),
    );
    const meta = { detectedCrs: null, columns: [] as string[] };
    let read = 0;
    let readAtFirst = -1;
    const records: SourceRecord[] = [];
    for await (const r of readCsv(large, { chunkBytes: 4096, onProgress: (b) => (read = b) }, meta)) {
      if (records.length === 0) readAtFirst = read;
      records.push(r);
    }
    expect(meta.columns).toEqual(['id', 'size 5"', 'name']);
    expect(records).toHaveLength(rows);
    expect(records[rows - 1]!.properties).toEqual({
      id: `${rows - 1}`,
      'size 5"': `${rows - 1}"`,
      name: `n${rows - 1}`,
    });
    expect(readAtFirst).toBeLessThan(statSync(large).size / 2);
  });

  it('reads a GB18030 (GBK) file from Chinese Excel', async () => {
    const file = fixture(
      'gbk.csv',
      encodeGbk('编号,名称,地址\r\n1,东莞市南城街道,"莞太路, 88号"\r\n2,常平镇,\r\n'),
    );
    const records = await collect(file, 'csv');
    expect(records.map((r) => r.properties)).toEqual([
      { 编号: '1', 名称: '东莞市南城街道', 地址: '莞太路, 88号' },
      { 编号: '2', 名称: '常平镇', 地址: null },
    ]);
  });

  it('reads UTF-16 text with a byte order mark (Excel "Unicode text")', async () => {
    const file = fixture(
      'utf16.txt',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('名称\t数量\r\n塘厦\t3\r\n', 'utf16le')]),
    );
    expect((await collect(file, 'csv')).map((r) => r.properties)).toEqual([{ 名称: '塘厦', 数量: '3' }]);
  });

  it('refuses a quote left open at the end of the file, and an empty file', async () => {
    await expectFileError(
      collect(fixture('open.csv', 'a,b\n1,2\n3,"never closed\n4,5\n'), 'csv'),
      /row 2 has a quoted field that is not closed/,
    );
    await expectFileError(collect(fixture('empty.csv', ''), 'csv'), /empty/);
  });

  it('stops with the abort reason when the signal fires', async () => {
    const file = fixture('abort.csv', 'a\n' + Array.from({ length: 100 }, (_, i) => `${i}\n`).join(''));
    const controller = new AbortController();
    const seen: SourceRecord[] = [];
    const reason = new Error('stopped by the user');
    const run = (async () => {
      for await (const r of readRecords(file, 'csv', { signal: controller.signal })) {
        seen.push(r);
        if (seen.length === 3) controller.abort(reason);
      }
    })();
    await expect(run).rejects.toBe(reason);
    expect(seen).toHaveLength(3);
    // an already aborted signal: nothing is read, the default reason is an AbortError
    const pre = new AbortController();
    pre.abort();
    await expect(collect(file, 'csv', { signal: pre.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('reports progress up to the file size', async () => {
    const file = fixture('progress.csv', 'a,b\n' + '1,2\n'.repeat(5000));
    const progress: number[] = [];
    const records = await drain(
      readCsv(file, { chunkBytes: 4096, onProgress: (b) => progress.push(b) }, { detectedCrs: null }),
    );
    expect(records).toHaveLength(5000);
    expect(progress.length).toBeGreaterThan(3);
    expect(progress.at(-1)).toBe(statSync(file).size);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
  });

  it('previews the header in file order and the first rows', async () => {
    const file = fixture(
      'preview.csv',
      'z,a,z\n' + Array.from({ length: 30 }, (_, i) => `${i},x,y\n`).join(''),
    );
    const preview = await previewFile(file, 'csv', 5);
    expect(preview.columns).toEqual(['z', 'a', 'z_2']);
    expect(preview.records.map((r) => r.row)).toEqual([1, 2, 3, 4, 5]);
    expect(preview.detectedCrs).toBeNull();
    expect((await previewFile(fixture('header-only.csv', 'x;y\n'), 'csv')).columns).toEqual(['x', 'y']);
  });
});

describe('GeoJSON reader', () => {
  const collection = {
    type: 'FeatureCollection',
    name: 'sites',
    crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:OGC:1.3:CRS84' } },
    features: [
      {
        type: 'Feature',
        id: 7,
        properties: {
          名称: '松山湖 "园区" {a}',
          n: 1.5,
          ok: true,
          tags: ['a', 'b'],
          meta: { x: 1 },
          none: null,
        },
        geometry: { type: 'Point', coordinates: [113.9, 22.9, 15] },
      },
      {
        type: 'Feature',
        id: 'keep-property',
        properties: { id: 'own', path: 'C:\\dir\\' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
      { type: 'Feature', properties: null, geometry: null },
      { type: 'Feature', properties: {}, geometry: { type: 'GeometryCollection', geometries: [] } },
      {
        type: 'Feature',
        properties: {},
        geometry: {
          type: 'LineString',
          coordinates: [
            [1, 2],
            ['113', 23],
          ],
        },
      },
      { type: 'Polygon', coordinates: [] },
      {
        type: 'Feature',
        properties: { last: 1 },
        geometry: {
          type: 'MultiLineString',
          coordinates: [
            [
              [1, 2, 3],
              [4, 5, 6],
            ],
          ],
        },
      },
    ],
  };
  const text = JSON.stringify(collection, null, 1);

  it('streams a FeatureCollection feature by feature', async () => {
    const records = await collect(fixture('fc.geojson', text), 'geojson');
    expect(records).toEqual([
      {
        row: 1,
        properties: {
          名称: '松山湖 "园区" {a}',
          n: 1.5,
          ok: true,
          tags: '["a","b"]',
          meta: '{"x":1}',
          none: null,
          id: 7,
        },
        geometry: { type: 'Point', coordinates: [113.9, 22.9] },
      },
      {
        row: 2,
        properties: { id: 'own', path: 'C:\\dir\\' },
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [0, 0],
              [1, 0],
              [1, 1],
              [0, 0],
            ],
          ],
        },
      },
      { row: 3, properties: {}, geometry: null },
      {
        row: 4,
        properties: {},
        geometry: null,
        error: 'feature 4: GeometryCollection geometries are not supported',
      },
      {
        row: 5,
        properties: {},
        geometry: null,
        error:
          'feature 5: the LineString geometry is invalid: the position ["113",23] is not [longitude, latitude] numbers',
      },
      { row: 6, properties: {}, geometry: null, error: 'feature 6 has type "Polygon" instead of "Feature"' },
      {
        row: 7,
        properties: { last: 1 },
        geometry: {
          type: 'MultiLineString',
          coordinates: [
            [
              [1, 2],
              [4, 5],
            ],
          ],
        },
      },
    ]);
  });

  it('gives the same records when the file arrives in tiny chunks', async () => {
    const file = fixture('fc-chunks.geojson', text);
    const whole = await collect(file, 'geojson');
    for (const chunkBytes of [1, 3, 16]) {
      expect(await drain(readGeojson(file, { chunkBytes }, { detectedCrs: null }))).toEqual(whole);
    }
  });

  it('reads a single Feature, a bare geometry and newline-delimited features', async () => {
    const single = fixture('one.geojson', JSON.stringify(collection.features[0]));
    expect((await collect(single, 'geojson')).map((r) => r.properties.id)).toEqual([7]);
    const bare = fixture('bare.json', '{"type":"MultiPoint","coordinates":[[1,2],[3,4]]}');
    expect(await collect(bare, 'geojson')).toEqual([
      {
        row: 1,
        properties: {},
        geometry: {
          type: 'MultiPoint',
          coordinates: [
            [1, 2],
            [3, 4],
          ],
        },
      },
    ]);
    const lines = [
      '{"type":"Feature","properties":{"n":1},"geometry":{"type":"Point","coordinates":[1,2]}}',
      '{"type":"Feature","properties":{"n":2},"geometry":null}',
      '{"type":"Feature","properties":{"n":NaN},"geometry":null}',
      '{"type":"Feature","properties":{"n":4},"geometry":null}',
    ].join('\n');
    const records = await collect(fixture('lines.geojsonl', `${lines}\n`), 'geojson');
    expect(records.map((r) => [r.row, r.properties.n ?? null])).toEqual([
      [1, 1],
      [2, 2],
      [3, null],
      [4, 4],
    ]);
    expect(records[2]!.error).toMatch(/^feature 3 \(byte offset \d+\) is not valid JSON/);
  });

  it('refuses a truncated file, naming the feature it stops in', async () => {
    const cut = text.slice(0, text.indexOf('"last"'));
    await expectFileError(
      collect(fixture('cut.geojson', cut), 'geojson'),
      /ends in the middle of feature 7 \(byte offset \d+\)/,
    );
    const afterFeatures = text.slice(0, text.lastIndexOf(']'));
    await expectFileError(
      collect(fixture('cut2.geojson', afterFeatures), 'geojson'),
      /ends before its FeatureCollection is closed, after feature 7 \(byte offset \d+\)/,
    );
  });

  it('yields the features before the break, then throws', async () => {
    const cut = text.slice(0, text.indexOf('"last"'));
    const seen: number[] = [];
    await expectFileError(
      (async () => {
        for await (const r of readRecords(fixture('cut3.geojson', cut), 'geojson')) seen.push(r.row);
      })(),
      /feature 7/,
    );
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('skips a byte order mark', async () => {
    const file = fixture('bom.geojson', `\uFEFF${JSON.stringify(collection.features[0])}`);
    expect((await drain(readGeojson(file, { chunkBytes: 1 }, { detectedCrs: null })))[0]!.properties.id).toBe(
      7,
    );
  });

  it('refuses files that are not GeoJSON', async () => {
    await expectFileError(collect(fixture('x.geojson', 'hello'), 'geojson'), /not GeoJSON.*byte offset 0/);
    await expectFileError(collect(fixture('e.geojson', '  \n'), 'geojson'), /holds no GeoJSON object/);
    await expectFileError(collect(fixture('e2.geojson', ''), 'geojson'), /empty/);
    await expectFileError(
      collect(fixture('t.geojson', '{"type":"Topology","objects":{}}'), 'geojson'),
      /Topology/,
    );
    await expectFileError(
      collect(fixture('f.geojson', '{"type":"FeatureCollection","features":{}}'), 'geojson'),
      /not an array/,
    );
  });

  it('recognises the crs member of the shipped systems, refuses one it cannot convert', async () => {
    const declaring = (name: string): string =>
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name } },
        features: [
          { type: 'Feature', properties: {}, geometry: { type: 'Point', coordinates: [38500000, 2540000] } },
        ],
      });
    const detected = async (name: string) =>
      (await previewFile(fixture('declared.geojson', declaring(name)), 'geojson')).detectedCrs;
    expect(await detected('urn:ogc:def:crs:EPSG::3857')).toBe('EPSG:3857');
    expect(await detected('EPSG:4547')).toBe('EPSG:4547');
    expect(await detected('urn:ogc:def:crs:EPSG:6.6:32650')).toBe('EPSG:32650');
    expect(await detected('http://www.opengis.net/def/crs/EPSG/0/4526')).toBe('EPSG:4526');
    expect(await detected('EPSG:4490')).toBe('EPSG:4490');
    expect(await detected('EPSG:4214')).toBe('EPSG:4214');
    expect(await detected('urn:ogc:def:crs:OGC:1.3:CRS84')).toBe('wgs84');
    // Hong Kong 1980 Grid: metres the import cannot convert, refused rather than read as degrees
    for (const read of [(f: string) => collect(f, 'geojson'), (f: string) => previewFile(f, 'geojson')]) {
      const error = await read(fixture('hk.geojson', declaring('urn:ogc:def:crs:EPSG::2326'))).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ImportFileError);
      expect((error as ImportFileError).code).toBe('import_unsupported_crs');
      expect((error as Error).message).toMatch(/EPSG::2326, which the import does not know/);
    }
  });

  it('previews the union of property keys and the declared CRS', async () => {
    const preview = await previewFile(fixture('p.geojson', text), 'geojson', 2);
    expect(preview.records).toHaveLength(2);
    expect(preview.columns).toEqual(['名称', 'n', 'ok', 'tags', 'meta', 'none', 'id', 'path', 'last']);
    expect(preview.detectedCrs).toBe('wgs84');
    const noCrs = JSON.stringify({ type: 'FeatureCollection', features: [] });
    expect(await previewFile(fixture('q.geojson', noCrs), 'geojson')).toEqual({
      columns: [],
      records: [],
      detectedCrs: null,
      layers: [],
    });
  });

  it('aborts and reports progress', async () => {
    const file = fixture('big.geojson', text);
    const progress: number[] = [];
    await drain(
      readGeojson(file, { chunkBytes: 100, onProgress: (b) => progress.push(b) }, { detectedCrs: null }),
    );
    expect(progress.at(-1)).toBe(statSync(file).size);
    const controller = new AbortController();
    const gen = readRecords(file, 'geojson', { signal: controller.signal });
    expect((await gen.next()).value?.row).toBe(1);
    controller.abort();
    await expect(gen.next()).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('KML reader', () => {
  const kml = `<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2">
<Document><name>图层</name>
<Schema name="s" id="s"><SimpleField name="code" type="string"/></Schema>
<Folder><name>folder</name>
<Placemark id="p1">
  <name><![CDATA[东城 <站点>]]></name>
  <description>A &amp; B &lt;ok&gt; &#20013;&#x6587; &quot;q&quot; &apos;s&apos;</description>
  <!-- a comment with <Point> inside -->
  <ExtendedData>
    <Data name="kind"><displayName>类型</displayName><value>工厂</value></Data>
    <Data name="empty"><value></value></Data>
    <SchemaData schemaUrl="#s"><SimpleData name="code">A-001</SimpleData></SchemaData>
  </ExtendedData>
  <Point><coordinates>113.75,23.02,12</coordinates></Point>
</Placemark>
<Placemark><name>line</name><LineString><tessellate>1</tessellate><coordinates>
  113.7,23.0,0 113.8,23.1,0
  113.9, 23.2
</coordinates></LineString></Placemark>
<Placemark><name>area</name><Polygon><outerBoundaryIs><LinearRing><coordinates>0,0 4,0 4,4 0,4 0,0</coordinates></LinearRing></outerBoundaryIs>
<innerBoundaryIs><LinearRing><coordinates>1,1 1,2 2,2</coordinates></LinearRing></innerBoundaryIs></Polygon></Placemark>
<Placemark><name>multi</name><MultiGeometry><Point><coordinates>1,2</coordinates></Point><Point><coordinates>3,4</coordinates></Point></MultiGeometry></Placemark>
<Placemark><name>mixed</name><MultiGeometry><Point><coordinates>1,2</coordinates></Point><LineString><coordinates>1,2 3,4</coordinates></LineString></MultiGeometry></Placemark>
<Placemark><name>bad</name><Point><coordinates>113.1,23 abc,23</coordinates></Point></Placemark>
<Placemark><name>no geometry</name></Placemark>
</Folder></Document></kml>
`;

  const expected: SourceRecord[] = [
    {
      row: 1,
      properties: {
        name: '东城 <站点>',
        description: 'A & B <ok> 中文 "q" \'s\'',
        kind: '工厂',
        empty: null,
        code: 'A-001',
      },
      geometry: { type: 'Point', coordinates: [113.75, 23.02] },
    },
    {
      row: 2,
      properties: { name: 'line' },
      geometry: {
        type: 'LineString',
        coordinates: [
          [113.7, 23.0],
          [113.8, 23.1],
          [113.9, 23.2],
        ],
      },
    },
    {
      row: 3,
      properties: { name: 'area' },
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [0, 0],
            [4, 0],
            [4, 4],
            [0, 4],
            [0, 0],
          ],
          // closed by the reader
          [
            [1, 1],
            [1, 2],
            [2, 2],
            [1, 1],
          ],
        ],
      },
    },
    {
      row: 4,
      properties: { name: 'multi' },
      geometry: {
        type: 'MultiPoint',
        coordinates: [
          [1, 2],
          [3, 4],
        ],
      },
    },
    {
      row: 5,
      properties: { name: 'mixed' },
      geometry: null,
      error: 'placemark 5: <MultiGeometry> mixes Point and LineString, which one record cannot hold',
    },
    {
      row: 6,
      properties: { name: 'bad' },
      geometry: null,
      error: 'placemark 6: the coordinate "abc,23" in <Point> is not a longitude,latitude pair of numbers',
    },
    { row: 7, properties: { name: 'no geometry' }, geometry: null },
  ];

  it('reads placemarks: names, descriptions, extended data, every geometry kind', async () => {
    expect(await collect(fixture('doc.kml', kml), 'kml')).toEqual(expected);
  });

  it('gives the same records when the file arrives in tiny chunks', async () => {
    const file = fixture('chunks.kml', kml);
    for (const chunkBytes of [1, 5, 64]) {
      expect(await drain(readKml(file, { chunkBytes }, { detectedCrs: null }))).toEqual(expected);
    }
  });

  it('reads namespaced tags', async () => {
    const ns = `<kml:kml xmlns:kml="http://www.opengis.net/kml/2.2"><kml:Document>
<kml:Placemark><kml:name>松山湖</kml:name><kml:Point><kml:coordinates>113.88,22.93</kml:coordinates></kml:Point></kml:Placemark>
</kml:Document></kml:kml>`;
    expect(await collect(fixture('ns.kml', ns), 'kml')).toEqual([
      { row: 1, properties: { name: '松山湖' }, geometry: { type: 'Point', coordinates: [113.88, 22.93] } },
    ]);
  });

  it('reads a GBK file that declares its encoding', async () => {
    const gbk = encodeGbk(
      '<?xml version="1.0" encoding="GBK"?><kml><Placemark><name>虎门镇</name><Point><coordinates>113.67,22.82</coordinates></Point></Placemark></kml>',
    );
    expect((await collect(fixture('gbk.kml', gbk), 'kml'))[0]!.properties).toEqual({ name: '虎门镇' });
  });

  it('refuses a truncated file and a file that is not KML', async () => {
    const cut = kml.slice(0, kml.indexOf('<name>multi'));
    await expectFileError(
      collect(fixture('cut.kml', cut), 'kml'),
      /ends in the middle of placemark 4 \(character \d+\)/,
    );
    await expectFileError(
      collect(fixture('not.kml', '<html><body>hi</body></html>'), 'kml'),
      /not a KML file/,
    );
  });

  it('aborts, reports progress and previews columns', async () => {
    const file = fixture('p.kml', kml);
    const progress: number[] = [];
    await drain(
      readKml(file, { chunkBytes: 256, onProgress: (b) => progress.push(b) }, { detectedCrs: null }),
    );
    expect(progress.at(-1)).toBe(statSync(file).size);
    const controller = new AbortController();
    const gen = readRecords(file, 'kml', { signal: controller.signal });
    await gen.next();
    controller.abort();
    await expect(gen.next()).rejects.toMatchObject({ name: 'AbortError' });
    const preview = await previewFile(file, 'kml', 1);
    expect(preview.records).toHaveLength(1);
    expect(preview.columns).toEqual(['name', 'description', 'kind', 'empty', 'code']);
  });

  describe('KMZ (zipped KML)', () => {
    const icon = { name: 'files/icon.png', data: Buffer.from('\x89PNG\r\n\x1a\n', 'latin1') };
    const other = `<kml><Document><Placemark><name>other</name><Point><coordinates>1,2</coordinates></Point></Placemark></Document></kml>`;

    it('reads doc.kml even when another .kml comes first in the archive', async () => {
      const kmz = zip([
        { name: 'extra/other.kml', data: Buffer.from(other) },
        icon,
        { name: 'doc.kml', data: Buffer.from(kml) },
      ]);
      const file = fixture('route.kmz', kmz);
      expect(detectFormat('route.kmz')).toBe('kml');
      expect(await collect(file, 'kml')).toEqual(expected);
      // streamed out of the archive: the same records however small the chunks
      for (const chunkBytes of [1, 7, 100]) {
        expect(await drain(readKml(file, { chunkBytes }, { detectedCrs: null }))).toEqual(expected);
      }
      const preview = await previewFile(file, 'kml', 2);
      expect(preview.records.map((r) => r.properties.name)).toEqual(['东城 <站点>', 'line']);
      expect(preview.columns).toEqual(['name', 'description', 'kind', 'empty', 'code']);
    });

    it('reads the first .kml entry, whatever its case and folder, when there is no doc.kml', async () => {
      const kmz = storedZip([
        icon,
        // a macOS resource fork is not the document
        { name: '__MACOSX/._doc.kml', data: Buffer.from([0, 5, 22, 7, 0, 2, 0, 0]) },
        { name: 'layers/roads.KML', data: Buffer.from(kml) },
        { name: 'layers/rivers.kml', data: Buffer.from(other) },
      ]);
      expect(await collect(fixture('roads.kmz', kmz), 'kml')).toEqual(expected);
    });

    it('reads a .kml upload that is really a KMZ', async () => {
      const file = fixture('export.kml', zip([{ name: 'doc.kml', data: Buffer.from(kml) }]));
      expect(detectFormat(file)).toBe('kml');
      expect(await collect(file, 'kml')).toEqual(expected);
    });

    it('refuses a KMZ without a .kml entry, naming what it holds', async () => {
      const kmz = zip([
        icon,
        { name: 'readme.txt', data: Buffer.from('hi') },
        { name: 'files/', data: Buffer.alloc(0) },
      ]);
      await expectFileError(
        collect(fixture('nokml.kmz', kmz), 'kml'),
        /^the KMZ archive holds no \.kml file \(it holds: files\/icon\.png, readme\.txt\)$/,
      );
      const empty = storedZip([]);
      await expectFileError(
        collect(fixture('empty.kmz', empty), 'kml'),
        /^the KMZ archive holds no \.kml file \(it holds: nothing\)$/,
      );
    });

    it('names the KML entry when its content is broken, and refuses a corrupt or mis-sized entry', async () => {
      const cut = kml.slice(0, kml.indexOf('<name>multi'));
      await expectFileError(
        collect(fixture('cut.kmz', zip([{ name: 'doc.kml', data: Buffer.from(cut) }])), 'kml'),
        /^the KML file doc\.kml in the KMZ archive ends in the middle of placemark 4 \(character \d+\)$/,
      );
      await expectFileError(
        collect(fixture('html.kmz', zip([{ name: 'a/b.kml', data: Buffer.from('<html></html>') }])), 'kml'),
        /^not a KML file: no <kml> element at the start of a\/b\.kml in the KMZ archive$/,
      );
      // deflate data made of 0xFF bytes starts with a reserved block type
      const corrupt = zip([{ name: 'doc.kml', data: Buffer.from(kml) }]);
      corrupt.fill(0xff, 30 + 'doc.kml'.length, 30 + 'doc.kml'.length + corrupt.readUInt32LE(18));
      await expectFileError(
        collect(fixture('corrupt.kmz', corrupt), 'kml'),
        /^the zip entry doc\.kml cannot be decompressed: invalid block type$/,
      );
      // a declared size smaller than the data: inflating stops there instead of going on
      const understated = zip([{ name: 'doc.kml', data: Buffer.from(kml) }]);
      understated.writeUInt32LE(100, understated.length - 22 - (46 + 'doc.kml'.length) + 24);
      await expectFileError(
        collect(fixture('understated.kmz', understated), 'kml'),
        /^the zip entry doc\.kml cannot be decompressed: too many bytes in the stream\. expected 100\./,
      );
      const overstated = storedZip([{ name: 'doc.kml', data: Buffer.from(kml) }]);
      const declared = Buffer.byteLength(kml) + 10;
      overstated.writeUInt32LE(declared, overstated.length - 22 - (46 + 'doc.kml'.length) + 24);
      await expectFileError(
        collect(fixture('overstated.kmz', overstated), 'kml'),
        /^the zip archive is damaged: compressed\/uncompressed size mismatch for stored file: /,
      );
    });

    it('reads a zip64 KMZ', async () => {
      const kmz = zip64Zip([
        { name: 'files/icon.png', data: icon.data, method: 0 },
        { name: 'doc.kml', data: Buffer.from(kml), method: 8 },
      ]);
      expect(await collect(fixture('z64.kmz', kmz), 'kml')).toEqual(expected);
    });

    it('reports progress up to the archive size and stops when aborted', async () => {
      const file = fixture('progress.kmz', zip([icon, { name: 'doc.kml', data: Buffer.from(kml) }]));
      const progress: number[] = [];
      await drain(
        readKml(file, { chunkBytes: 64, onProgress: (b) => progress.push(b) }, { detectedCrs: null }),
      );
      const size = statSync(file).size;
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expect(progress[0]).toBeLessThan(size);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(size);
      const controller = new AbortController();
      const gen = readRecords(file, 'kml', { signal: controller.signal });
      await gen.next();
      controller.abort();
      await expect(gen.next()).rejects.toMatchObject({ name: 'AbortError' });
    });
  });
});

// ---------------------------------------------------------------- Shapefile helpers

/** A .shp of the given records' contents (shape type + geometry bytes each). */
function shpFile(shapeType: number, contents: Buffer[]): Buffer {
  const length = 100 + contents.reduce((n, c) => n + 8 + c.length, 0);
  const b = Buffer.alloc(length);
  b.writeInt32BE(9994, 0);
  b.writeInt32BE(length / 2, 24);
  b.writeInt32LE(1000, 28);
  b.writeInt32LE(shapeType, 32);
  let at = 100;
  for (const [i, c] of contents.entries()) {
    b.writeInt32BE(i + 1, at);
    b.writeInt32BE(c.length / 2, at + 4);
    c.copy(b, at + 8);
    at += 8 + c.length;
  }
  return b;
}

function pointZ(x: number, y: number, z: number): Buffer {
  const b = Buffer.alloc(36);
  b.writeInt32LE(11, 0);
  b.writeDoubleLE(x, 4);
  b.writeDoubleLE(y, 12);
  b.writeDoubleLE(z, 20);
  return b;
}

function polyline(parts: number[][][]): Buffer {
  const points = parts.flat();
  const b = Buffer.alloc(44 + 4 * parts.length + 16 * points.length);
  b.writeInt32LE(3, 0);
  b.writeInt32LE(parts.length, 36);
  b.writeInt32LE(points.length, 40);
  let index = 0;
  for (const [i, part] of parts.entries()) {
    b.writeInt32LE(index, 44 + 4 * i);
    index += part.length;
  }
  for (const [i, p] of points.entries()) {
    b.writeDoubleLE(p[0]!, 44 + 4 * parts.length + 16 * i);
    b.writeDoubleLE(p[1]!, 52 + 4 * parts.length + 16 * i);
  }
  return b;
}

function nullShape(): Buffer {
  return Buffer.alloc(4);
}

interface TestField {
  name: string;
  type: string;
  length: number;
}

/** A dBase III table; values are raw bytes (text already encoded), a leading '*' row flag marks deletion. */
function dbfFile(
  fields: TestField[],
  rows: Array<{ deleted?: boolean; values: Buffer[] }>,
  languageDriver = 0,
): Buffer {
  const headerLength = 32 + 32 * fields.length + 1;
  const recordLength = 1 + fields.reduce((n, f) => n + f.length, 0);
  const b = Buffer.alloc(headerLength + recordLength * rows.length + 1, 0x20);
  b.fill(0, 0, headerLength);
  b.writeUInt8(0x03, 0);
  b.writeUInt32LE(rows.length, 4);
  b.writeUInt16LE(headerLength, 8);
  b.writeUInt16LE(recordLength, 10);
  b.writeUInt8(languageDriver, 29);
  for (const [i, f] of fields.entries()) {
    encodeGbk(f.name).copy(b, 32 + 32 * i);
    b.write(f.type, 32 + 32 * i + 11, 'latin1');
    b.writeUInt8(f.length, 32 + 32 * i + 16);
  }
  b.writeUInt8(0x0d, headerLength - 1);
  for (const [r, row] of rows.entries()) {
    let at = headerLength + r * recordLength;
    b.write(row.deleted ? '*' : ' ', at, 'latin1');
    at++;
    for (const [i, f] of fields.entries()) {
      row.values[i]!.copy(b, at, 0, f.length);
      at += f.length;
    }
  }
  b.writeUInt8(0x1a, b.length - 1);
  return b;
}

/** A zip whose entries are stored uncompressed (method 0). */
function storedZip(files: Array<{ name: string; data: Buffer }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt32LE(crc32(f.data), 14);
    local.writeUInt32LE(f.data.length, 18);
    local.writeUInt32LE(f.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt32LE(crc32(f.data), 16);
    c.writeUInt32LE(f.data.length, 20);
    c.writeUInt32LE(f.data.length, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(offset, 42);
    parts.push(local, name, f.data);
    central.push(c, name);
    offset += 30 + name.length + f.data.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, cd, end]);
}

/**
 * A zip in the zip64 layout, as `zip -fz` writes it whatever the size: every size and offset of
 * the entries and of the end record is saturated (0xFFFFFFFF, 0xFFFF) and given in the zip64
 * extra fields and the ZIP64 end of central directory record instead, so a reader that ignores
 * zip64 cannot find anything.
 */
function zip64Zip(files: Array<{ name: string; data: Buffer; method: 0 | 8 }>): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name, 'utf8');
    const packed = f.method === 8 ? deflateRawSync(f.data) : f.data;
    const crc = crc32(f.data);
    const localExtra = Buffer.alloc(20);
    localExtra.writeUInt16LE(0x0001, 0);
    localExtra.writeUInt16LE(16, 2);
    localExtra.writeBigUInt64LE(BigInt(f.data.length), 4);
    localExtra.writeBigUInt64LE(BigInt(packed.length), 12);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(45, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(f.method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(0xffffffff, 18);
    local.writeUInt32LE(0xffffffff, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(localExtra.length, 28);
    // another extra field (extended timestamp) first, so the zip64 one has to be looked for
    const timestamp = Buffer.alloc(9);
    timestamp.writeUInt16LE(0x5455, 0);
    timestamp.writeUInt16LE(5, 2);
    timestamp.writeUInt8(1, 4);
    timestamp.writeUInt32LE(1_700_000_000, 5);
    const zip64 = Buffer.alloc(28);
    zip64.writeUInt16LE(0x0001, 0);
    zip64.writeUInt16LE(24, 2);
    zip64.writeBigUInt64LE(BigInt(f.data.length), 4);
    zip64.writeBigUInt64LE(BigInt(packed.length), 12);
    zip64.writeBigUInt64LE(BigInt(offset), 20);
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(45, 4);
    c.writeUInt16LE(45, 6);
    c.writeUInt16LE(0x0800, 8);
    c.writeUInt16LE(f.method, 10);
    c.writeUInt32LE(crc, 16);
    c.writeUInt32LE(0xffffffff, 20);
    c.writeUInt32LE(0xffffffff, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt16LE(timestamp.length + zip64.length, 30);
    c.writeUInt32LE(0xffffffff, 42);
    parts.push(local, name, localExtra, packed);
    central.push(c, name, timestamp, zip64);
    offset += 30 + name.length + localExtra.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const record = Buffer.alloc(56);
  record.writeUInt32LE(0x06064b50, 0);
  record.writeBigUInt64LE(44n, 4);
  record.writeUInt16LE(45, 12);
  record.writeUInt16LE(45, 14);
  record.writeBigUInt64LE(BigInt(files.length), 24);
  record.writeBigUInt64LE(BigInt(files.length), 32);
  record.writeBigUInt64LE(BigInt(cd.length), 40);
  record.writeBigUInt64LE(BigInt(offset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(offset + cd.length), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([...parts, cd, record, locator, end]);
}

const square = (x: number, y: number, size: number): number[][] => [
  [x, y],
  [x + size, y],
  [x + size, y + size],
  [x, y + size],
  [x, y],
];
/** The same ring clockwise (a GeoJSON hole). */
const clockwise = (ring: number[][]): number[][] => [...ring].reverse();

describe('Shapefile reader', () => {
  const records: ShapeRecord[] = [
    {
      polygons: [[square(113.7, 22.9, 0.1), clockwise(square(113.72, 22.92, 0.02))]],
      attributes: { CODE: '441900110002001', NAME: '常平社区第1网格', N: 42 },
    },
    {
      polygons: [
        [square(0, 0, 1)],
        [square(5, 5, 2), clockwise(square(5.5, 5.5, 0.5)), clockwise(square(6.2, 6.2, 0.5))],
      ],
      attributes: { CODE: 'M', NAME: '两块', N: -3 },
    },
    { polygons: [], attributes: { CODE: 'empty', NAME: null, N: null } },
  ];
  const fields = [
    { name: 'CODE', type: 'C' as const, length: 20 },
    { name: 'NAME', type: 'C' as const, length: 30 },
    { name: 'N', type: 'N' as const, length: 6 },
  ];

  it('reads back what the Shapefile writer wrote (polygons, holes, Chinese text, WGS 84)', async () => {
    const file = fixture('grid.zip', shapefileZip('网格/grid', fields, records));
    expect(await collect(file, 'shapefile')).toEqual([
      {
        row: 1,
        properties: records[0]!.attributes,
        geometry: { type: 'Polygon', coordinates: records[0]!.polygons[0] },
      },
      {
        row: 2,
        properties: records[1]!.attributes,
        geometry: { type: 'MultiPolygon', coordinates: records[1]!.polygons },
      },
      { row: 3, properties: { CODE: 'empty', NAME: null, N: null }, geometry: null },
    ]);
    const preview = await previewFile(file, 'shapefile');
    expect(preview.detectedCrs).toBe('wgs84');
    expect(preview.columns).toEqual(['CODE', 'NAME', 'N']);
  });

  it('reads points (Z dropped), lines, GBK attributes of every field type, and skips deleted records', async () => {
    const shp = shpFile(11, [
      pointZ(113.75, 23.05, 30),
      pointZ(1, 2, 3),
      pointZ(113.8, 23.1, 0),
      nullShape(),
    ]);
    const dbfFields = [
      { name: '名称', type: 'C', length: 20 },
      { name: 'POP', type: 'N', length: 8 },
      { name: 'AREA', type: 'F', length: 10 },
      { name: 'OPEN', type: 'L', length: 1 },
      { name: 'SINCE', type: 'D', length: 8 },
    ];
    const row = (values: string[], deleted = false): { deleted: boolean; values: Buffer[] } => ({
      deleted,
      values: values.map((v, i) => {
        const bytes = encodeGbk(v);
        const cell = Buffer.alloc(dbfFields[i]!.length, 0x20);
        // numbers right-aligned as dBase writes them
        bytes.copy(cell, dbfFields[i]!.type === 'C' ? 0 : cell.length - bytes.length);
        return cell;
      }),
    });
    const dbf = dbfFile(dbfFields, [
      row(['东莞市', '1200', '3.25', 'T', '20240131']),
      row(['删除', '1', '1', 'F', '20000101'], true),
      row(['  寮步镇 ', '', '-0.5', 'n', '']),
      row(['', '********', 'x', '?', '2024']),
    ]);
    const expected = [
      {
        row: 1,
        properties: { 名称: '东莞市', POP: 1200, AREA: 3.25, OPEN: true, SINCE: '2024-01-31' },
        geometry: { type: 'Point', coordinates: [113.75, 23.05] },
      },
      {
        row: 3,
        properties: { 名称: '寮步镇', POP: null, AREA: -0.5, OPEN: false, SINCE: null },
        geometry: { type: 'Point', coordinates: [113.8, 23.1] },
      },
      { row: 4, properties: { 名称: null, POP: null, AREA: 'x', OPEN: null, SINCE: '2024' }, geometry: null },
    ];
    // the encoding named by the .cpg, by the language driver byte, or guessed (not UTF-8)
    const viaCpg = zip([
      { name: 'pts.shp', data: shp },
      { name: 'pts.dbf', data: dbf },
      { name: 'pts.cpg', data: Buffer.from('GBK\r\n') },
    ]);
    expect(await collect(fixture('cpg.zip', viaCpg), 'shapefile')).toEqual(expected);
    const driverDbf = Buffer.from(dbf);
    driverDbf.writeUInt8(0x4d, 29);
    const viaDriver = zip([
      { name: 'PTS.SHP', data: shp },
      { name: 'PTS.DBF', data: driverDbf },
    ]);
    expect(await collect(fixture('driver.zip', viaDriver), 'shapefile')).toEqual(expected);
    const guessed = storedZip([
      { name: 'pts.shp', data: shp },
      { name: 'pts.dbf', data: dbf },
    ]);
    expect(await collect(fixture('stored.zip', guessed), 'shapefile')).toEqual(expected);
    expect((await previewFile(fixture('noprj.zip', guessed), 'shapefile')).detectedCrs).toBeNull();

    const lines = shpFile(3, [
      polyline([
        [
          [0, 0],
          [1, 1],
        ],
      ]),
      polyline([
        [
          [0, 0],
          [1, 1],
        ],
        [
          [2, 2],
          [3, 3],
          [4, 4],
        ],
      ]),
    ]);
    const lineDbf = dbfFile(
      [{ name: 'ID', type: 'N', length: 4 }],
      [{ values: [Buffer.from('   1')] }, { values: [Buffer.from('   2')] }],
    );
    const lineRecords = await collect(
      fixture(
        'lines.zip',
        zip([
          { name: 'l.shp', data: lines },
          { name: 'l.dbf', data: lineDbf },
        ]),
      ),
      'shapefile',
    );
    expect(lineRecords.map((r) => r.geometry)).toEqual([
      {
        type: 'LineString',
        coordinates: [
          [0, 0],
          [1, 1],
        ],
      },
      {
        type: 'MultiLineString',
        coordinates: [
          [
            [0, 0],
            [1, 1],
          ],
          [
            [2, 2],
            [3, 3],
            [4, 4],
          ],
        ],
      },
    ]);
  });

  it('recognises the .prj by its parameters, and refuses a projected system it cannot convert', async () => {
    const base = shapefileZip('g', fields, records.slice(0, 1));
    const withPrj = (prj: string): Buffer =>
      zip([
        ...['g.shp', 'g.dbf', 'g.cpg'].map((name) => ({ name, data: extract(base, name) })),
        { name: 'g.prj', data: Buffer.from(prj) },
      ]);
    const detected = async (prj: string) =>
      (await previewFile(fixture('prj.zip', withPrj(prj)), 'shapefile')).detectedCrs;
    const cgcs =
      'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433]]';
    expect(await detected(cgcs)).toBe('EPSG:4490');
    expect(await detected(WGS84_PRJ)).toBe('wgs84');
    // named as a bureau's desk might name it: the parameters decide (CM 114E, no zone prefix)
    const gk = (
      name: string,
      cm: number,
      fe: number,
      datum = 'D_China_2000',
      a = '6378137.0,298.257222101',
    ) =>
      `PROJCS["${name}",GEOGCS["GCS_x",DATUM["${datum}",SPHEROID["s",${a}]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",${fe}],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",${cm}],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]`;
    expect(await detected(gk('GK114', 114, 500000))).toBe('EPSG:4547');
    expect(await detected(gk('anything', 114, 38500000))).toBe('EPSG:4526');
    expect(await detected(gk('6 degree', 117, 20500000))).toBe('EPSG:4498');
    // the name says 114 but the parameters say 117
    expect(await detected(gk('CGCS2000_3_Degree_GK_CM_114E', 117, 500000))).toBe('EPSG:4548');
    // the same zone on the Xian 1980 and Beijing 1954 ellipsoids, named by datum or by ellipsoid only
    expect(await detected(gk('x', 114, 500000, 'D_Xian_1980', '6378140.0,298.257'))).toBe('EPSG:2383');
    expect(await detected(gk('x', 114, 500000, 'D_unknown', '6378245.0,298.3'))).toBe('EPSG:2435');
    // a GK zone with a central meridian no zone has: refused, naming its parameters
    const error = await collect(fixture('odd.zip', withPrj(gk('local', 113.5, 500000))), 'shapefile').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ImportFileError);
    expect((error as ImportFileError).code).toBe('import_unsupported_crs');
    expect((error as ImportFileError).params).toMatchObject({ name: 'local', centralMeridian: 113.5 });
  });

  it('refuses archives without exactly one .shp, without a .dbf, and files that are not zips', async () => {
    const one = shapefileZip('a', fields, records);
    const two = zip([
      { name: 'a.shp', data: extract(one, 'a.shp') },
      { name: 'a.dbf', data: extract(one, 'a.dbf') },
      { name: 'sub/b.SHP', data: extract(one, 'a.shp') },
    ]);
    await expectFileError(
      collect(fixture('two.zip', two), 'shapefile'),
      /2 \.shp files \(a\.shp, sub\/b\.SHP\)/,
    );
    const none = zip([{ name: 'readme.txt', data: Buffer.from('hi') }]);
    await expectFileError(
      collect(fixture('none.zip', none), 'shapefile'),
      /no \.shp file \(it holds: readme\.txt\)/,
    );
    const noDbf = zip([{ name: 'a.shp', data: extract(one, 'a.shp') }]);
    await expectFileError(collect(fixture('nodbf.zip', noDbf), 'shapefile'), /no \.dbf/);
    await expectFileError(
      collect(fixture('plain.zip', 'not a zip at all'), 'shapefile'),
      /not a zip archive/,
    );
    const truncatedShp = extract(one, 'a.shp').subarray(0, 150);
    const broken = zip([
      { name: 'a.shp', data: truncatedShp },
      { name: 'a.dbf', data: extract(one, 'a.dbf') },
    ]);
    await expectFileError(
      collect(fixture('trunc.zip', broken), 'shapefile'),
      /\.shp file is truncated at record 1 \(byte offset 100\)/,
    );
  });

  it('reads a zip64 archive with stored and deflated entries', async () => {
    const plain = shapefileZip('网格/grid', fields, records);
    const z64 = zip64Zip([
      { name: '网格/grid.shp', data: extract(plain, '网格/grid.shp'), method: 0 },
      { name: '网格/grid.shx', data: extract(plain, '网格/grid.shx'), method: 8 },
      { name: '网格/grid.dbf', data: extract(plain, '网格/grid.dbf'), method: 8 },
      { name: '网格/grid.prj', data: extract(plain, '网格/grid.prj'), method: 0 },
      { name: '网格/grid.cpg', data: extract(plain, '网格/grid.cpg'), method: 8 },
    ]);
    const file = fixture('zip64.zip', z64);
    const read = await collect(file, 'shapefile');
    expect(read).toHaveLength(3);
    expect(read).toEqual(await collect(fixture('plain.zip', plain), 'shapefile'));
    expect(read[0]!.properties).toEqual(records[0]!.attributes);
    expect((await previewFile(file, 'shapefile')).detectedCrs).toBe('wgs84');

    // the locator pointing one byte off the ZIP64 end of central directory record
    const misplaced = Buffer.from(z64);
    const at = misplaced.length - 22 - 20 + 8;
    misplaced.writeBigUInt64LE(misplaced.readBigUInt64LE(at) - 1n, at);
    await expectFileError(
      collect(fixture('misplaced64.zip', misplaced), 'shapefile'),
      /^the zip archive cannot be read: /,
    );
  });

  it('reports progress up to the zip size and stops when aborted', async () => {
    const file = fixture('progress.zip', shapefileZip('a', fields, records));
    const progress: number[] = [];
    expect(await collect(file, 'shapefile', { onProgress: (b) => progress.push(b) })).toHaveLength(3);
    expect(progress.at(-1)).toBe(statSync(file).size);
    const controller = new AbortController();
    const gen = readRecords(file, 'shapefile', { signal: controller.signal });
    expect((await gen.next()).value?.row).toBe(1);
    controller.abort(new Error('cancelled'));
    await expect(gen.next()).rejects.toThrow('cancelled');
  });
});

/** The bytes of one entry of a zip made by api/lib/shapefile.ts (deflated). */
function extract(archive: Buffer, name: string): Buffer {
  let at = 0;
  while (archive.readUInt32LE(at) === 0x04034b50) {
    const packed = archive.readUInt32LE(at + 18);
    const nameLength = archive.readUInt16LE(at + 26);
    const entryName = archive.toString('utf8', at + 30, at + 30 + nameLength);
    const data = archive.subarray(at + 30 + nameLength, at + 30 + nameLength + packed);
    if (entryName === name) return inflateRawSync(data);
    at += 30 + nameLength + packed;
  }
  throw new Error(`no ${name}`);
}

describe('own code kept for speed, fuzzed', () => {
  /** A small deterministic generator (the same cases every run). */
  const random = (seed: number) => () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };

  it('the GeoJSON streaming reader gives what JSON.parse gives for random collections, at any chunk size', async () => {
    const rand = random(7);
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 2 || r < 0.3) return Math.round(rand() * 1e6) / 100;
      if (r < 0.5) return ['东莞', 'a"b', 'back\\\\slash', '{[', '\u2028', ''][Math.floor(rand() * 6)];
      if (r < 0.6) return null;
      if (r < 0.8) return Array.from({ length: Math.floor(rand() * 3) }, () => value(depth + 1));
      return Object.fromEntries(
        Array.from({ length: Math.floor(rand() * 3) }, (_, i) => [`k${i}`, value(depth + 1)]),
      );
    };
    for (let n = 0; n < 30; n++) {
      const features = Array.from({ length: 1 + Math.floor(rand() * 20) }, (_, i) => ({
        type: 'Feature',
        id: i,
        properties: { name: `f${i}`, v: value(0) },
        geometry: { type: 'Point', coordinates: [113 + rand(), 22 + rand()] },
      }));
      const text = JSON.stringify({ type: 'FeatureCollection', name: value(0), features }, null, n % 3);
      const file = fixture('fuzz.geojson', text);
      const chunkBytes = 1 + Math.floor(rand() * 200);
      const read = await drain(readGeojson(file, { chunkBytes }, { detectedCrs: null }));
      expect(read.map((r) => r.geometry?.coordinates)).toEqual(features.map((f) => f.geometry.coordinates));
      expect(read.map((r) => r.properties.name)).toEqual(features.map((f) => f.properties.name));
    }
  });

  it(
    'the GeoJSON streaming reader refuses or reads mutated files, never throws anything else or hangs',
    { timeout: 60_000 },
    async () => {
      const rand = random(11);
      const seed = JSON.stringify({
        type: 'FeatureCollection',
        features: Array.from({ length: 5 }, (_, i) => ({
          type: 'Feature',
          properties: { name: `名称${i}`, s: 'x"y\\z' },
          geometry: {
            type: 'Polygon',
            coordinates: [
              [
                [0, 0],
                [1, 0],
                [1, 1],
                [0, 0],
              ],
            ],
          },
        })),
      });
      const alphabet = '{}[]":,\\ 0123456789-eE.nultrufas\n';
      for (let n = 0; n < 400; n++) {
        let text = seed;
        for (let k = Math.floor(rand() * 6); k >= 0; k--) {
          const at = Math.floor(rand() * text.length);
          const ch = alphabet[Math.floor(rand() * alphabet.length)]!;
          const op = Math.floor(rand() * 3);
          text =
            op === 0
              ? text.slice(0, at) + ch + text.slice(at)
              : op === 1
                ? text.slice(0, at) + text.slice(at + 1)
                : text.slice(0, at) + ch + text.slice(at + 1);
        }
        const file = fixture('mutated.geojson', text);
        try {
          for (const r of await drain(
            readGeojson(file, { chunkBytes: 1 + (n % 50) }, { detectedCrs: null }),
          )) {
            expect(r.row).toBeGreaterThan(0);
          }
        } catch (e) {
          expect(e).toBeInstanceOf(ImportFileError);
        }
      }
    },
  );

  it('the encoding sniffer answers UTF-8 exactly for valid UTF-8 and GB18030 otherwise, for random bytes', async () => {
    const { sniffEncoding } = await import('../../api/lib/import-readers/text-decoding.ts');
    const { isUtf8 } = await import('node:buffer');
    const rand = random(3);
    for (let n = 0; n < 2000; n++) {
      const bytes = Buffer.from(
        n % 2
          ? Array.from({ length: Math.floor(rand() * 64) }, () => Math.floor(rand() * 256))
          : [...Buffer.from(`测试${n}`.repeat(1 + (n % 5)))].map((b) =>
              rand() < 0.05 ? Math.floor(rand() * 256) : b,
            ),
      );
      const bom =
        bytes[0] === 0xff && bytes[1] === 0xfe
          ? 'utf-16le'
          : bytes[0] === 0xfe && bytes[1] === 0xff
            ? 'utf-16be'
            : null;
      const got = sniffEncoding(bytes);
      if (bom) expect(got).toBe(bom);
      else if (isUtf8(bytes)) expect(got).toBe('utf-8');
      else expect(['utf-8', 'gb18030']).toContain(got);
    }
  });
});
