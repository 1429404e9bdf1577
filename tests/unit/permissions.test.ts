import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../api/config.ts';
import {
  PERMISSIONS,
  ROLE_PERMISSIONS,
  ROLES,
  permissionTableMarkdown,
  roleHas,
} from '../../api/auth/permissions.ts';

describe('the role table', () => {
  it('is the table the README shows', () => {
    const readme = readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(permissionTableMarkdown());
  });

  it('gives every role read, only admin manage_users, and keeps dispatch away from field and viewer roles', () => {
    for (const r of ROLES) expect(roleHas(r, 'read')).toBe(true);
    expect(ROLES.filter((r) => roleHas(r, 'manage_users'))).toEqual(['admin']);
    expect(roleHas('grid_worker', 'dispatch')).toBe(false);
    expect(roleHas('viewer', 'report')).toBe(false);
    expect(ROLE_PERMISSIONS.admin).toEqual(PERMISSIONS);
  });
});
