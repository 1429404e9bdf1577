import { describe, expect, it } from 'vitest';
import type { User } from '../../web/api/client.ts';
import { draftOf, userPatch } from '../../web/admin/user-patch.ts';

const user = {
  id: 12,
  username: 'changping',
  displayName: '常平镇管理员',
  role: 'town_coordinator',
  homeAreaCode: '441900115',
  grants: ['441900116', '441900117'],
  disabled: false,
  lockedUntil: null,
  homeAreaName: '常平镇',
} as unknown as User;

describe('the user editor sends only what changed', () => {
  it('sends nothing when nothing changed (grants retyped the same way count as unchanged)', () => {
    expect(userPatch(user, draftOf(user))).toEqual({});
    expect(userPatch(user, { ...draftOf(user), grants: '441900116，441900117  441900116' })).toEqual({});
    expect(userPatch(user, { ...draftOf(user), displayName: ' 常平镇管理员 ' })).toEqual({});
  });

  it('sends each changed field, the name trimmed', () => {
    const patch = userPatch(user, {
      displayName: ' 常平 ',
      role: 'viewer',
      homeAreaCode: '441900116',
      grants: '',
      disabled: true,
      password: 'a new long password',
    });
    expect(patch).toEqual({
      displayName: '常平',
      role: 'viewer',
      homeAreaCode: '441900116',
      grants: [],
      disabled: true,
      password: 'a new long password',
    });
  });

  it('an empty password keeps the current one', () => {
    expect(userPatch(user, { ...draftOf(user), password: '' })).not.toHaveProperty('password');
  });
});
