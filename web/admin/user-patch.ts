import type { Role, User, UserPatchBody } from '../api/client.ts';
import { splitList } from '../lib/format.ts';

/** What the user editor holds: the fields as typed. */
export interface UserDraft {
  displayName: string;
  role: Role;
  homeAreaCode: string;
  /** Grants as typed: codes separated by commas or spaces. */
  grants: string;
  disabled: boolean;
  /** A new password; '' keeps the current one. */
  password: string;
}

/** The editor's starting point for a user. */
export function draftOf(user: User): UserDraft {
  return {
    displayName: user.displayName,
    role: user.role,
    homeAreaCode: user.homeAreaCode,
    grants: user.grants.join(', '),
    disabled: user.disabled,
    password: '',
  };
}

/** Only what the draft changes of the user (an empty patch: nothing to send). */
export function userPatch(user: User, draft: UserDraft): UserPatchBody {
  const patch: UserPatchBody = {};
  const displayName = draft.displayName.trim();
  if (displayName !== user.displayName) patch.displayName = displayName;
  if (draft.role !== user.role) patch.role = draft.role;
  if (draft.homeAreaCode !== user.homeAreaCode) patch.homeAreaCode = draft.homeAreaCode;
  if (draft.disabled !== user.disabled) patch.disabled = draft.disabled;
  if (draft.password) patch.password = draft.password;
  const grants = splitList(draft.grants);
  if (grants.join(',') !== user.grants.join(',')) patch.grants = grants;
  return patch;
}
