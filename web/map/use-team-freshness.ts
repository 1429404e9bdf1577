import { useEffect, useMemo, useState } from 'react';
import { getTeams } from '../api/client.ts';
import { DEFAULT_FIX_MAX_AGE_S, type TeamFreshness } from './layers/types.ts';

/** How often the time "now" of stale marking moves on (ms). */
const TICK_MS = 60_000;

/**
 * When team positions count as stale: the API's freshness limit (fixMaxAgeS of /api/teams, asked
 * once; 15 minutes until it answers or if it fails) and the time now, moved on every minute.
 */
export function useTeamFreshness(): TeamFreshness {
  const [maxAgeS, setMaxAgeS] = useState(DEFAULT_FIX_MAX_AGE_S);
  const [nowS, setNowS] = useState(() => Math.floor(Date.now() / 1000));
  useEffect(() => {
    const controller = new AbortController();
    getTeams({ limit: 1 }, controller.signal).then(
      (r) => setMaxAgeS(r.fixMaxAgeS),
      () => {
        // the default limit stays: marking is a hint, not a decision
      },
    );
    const timer = setInterval(() => setNowS(Math.floor(Date.now() / 1000)), TICK_MS);
    return () => {
      controller.abort();
      clearInterval(timer);
    };
  }, []);
  return useMemo(() => ({ maxAgeS, nowS }), [maxAgeS, nowS]);
}
