import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { getTeams, type TeamList } from '../api/client.ts';
import { queryKey } from '../api/query.ts';
import { DEFAULT_FIX_MAX_AGE_S, type TeamFreshness } from './layers/types.ts';

/** How often the time "now" of stale marking moves on (ms). */
const TICK_MS = 60_000;

function maxAgeOf(list: TeamList): number {
  return list.fixMaxAgeS;
}

/**
 * When team positions count as stale: the API's freshness limit (fixMaxAgeS of /api/teams, asked
 * once; 15 minutes until it answers or if it fails) and the time now, moved on every minute.
 */
export function useTeamFreshness(): TeamFreshness {
  const limit = useQuery({
    queryKey: queryKey('teams', 'freshness-limit'),
    queryFn: ({ signal }) => getTeams({ limit: 1 }, signal),
    select: maxAgeOf,
    // a setting of the server: team movements (live events) do not change it
    staleTime: 'static',
    // the default limit stays if it fails: marking is a hint, not a decision
    retry: false,
  });
  const maxAgeS = limit.data ?? DEFAULT_FIX_MAX_AGE_S;
  const [nowS, setNowS] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const timer = setInterval(() => setNowS(Math.floor(Date.now() / 1000)), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  return useMemo(() => ({ maxAgeS, nowS }), [maxAgeS, nowS]);
}
