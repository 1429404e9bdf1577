/** Reading geodata/reference/categories.csv (site kinds, components, risk sources, incident categories). */
import { readFileSync } from 'node:fs';

/** One row of categories.csv. */
export interface Category {
  code: string;
  kind: 'site' | 'component' | 'risk_source' | 'incident';
  parentCode: string | null;
  nameZh: string;
  nameEn: string;
  deadlineAmount: number | null;
  deadlineUnit: 'working_hours' | 'working_days' | null;
  teamCapability: string | null;
  defaultPriority: number | null;
}

/** Split one CSV line (RFC 4180 quoting, no embedded newlines). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (q) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          cur += '"';
          i++;
        } else q = false;
      } else cur += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** Parse categories.csv text. */
export function parseCategories(text: string): Category[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines.shift();
  if (
    header !==
    'code,kind,parent_code,name_zh,name_en,deadline_amount,deadline_unit,team_capability,default_priority'
  ) {
    throw new Error(`categories.csv: unexpected header ${header}`);
  }
  return lines.map((l) => {
    const [code = '', kind = '', parent = '', zh = '', en = '', amt = '', unit = '', cap = '', prio = ''] =
      splitCsvLine(l);
    return {
      code,
      kind: kind as Category['kind'],
      parentCode: parent || null,
      nameZh: zh,
      nameEn: en,
      deadlineAmount: amt ? Number(amt) : null,
      deadlineUnit: (unit || null) as Category['deadlineUnit'],
      teamCapability: cap || null,
      defaultPriority: prio ? Number(prio) : null,
    };
  });
}

/** Load categories.csv from a path. */
export function loadCategories(path: string): Category[] {
  return parseCategories(readFileSync(path, 'utf8'));
}
