import {
  LngLat,
  LngLatBounds,
  type LngLatBoundsLike,
  type LngLatLike,
  type Map as MapLibreMap,
} from 'maplibre-gl';
import { NO_SHIFT, shiftGeoJson, type DisplayShift, type LonLat } from './display-shift.ts';

/**
 * What stands behind a map handed to the app: the MapLibre map itself, which draws in the
 * basemap's coordinates, and the shift between those and the stored WGS84 positions.
 */
interface DisplayHandle {
  raw: MapLibreMap;
  shift: DisplayShift;
  /** Called after the shift changed (the user chose another basemap). */
  listeners: Set<() => void>;
  /** The stored (unshifted) data of the GeoJSON sources the app added, by source id. */
  geojson: Map<string, unknown>;
}

const handles = new WeakMap<object, DisplayHandle>();

/** The MapLibre map behind an app-facing map (itself when it is not one). */
export function rawMap(map: MapLibreMap): MapLibreMap {
  return handles.get(map)?.raw ?? map;
}

/** The shift of an app-facing map; none for any other map (e.g. the report page's own map). */
export function displayShiftOf(map: MapLibreMap): DisplayShift {
  return handles.get(map)?.shift ?? NO_SHIFT;
}

/** Calls `listener` whenever the shift of `map` changes; returns the unsubscribe function. */
export function onDisplayShiftChange(map: MapLibreMap, listener: () => void): () => void {
  const h = handles.get(map);
  if (!h) return () => undefined;
  h.listeners.add(listener);
  return () => h.listeners.delete(listener);
}

function lonLatOf(p: LngLatLike): LonLat {
  const ll = LngLat.convert(p);
  return [ll.lng, ll.lat];
}

function toDisplay(h: DisplayHandle, p: LngLatLike): LngLat {
  return new LngLat(...h.shift.toDisplay(lonLatOf(p)));
}

function fromDisplay(h: DisplayHandle, p: LngLatLike): LngLat {
  return new LngLat(...h.shift.fromDisplay(lonLatOf(p)));
}

/** A box converted through its four corners (the shift is not a pure translation). */
function convertBounds(b: LngLatBoundsLike, f: (p: LonLat) => LonLat): LngLatBounds {
  const box = LngLatBounds.convert(b);
  const w = box.getWest();
  const s = box.getSouth();
  const e = box.getEast();
  const n = box.getNorth();
  const out = new LngLatBounds();
  for (const corner of [
    [w, s],
    [w, n],
    [e, s],
    [e, n],
  ] as LonLat[]) {
    out.extend(f(corner));
  }
  return out;
}

/** Camera options with `center` and `around` in display coordinates. */
function cameraToDisplay<O>(h: DisplayHandle, options: O): O {
  if (!options || typeof options !== 'object') return options;
  const o = { ...(options as Record<string, unknown>) };
  if (o.center !== undefined) o.center = toDisplay(h, o.center as LngLatLike);
  if (o.around !== undefined) o.around = toDisplay(h, o.around as LngLatLike);
  return o as O;
}

/** Events already given WGS84 positions (one event reaches several listeners). */
const convertedEvents = new WeakSet<object>();

function eventFromDisplay<E>(h: DisplayHandle, event: E): E {
  if (h.shift.crs === 'wgs84' || !event || typeof event !== 'object' || convertedEvents.has(event))
    return event;
  convertedEvents.add(event);
  const e = event as { lngLat?: unknown; lngLats?: unknown };
  if (e.lngLat instanceof LngLat) e.lngLat = fromDisplay(h, e.lngLat);
  if (Array.isArray(e.lngLats)) e.lngLats = e.lngLats.map((p: LngLat) => fromDisplay(h, p));
  return event;
}

/** GeoJSON source data as drawn: shifted when it is an object (a URL is loaded as it is). */
function sourceData(h: DisplayHandle, data: unknown): unknown {
  return typeof data === 'object' && data !== null ? shiftGeoJson(data, h.shift) : data;
}

type Listener = (event: unknown) => void;

/**
 * The map the app works with: the MapLibre map, but speaking WGS84 whatever the basemap. With a
 * GCJ-02 basemap, positions going in (camera targets, fitBounds, project, GeoJSON sources and
 * markers, which place themselves through project) are shifted for display, and positions coming
 * out (getCenter, getBounds, unproject, the lngLat of mouse and touch events) are turned back. The
 * app's code stays unaware of the shift. MapLibre's own code always sees the map itself (methods
 * run on it directly), so its internal calls are never converted twice; deck.gl is given the map
 * itself too (see DeckOverlay). Features returned by queryRenderedFeatures keep display coordinates
 * (the app reads only their properties).
 */
