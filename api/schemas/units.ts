import { Type, type Static } from 'typebox';
import { AreaCode } from './common.ts';

export const Department = Type.Object({
  code: Type.String({ description: 'e.g. police, urban, zongzhi (the coordination centre)' }),
  nameZh: Type.String(),
  nameEn: Type.String(),
  /** Incident categories it leads (归口). */
  categories: Type.Array(Type.String()),
});
export const DepartmentList = Type.Array(Department);

export const UnitQuery = Type.Object(
  {
    area: Type.Optional(AreaCode),
  },
  { additionalProperties: false },
);
export type UnitQuery = Static<typeof UnitQuery>;

export const Unit = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  department: Type.String(),
  /** The town it serves. */
  areaCode: Type.String(),
  /** Open incidents it handles, within the caller's area. */
  openIncidents: Type.Integer(),
});
export const UnitList = Type.Array(Unit);
