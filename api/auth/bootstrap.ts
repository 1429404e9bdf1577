import type { Role } from './permissions.ts';
import { hashPassword, randomToken } from './password.ts';
import type { Database } from '../db/database.ts';
import { countUsers, insertSystemUser } from '../db/user-repository.ts';

/** The demo users of the sample city: one per role (README lists them). */
export const DEMO_USERS: ReadonlyArray<{
  username: string;
  displayName: string;
  role: Role;
  homeAreaCode: string;
}> = [
  { username: 'commander', displayName: '市指挥中心 指挥长', role: 'commander', homeAreaCode: '441900' },
  {
    username: 'changping',
    displayName: '常平镇 统筹员',
    role: 'town_coordinator',
    homeAreaCode: '441900110',
  },
  { username: 'humen', displayName: '虎门镇 统筹员', role: 'town_coordinator', homeAreaCode: '441900121' },
  {
    username: 'changping-sq',
    displayName: '常平社区 统筹员',
    role: 'village_coordinator',
    homeAreaCode: '441900110002',
  },
  { username: 'dispatcher-cp', displayName: '常平镇 调度员', role: 'dispatcher', homeAreaCode: '441900110' },
  {
    username: 'gridworker-cp',
    displayName: '常平社区第1网格 网格员',
    role: 'grid_worker',
    homeAreaCode: '441900110002001',
  },
  { username: 'viewer', displayName: '访客', role: 'viewer', homeAreaCode: '441900' },
];

export const DEFAULT_DEMO_PASSWORD = 'riskmap-demo-2026';

/**
 * On a database without users, creates `admin` with `adminPassword` (or a random
 * one, returned so the caller prints it once) and, when `demo` is set, the demo users.
 * Returns the generated admin password, or null when none was generated.
 */
export async function ensureAccounts(
  db: Database,
  opts: { adminPassword?: string; demo: boolean; demoPassword?: string },
): Promise<{ generatedAdminPassword: string | null; created: boolean }> {
  if ((await countUsers(db)) > 0) return { generatedAdminPassword: null, created: false };
  const generated = opts.adminPassword ? null : randomToken(12);
  const adminHash = await hashPassword(opts.adminPassword ?? generated!);
  const demoHash = opts.demo ? await hashPassword(opts.demoPassword ?? DEFAULT_DEMO_PASSWORD) : null;
  await db.transaction(async (tx) => {
    await insertSystemUser(tx, {
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      homeAreaCode: '441900',
      passwordHash: adminHash,
    });
    if (demoHash) for (const u of DEMO_USERS) await insertSystemUser(tx, { ...u, passwordHash: demoHash });
  });
  return { generatedAdminPassword: generated, created: true };
}