export function displayMap(raw: MapLibreMap, shift: DisplayShift): MapLibreMap {
  const h: DisplayHandle = { raw, shift, listeners: new Set(), geojson: new Map() };
  const wrappedListeners = new WeakMap<Listener, Listener>();
  const wrap = (listener: Listener): Listener => {
    let w = wrappedListeners.get(listener);
    if (!w) {
      w = (event) => listener(eventFromDisplay(h, event));
      wrappedListeners.set(listener, w);
    }
    return w;
  };
  /** on/once/off take (type, listener) or (type, layerIds, listener): the listener is last. */
  const withWrappedListener = (args: unknown[]): unknown[] => {
    const last = args[args.length - 1];
    return typeof last === 'function' ? [...args.slice(0, -1), wrap(last as Listener)] : args;
  };
  const sourceProxies = new WeakMap<object, unknown>();
  const overrides: Record<string, unknown> = {
    project: (p: LngLatLike) => raw.project(toDisplay(h, p)),
    unproject: (p: Parameters<MapLibreMap['unproject']>[0]) => fromDisplay(h, raw.unproject(p)),
    getCenter: () => fromDisplay(h, raw.getCenter()),
    setCenter: (c: LngLatLike, data?: unknown) => raw.setCenter(toDisplay(h, c), data as never),
    getBounds: () => convertBounds(raw.getBounds(), (p) => h.shift.fromDisplay(p)),
    jumpTo: (o: object, data?: unknown) => raw.jumpTo(cameraToDisplay(h, o), data as never),
    easeTo: (o: object, data?: unknown) => raw.easeTo(cameraToDisplay(h, o), data as never),
    flyTo: (o: object, data?: unknown) => raw.flyTo(cameraToDisplay(h, o), data as never),
    panTo: (c: LngLatLike, o?: object, data?: unknown) =>
      raw.panTo(toDisplay(h, c), cameraToDisplay(h, o), data as never),
    fitBounds: (b: LngLatBoundsLike, o?: object, data?: unknown) =>
      raw.fitBounds(
        convertBounds(b, (p) => h.shift.toDisplay(p)),
        o,
        data as never,
      ),
    cameraForBounds: (b: LngLatBoundsLike, o?: object) => {
      const camera = raw.cameraForBounds(
        convertBounds(b, (p) => h.shift.toDisplay(p)),
        o,
      );
      return camera?.center ? { ...camera, center: fromDisplay(h, camera.center) } : camera;
    },
    on: (...args: unknown[]) => (raw.on as (...a: unknown[]) => unknown)(...withWrappedListener(args)),
    off: (...args: unknown[]) => (raw.off as (...a: unknown[]) => unknown)(...withWrappedListener(args)),
    once: (...args: unknown[]) => {
      const out = (raw.once as (...a: unknown[]) => unknown)(...withWrappedListener(args));
      return out instanceof Promise ? out.then((e: unknown) => eventFromDisplay(h, e)) : out;
    },
    addSource: (id: string, spec: Parameters<MapLibreMap['addSource']>[1]) => {
      if (spec.type === 'geojson' && typeof spec.data === 'object') {
        h.geojson.set(id, spec.data);
        return raw.addSource(id, { ...spec, data: sourceData(h, spec.data) as typeof spec.data });
      }
      return raw.addSource(id, spec);
    },
    getSource: (id: string) => {
      const source = raw.getSource(id);
      if (!source || source.type !== 'geojson') return source;
      let proxy = sourceProxies.get(source);
      if (!proxy) {
        const geojson = source as unknown as { setData: (d: unknown, ...rest: unknown[]) => unknown };
        proxy = new Proxy(geojson, {
          get(target, prop) {
            if (prop === 'setData') {
              return (data: unknown, ...rest: unknown[]) => {
                h.geojson.set(id, data);
                return target.setData(sourceData(h, data), ...rest);
              };
            }
            const v: unknown = Reflect.get(target, prop, target);
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
        sourceProxies.set(source, proxy);
      }
      return proxy;
    },
  };
  const bound = new Map<PropertyKey, unknown>();
  const proxy = new Proxy(raw, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in overrides) return overrides[prop];
      const v: unknown = Reflect.get(target, prop, target);
      if (typeof v !== 'function') return v;
      // Methods run on the map itself, so MapLibre's internal calls skip the conversions.
      let b = bound.get(prop);
      if (!b) {
        b = (v as (...a: unknown[]) => unknown).bind(target);
        bound.set(prop, b);
      }
      return b;
    },
  });
  handles.set(proxy, h);
  return proxy;
}

/**
 * Changes the shift of an app-facing map (the user switched basemap): keeps the same stored
 * position at the centre, redraws the app's GeoJSON sources and tells the overlays.
 */
export function setDisplayShift(map: MapLibreMap, shift: DisplayShift): void {
  const h = handles.get(map);
  if (!h || h.shift === shift) return;
  const center = h.shift.fromDisplay(lonLatOf(h.raw.getCenter()));
  h.shift = shift;
  h.raw.jumpTo({ center: shift.toDisplay(center) });
  resyncSources(map);
  for (const listener of h.listeners) listener();
}

/** Sets the data of the app's GeoJSON sources again under the current shift (after a style change). */
export function resyncSources(map: MapLibreMap): void {
  const h = handles.get(map);
  if (!h) return;
  for (const [id, data] of h.geojson) {
    const source = h.raw.getSource(id) as { setData?: (d: unknown) => unknown } | undefined;
    source?.setData?.(sourceData(h, data));
  }
}

/** True for a map made by displayMap (its overlays then shift their layers). */
export function isDisplayMap(map: MapLibreMap): boolean {
  return handles.has(map);
}
