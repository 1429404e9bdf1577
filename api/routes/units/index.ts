import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { ERRORS_4XX } from '../../schemas/common.ts';
import { DepartmentList, UnitList, UnitQuery } from '../../schemas/units.ts';

/** Departments (职能部门) and their town units: who handles a matter (归口) and who it can go to. */
export const unitRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/departments',
    {
      config: { access: 'read' },
      schema: {
        summary: 'the departments, with the incident categories each leads (归口)',
        tags: ['incidents'],
        response: { 200: DepartmentList, ...ERRORS_4XX },
      },
    },
    async () =>
      (await app.repos.departments.listDepartments()).map((d) => ({
        code: d.code,
        nameZh: d.name_zh,
        nameEn: d.name_en,
        categories: d.categories,
      })),
  );

  app.get(
    '/api/units',
    {
      config: { access: 'read' },
      schema: {
        summary:
          "the departments' units of the towns my area touches (or of one area's town), with open matters",
        tags: ['incidents'],
        querystring: UnitQuery,
        response: { 200: UnitList, ...ERRORS_4XX },
      },
    },
    async (req) =>
      (await app.reposFor(req).units.listUnits({ area: req.query.area })).map((u) => ({
        id: u.id,
        name: u.name,
        department: u.department,
        areaCode: u.area_code,
        openIncidents: u.open_incidents,
      })),
  );
};
