import { describe, expect, it } from 'vitest';
import {
  patchFilter,
  selectedLevels,
  toggleLevel,
  typedKind,
} from '../../web/components/layer-filter-state.ts';

describe('the layer filters', () => {
  it('drops what a change unsets, so that no filter is {}', () => {
    expect(patchFilter({ kind: 'school', status: 'damaged' }, { status: undefined })).toEqual({
      kind: 'school',
    });
    expect(patchFilter({ kind: 'school' }, { kind: undefined })).toEqual({});
  });

  it('switches levels off and on; all four again is no level filter', () => {
    expect(selectedLevels({})).toEqual([1, 2, 3, 4]);
    const off2 = toggleLevel({}, 2, false);
    expect(off2).toEqual({ levels: [1, 3, 4] });
    const off23 = toggleLevel(off2, 3, false);
    expect(off23).toEqual({ levels: [1, 4] });
    expect(toggleLevel(off23, 3, true)).toEqual({ levels: [1, 3, 4] });
    expect(toggleLevel(toggleLevel(off23, 2, true), 3, true)).toEqual({});
    // none selected is a filter of its own: the layer shows nothing
    expect(toggleLevel({ levels: [4] }, 4, false)).toEqual({ levels: [] });
  });

  it('switching on a level already on changes nothing', () => {
    expect(toggleLevel({ levels: [1, 2] }, 2, true)).toEqual({ levels: [1, 2] });
  });

  it('takes a typed kind only when the API would (letters, digits, _; up to 32)', () => {
    expect(typedKind({ status: 'normal' }, 'well_cover')).toEqual({ status: 'normal', kind: 'well_cover' });
    expect(typedKind({ kind: 'x' }, '')).toEqual({});
    expect(typedKind({}, '井盖')).toBeNull();
    expect(typedKind({}, 'a-b')).toBeNull();
    expect(typedKind({}, 'a'.repeat(33))).toBeNull();
  });
});
