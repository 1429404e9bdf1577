import type { Map as MapLibreMap } from 'maplibre-gl';
import { useEffect, useReducer, useRef } from 'react';
import { INITIAL_VIEW } from '../map/map-view.tsx';
import type { Alarm } from './alarm-queue.ts';
import { beep } from './beep.ts';
import { currentView, rotationReducer, ROTATION_START } from './rotation.ts';
import { unionBox, type ScreenTown } from './screen-data.ts';

/** Each view of the rotation stays this long (ms). */
const ROTATE_MS = 30_000;

/** An alarm banner stays this long (ms) unless dismissed; the next one follows. */
const ALARM_MS = 20_000;

/**
 * The rotating views: every ROTATE_MS the next of `views`, unless paused (an alarm is shown,
 * or a playback). Returns the view shown and its place in the list.
 */
export function useRotation(views: readonly string[], paused: boolean): { view: string; at: number } {
  const [state, dispatch] = useReducer(rotationReducer, ROTATION_START);
  const count = views.length;
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(() => dispatch({ type: 'next', count }), ROTATE_MS);
    return () => clearInterval(timer);
  }, [paused, count]);
  return currentView(views, state);
}

/**
 * The camera of the live map: it frames the view of the rotation (a town, or every town for the
 * city), between the side panels; an alarm flies to its incident (with a beep if the sound is
 * on), and after ALARM_MS the alarm is done with.
 */
export function useScreenCamera(
  map: MapLibreMap | null,
  view: string,
  towns: readonly ScreenTown[],
  alarm: Alarm | null,
  sound: boolean,
  dismissAlarm: (id: number) => void,
): void {
  // read when an alarm comes: turning the sound on or off does not replay it
  const soundOn = useRef(sound);
  useEffect(() => {
    soundOn.current = sound;
  }, [sound]);

  useEffect(() => {
    if (!alarm) return;
    if (soundOn.current) beep();
    map?.flyTo({ center: alarm.position, zoom: 15, essential: true, duration: 2500 });
    const timer = setTimeout(() => dismissAlarm(alarm.id), ALARM_MS);
    return () => clearTimeout(timer);
  }, [alarm, map, dismissAlarm]);

  const alarmOn = alarm !== null;
  useEffect(() => {
    if (!map || alarmOn) return;
    const w = map.getContainer().clientWidth;
    const h = map.getContainer().clientHeight;
    const padding = { top: h * 0.16, bottom: h * 0.06, left: w * 0.27, right: w * 0.27 };
    const town = towns.find((tw) => tw.code === view);
    const box = town ? town.bbox : unionBox(towns);
    if (!box) {
      map.flyTo({ center: INITIAL_VIEW.center, zoom: INITIAL_VIEW.zoom, essential: true });
      return;
    }
    map.fitBounds(
      [
        [box[0], box[1]],
        [box[2], box[3]],
      ],
      { padding, maxZoom: 14, duration: 3000, essential: true },
    );
  }, [map, view, towns, alarmOn]);
}
