import { describe, expect, it } from 'vitest';
import {
  isAncestorOfScope,
  scopeCovers,
  scopeSql,
  scopeSqlWithAncestors,
  type Scope,
} from '../../api/auth/scope.ts';

const scope = (areaCode: string, grants: string[] = []): Scope => ({
  kind: 'user',
  id: 1,
  name: 'u',
  role: 'town_coordinator',
  permissions: new Set(['read']),
  areaCode,
  grants,
});

describe('scope', () => {
  it('covers the subtree of the home area by code prefix', () => {
    const changping = scope('441900110');
    expect(scopeCovers(changping, '441900110')).toBe(true);
    expect(scopeCovers(changping, '441900110002')).toBe(true);
    expect(scopeCovers(changping, '441900110002001')).toBe(true);
    expect(scopeCovers(changping, '441900121')).toBe(false);
    expect(scopeCovers(changping, '441900121001001')).toBe(false);
    expect(scopeCovers(changping, null)).toBe(false);
  });

  it('lets a city-wide scope cover everything, even things outside all areas', () => {
    expect(scopeCovers(scope('441900'), '441900121')).toBe(true);
    expect(scopeCovers(scope('441900'), null)).toBe(true);
  });

  it('adds explicit grants', () => {
    const s = scope('441900121', ['441900110']);
    expect(scopeCovers(s, '441900110002')).toBe(true);
    expect(scopeCovers(s, '441900119')).toBe(false);
  });

  it('knows the ancestors of the home area', () => {
    const s = scope('441900110002');
    expect(isAncestorOfScope(s, '441900')).toBe(true);
    expect(isAncestorOfScope(s, '441900110')).toBe(true);
    expect(isAncestorOfScope(s, '441900121')).toBe(false);
  });

  it('builds parameterised SQL, and no condition for the city', () => {
    const params: unknown[] = ['x'];
    expect(scopeSql(scope('441900110', ['441900121']), 't.code', params)).toBe(
      '(t.code LIKE ANY ($2::text[]))',
    );
    expect(params).toEqual(['x', ['441900110%', '441900121%']]);
    const none: unknown[] = [];
    expect(scopeSql(scope('441900'), 't.code', none)).toBe('TRUE');
    expect(scopeSqlWithAncestors(scope('441900'), 'code', none)).toBe('TRUE');
    expect(none).toEqual([]);
  });
});
