import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import {
  createApiKey,
  createUser,
  getAreas,
  listApiKeys,
  listAudit,
  listUsers,
  revokeApiKey,
  updateUser,
  type ApiKey,
  type AreaCollection,
  type AuditQuery,
  type NewApiKeyBody,
  type NewUserBody,
  type User,
  type UserPatchBody,
} from '../api/client.ts';
import { invalidateRoots, queryKey, type QueryRoot } from '../api/query.ts';

const USERS = queryKey('users', 'list');
const API_KEYS = queryKey('api-keys', 'list');

/** Records per page of the audit log. */
export const AUDIT_PAGE_SIZE = 50;

/** After a change: the lists it touched, and the audit log, which records every change. */
function useInvalidate(...roots: QueryRoot[]) {
  const client = useQueryClient();
  return () => invalidateRoots(client, [...roots, 'audit']);
}

/** The users in my area. */
export function useUsers() {
  return useQuery({ queryKey: USERS, queryFn: ({ signal }) => listUsers(signal) });
}

/** Creates a user; refreshes the users and the audit log. */
export function useCreateUser() {
  const invalidate = useInvalidate('users');
  return useMutation({ mutationFn: (body: NewUserBody) => createUser(body), onSuccess: invalidate });
}

/** Changes a user (only the fields given); the answer replaces the row at once, then the list reloads. */
export function useUpdateUser() {
  const client = useQueryClient();
  const invalidate = useInvalidate('users');
  return useMutation({
    mutationFn: ({ id, patch }: { id: number; patch: UserPatchBody }) => updateUser(id, patch),
    onSuccess: (user) => {
      client.setQueryData<User[]>(USERS, (list) => list?.map((u) => (u.id === user.id ? user : u)));
      return invalidate();
    },
  });
}

/** The API keys (never their secrets). */
export function useApiKeys() {
  return useQuery({ queryKey: API_KEYS, queryFn: ({ signal }) => listApiKeys(signal) });
}

/** Creates a key: the answer carries its secret, this once. */
export function useCreateApiKey() {
  const invalidate = useInvalidate('api-keys');
  return useMutation({ mutationFn: (body: NewApiKeyBody) => createApiKey(body), onSuccess: invalidate });
}

/** Revokes a key; the answer replaces the row at once. */
export function useRevokeApiKey() {
  const client = useQueryClient();
  const invalidate = useInvalidate('api-keys');
  return useMutation({
    mutationFn: (id: number) => revokeApiKey(id),
    onSuccess: (revoked) => {
      client.setQueryData<ApiKey[]>(API_KEYS, (list) =>
        list?.map((k) => (k.id === revoked.id ? revoked : k)),
      );
      return invalidate();
    },
  });
}

/**
 * The audit log under a filter, newest first, a page at a time ("more" pages on from the last
 * id); the records of the previous filter stay shown until the new ones arrive.
 */
export function useAudit(filter: AuditQuery) {
  return useInfiniteQuery({
    queryKey: queryKey('audit', filter),
    queryFn: ({ pageParam, signal }) =>
      listAudit({ ...filter, before: pageParam, limit: AUDIT_PAGE_SIZE }, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => (page.length < AUDIT_PAGE_SIZE ? undefined : page[page.length - 1]?.id),
    placeholderData: keepPreviousData,
  });
}

/** An area as the pickers list it. */
export interface NamedArea {
  code: string;
  name: string;
}

function named(collection: AreaCollection): NamedArea[] {
  return collection.features
    .map((f) => ({ code: f.properties.code, name: f.properties.name }))
    .sort((a, b) => a.code.localeCompare(b.code));
}

/** The towns (names only), shared by every area picker. */
export function useTownNames() {
  return useQuery({
    queryKey: queryKey('areas', 'names', 'town'),
    queryFn: ({ signal }) => getAreas({ level: 'town', geometry: false }, signal),
    select: named,
  });
}

/** The villages of a town (names only); none without a town. */
export function useVillageNames(town: string) {
  return useQuery({
    queryKey: queryKey('areas', 'names', 'village', town),
    queryFn: ({ signal }) => getAreas({ level: 'village', parent: town, geometry: false }, signal),
    select: named,
    enabled: town !== '',
  });
}
