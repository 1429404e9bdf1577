import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, csvField, csvLine } from '../../api/lib/csv.ts';
import { openTestApp, type Client, type TestApp } from './template.ts';

describe('the CSV quoter', () => {
  it('writes text starting with = + - @ tab or CR behind an apostrophe, quoted where RFC 4180 says', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1+2')).toBe("'+1+2");
    expect(csvCell('-2+3+cmd')).toBe("'-2+3+cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1+1')).toBe("'\t=1+1");
    expect(csvCell('\r=1+1')).toBe(`"'\r=1+1"`);
    // text that only contains such characters later is left alone
    expect(csvCell('a=b, c')).toBe('"a=b, c"');
    expect(csvCell('东莞市常平镇')).toBe('东莞市常平镇');
  });

  it('decides by type: numbers (negative ones too) and booleans stay as they are', () => {
    expect(csvCell(-1.5)).toBe('-1.5');
    expect(csvCell(-113.75)).toBe('-113.75');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(false)).toBe('false');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell({ a: '=1' })).toBe('"{""a"":""=1""}"');
    expect(csvLine(['=1', -1.5, 'x'])).toBe("'=1,-1.5,x\r\n");
  });

  it('writes values exactly for files read back by the database (COPY), the empty string apart from NULL', () => {
    expect(csvField('=1+1')).toBe('=1+1');
    expect(csvField('')).toBe('""');
    expect(csvField(null)).toBe('');
    expect(csvField('a "b"')).toBe('"a ""b"""');
  });
});

describe('the rejected rows of an import', () => {
  let t: TestApp;
  let cp: Client;
  beforeAll(async () => {
    t = await openTestApp();
    cp = await t.as('changping');
  });
  afterAll(() => t.close());

  it('download with formulas written as text', async () => {
    const at = (
      await t.db.query<{ x: number; y: number }>(
        `SELECT ST_X(geom) x, ST_Y(geom) y FROM sites WHERE grid_code LIKE '441900110%' ORDER BY id LIMIT 1`,
      )
    ).rows[0]!;
    const csv =
      '名称,类型,经度,纬度,@备注\r\n' +
      `"=HYPERLINK(""http://x"",""y"")",NOPE,${at.x},${at.y},+86 769 1234\r\n` +
      `普通名称,NOPE,${at.x},${at.y},备注\r\n`;
    const up = await cp.inject({
      method: 'POST',
      url: `/api/imports?layer=sites&filename=${encodeURIComponent('formula.csv')}`,
      headers: { 'content-type': 'application/octet-stream' },
      payload: csv,
    });
    expect(up.statusCode, up.body).toBe(201);
    const id = up.json().id as number;
    const run = await cp.inject({
      method: 'POST',
      url: `/api/imports/${id}/run`,
      payload: {
        mapping: { name: '名称', kind: '类型' },
        crs: 'wgs84',
        coordinates: { lon: '经度', lat: '纬度' },
      },
    });
    expect(run.statusCode, run.body).toBe(202);
    for (let i = 0; ; i++) {
      const job = (await cp.inject(`/api/imports/${id}`)).json() as { status: string };
      if (job.status !== 'running') {
        expect(job.status).toBe('rejected');
        break;
      }
      if (i > 2000) throw new Error('the import did not finish');
      await new Promise((r) => setTimeout(r, 25));
    }
    const file = await cp.inject(`/api/imports/${id}/rejections`);
    expect(file.statusCode, file.body).toBe(200);
    const lines = file.body
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe("名称,类型,经度,纬度,'@备注,_row,_reason,_message");
    expect(lines[1]).toBe(
      `"'=HYPERLINK(""http://x"",""y"")",NOPE,${at.x},${at.y},'+86 769 1234,1,unknown_category,未知的场所类型“NOPE”`,
    );
    expect(lines[2]).toBe(`普通名称,NOPE,${at.x},${at.y},备注,2,unknown_category,未知的场所类型“NOPE”`);
  });
});
