/** Default radius of "what is around", in metres. */
export const DEFAULT_AROUND_RADIUS = 500;

/** The request an analysis makes (not its answer). */
export type AnalysisRequest =
  { kind: 'around'; center: [number, number]; radius: number } | { kind: 'exposure'; sourceId: number };

/**
 * "What is around a point" and a risk source's impact zone: whether the next map click picks
 * a centre (armed), the analysis asked for, and the radius last chosen (a new centre keeps it).
 */
export interface AnalysisState {
  armed: boolean;
  request: AnalysisRequest | null;
  lastRadius: number;
}

export type AnalysisAction =
  | { type: 'toggle-armed' }
  | { type: 'disarm' }
  /** A centre was picked (a map click, or a feature's "what is around"). */
  | { type: 'around'; center: [number, number] }
  | { type: 'exposure'; sourceId: number }
  | { type: 'radius'; radius: number }
  | { type: 'close' };

export const INITIAL_ANALYSIS: AnalysisState = {
  armed: false,
  request: null,
  lastRadius: DEFAULT_AROUND_RADIUS,
};

export function analysisReducer(state: AnalysisState, action: AnalysisAction): AnalysisState {
  switch (action.type) {
    case 'toggle-armed':
      return { ...state, armed: !state.armed };
    case 'disarm':
      return state.armed ? { ...state, armed: false } : state;
    case 'around':
      return {
        ...state,
        armed: false,
        request: { kind: 'around', center: action.center, radius: state.lastRadius },
      };
    case 'exposure':
      return { ...state, armed: false, request: { kind: 'exposure', sourceId: action.sourceId } };
    case 'radius':
      return {
        ...state,
        lastRadius: action.radius,
        request:
          state.request?.kind === 'around' ? { ...state.request, radius: action.radius } : state.request,
      };
    case 'close':
      return { ...state, request: null };
  }
}
