import type { Map as MapLibreMap } from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import type { AroundResult, ExposureResult } from '../api/client.ts';
import { errorMessage } from '../lib/error-message.ts';
import { useI18n } from '../i18n.ts';
import type { Analysis } from '../map/layers/index.ts';
import { analysisReducer, INITIAL_ANALYSIS } from './analysis-state.ts';
import { useAnalysisResult } from './queries.ts';

/** Room around fitted boxes: the panels float left and right. */
export const FIT_PADDING = { top: 60, bottom: 60, left: 280, right: 360 };

/**
 * "What is around a point" (armed by the header button, then a click on the map) and a risk
 * source's impact zone: the request, its answer and the controls. The state machine is
 * analysisReducer; an impact zone, once known, is shown whole on `map`.
 */
export function useAnalysis(map: MapLibreMap | null) {
  const { t } = useI18n();
  const [state, dispatch] = useReducer(analysisReducer, INITIAL_ANALYSIS);
  const { armed, request } = state;
  const answer = useAnalysisResult(request);

  const analysis = useMemo<Analysis | null>(() => {
    if (!request) return null;
    return request.kind === 'around'
      ? { ...request, result: (answer.data as AroundResult | undefined) ?? null }
      : { ...request, result: (answer.data as ExposureResult | undefined) ?? null };
  }, [request, answer.data]);

  const startAround = useCallback((center: [number, number]) => dispatch({ type: 'around', center }), []);
  const startExposure = useCallback((sourceId: number) => dispatch({ type: 'exposure', sourceId }), []);
  const setRadius = useCallback((radius: number) => dispatch({ type: 'radius', radius }), []);
  const toggleArmed = useCallback(() => dispatch({ type: 'toggle-armed' }), []);
  const disarm = useCallback(() => dispatch({ type: 'disarm' }), []);
  const close = useCallback(() => dispatch({ type: 'close' }), []);

  // Escape leaves the pick-a-point mode.
  useEffect(() => {
    if (!armed) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') dispatch({ type: 'disarm' });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [armed]);

  // An impact zone: show all of it.
  const exposure = analysis?.kind === 'exposure' ? analysis.result : null;
  useEffect(() => {
    if (!map || !exposure) return;
    const { lon, lat, impactRadiusM } = exposure.source;
    const dLat = impactRadiusM / 111_320;
    const dLon = dLat / Math.cos((lat * Math.PI) / 180);
    map.fitBounds(
      [
        [lon - dLon, lat - dLat],
        [lon + dLon, lat + dLat],
      ],
      { padding: FIT_PADDING, maxZoom: 16 },
    );
  }, [map, exposure]);

  return {
    armed,
    toggleArmed,
    disarm,
    analysis,
    loading: answer.isFetching,
    error: answer.error ? errorMessage(answer.error, t) : null,
    startAround,
    startExposure,
    setRadius,
    close,
  };
}
