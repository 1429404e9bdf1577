/**
 * Failpoints: named places where a test can make this process die at once (SIGKILL, as
 * a power cut or the OOM killer would), to prove that what was committed survives and
 * that a client's retry neither loses nor duplicates anything. Armed only through
 * RISKMAP_FAILPOINTS (comma-separated names), which nothing but tests sets.
 */
const armed = new Set((process.env.RISKMAP_FAILPOINTS ?? '').split(',').filter(Boolean));

/** The failpoints a process can be asked to die at. */
export type Failpoint = 'incident-intake-committed';

/** Kills this process on the spot when `name` is armed; does nothing otherwise. */
export function failpoint(name: Failpoint): void {
  if (armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
