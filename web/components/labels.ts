import type { IncidentStatus, Team } from '../api/client.ts';
import type { I18n, MessageKey } from '../i18n.ts';
import type { ToggleId } from '../map/layers/types.ts';

/** The states of a city component (部件) the tiles and filters carry. */
type ComponentStatus = 'normal' | 'damaged' | 'missing' | 'removed';

type KnownStatus = Team['status'] | IncidentStatus | ComponentStatus;

/** The name of every status of teams, incidents and components (a missing one fails the typecheck). */
const STATUS_NAME: Record<KnownStatus, MessageKey> = {
  available: 'st.available',
  dispatched: 'st.dispatched',
  on_scene: 'st.on_scene',
  off_duty: 'st.off_duty',
  reported: 'st.reported',
  accepted: 'st.accepted',
  resolved: 'st.resolved',
  verified: 'st.verified',
  closed: 'st.closed',
  rejected: 'st.rejected',
  merged: 'st.merged',
  normal: 'st.normal',
  damaged: 'st.damaged',
  missing: 'st.missing',
  removed: 'st.removed',
};

/** Translated name of a status code (teams, incidents, components); the code itself if unknown. */
export function statusName(t: I18n['t'], status: string): string {
  return isKnownStatus(status) ? t(STATUS_NAME[status]) : status;
}

function isKnownStatus(status: string): status is KnownStatus {
  return Object.hasOwn(STATUS_NAME, status);
}

/** The name of each layer switch (areas and feature layers). */
export const LAYER_NAME: Record<ToggleId, MessageKey> = {
  towns: 'layer.towns',
  villages: 'layer.villages',
  grids: 'layer.grids',
  sites: 'layer.sites',
  components: 'layer.components',
  risk_sources: 'layer.risk_sources',
  cameras: 'layer.cameras',
  teams: 'layer.teams',
  incidents: 'layer.incidents',
};
