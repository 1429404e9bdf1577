-- 0021: departments (职能部门), their town-level units, the lead department of each incident
-- category (归口), and the unit that handles each incident, with every hop between units on
-- the timeline (转办 transfer, 退回 send back to the town's 综治中心, 指定 assign).

CREATE TABLE departments (
  code         text PRIMARY KEY CHECK (code ~ '^[a-z_]{2,32}$'),
  name_zh      text NOT NULL,
  name_en      text NOT NULL,
  -- a town unit's name: the town's short name (常平镇 → 常平) followed by this
  unit_suffix  text NOT NULL,
  -- the team kinds whose teams belong to this department's unit of their town
  team_kinds   text[] NOT NULL DEFAULT '{}',
  sort         smallint NOT NULL UNIQUE
);

INSERT INTO departments (code, name_zh, name_en, unit_suffix, team_kinds, sort) VALUES
  ('zongzhi',     '综治',     'Comprehensive governance', '综治中心',       '{mediator,volunteer}', 1),
  ('police',      '公安',     'Public security',          '公安分局',       '{police}',             2),
  ('urban',       '城管执法', 'Urban management',         '城管执法分局',   '{urban_management}',   3),
  ('grid',        '网格管理', 'Grid management',          '网格管理中心',   '{grid_worker}',        4),
  ('emergency',   '应急管理', 'Emergency management',     '应急管理办',     '{}',                   5),
  ('housing',     '住建',     'Housing and construction', '住建办',         '{}',                   6),
  ('environment', '生态环境', 'Ecology and environment',  '生态环境分局',   '{}',                   7),
  ('market',      '市场监管', 'Market regulation',        '市场监管分局',   '{}',                   8),
  ('fire',        '消防',     'Fire and rescue',          '消防救援站',     '{fire}',               9),
  ('transport',   '交通',     'Transport',                '交通分局',       '{}',                   10),
  ('water',       '水务',     'Water affairs',            '水务所',         '{}',                   11),
  ('health',      '卫健',     'Health',                   '卫生健康办',     '{medical}',            12),
  ('hrss',        '人社',     'Human resources and social security', '人社分局', '{}',              13);

-- The lead department of each incident 小类 (归口, DESIGN.md §8). A category without a row
-- here goes to the town's 综治中心, which decides (集中梳理).
CREATE TABLE category_leads (
  category_code   text PRIMARY KEY CHECK (category_code ~ '^[0-9]{4}$'),
  department_code text NOT NULL REFERENCES departments (code)
);

INSERT INTO category_leads (category_code, department_code) VALUES
  ('0101', 'urban'),       -- 私搭乱建
  ('0102', 'urban'),       -- 暴露垃圾
  ('0103', 'urban'),       -- 积存垃圾渣土
  ('0104', 'urban'),       -- 道路不洁
  ('0105', 'water'),       -- 水域不洁
  ('0106', 'urban'),       -- 绿地脏乱
  ('0201', 'urban'),       -- 非法小广告
  ('0301', 'housing'),     -- 施工扰民
  ('0302', 'housing'),     -- 工地扬尘
  ('0304', 'housing'),     -- 施工废弃料
  ('0305', 'urban'),       -- 施工占道
  ('0401', 'transport'),   -- 路面塌陷
  ('0402', 'water'),       -- 自来水管破裂
  ('0403', 'emergency'),   -- 燃气管道破裂
  ('0404', 'water'),       -- 下水道堵塞或破损
  ('0406', 'water'),       -- 道路积水
  ('0501', 'urban'),       -- 无照经营游商
  ('0504', 'urban'),       -- 店外经营
  ('0505', 'police'),      -- 机动车乱停放
  ('0506', 'urban'),       -- 非机动车乱停放
  ('0601', 'health'),      -- 伤病求助
  ('9001', 'zongzhi'),     -- 邻里纠纷
  ('9002', 'hrss'),        -- 劳资纠纷
  ('9003', 'housing'),     -- 物业纠纷
  ('9101', 'fire'),        -- 消防安全隐患
  ('9102', 'police'),      -- 出租屋治安隐患
  ('9103', 'police');      -- 治安可疑情况

-- A department's unit in a town (镇街分局/中队/所): one per department and town.
CREATE TABLE units (
  id              serial PRIMARY KEY,
  department_code text NOT NULL REFERENCES departments (code),
  area_code       text NOT NULL REFERENCES area_codes (code),
  name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  UNIQUE (department_code, area_code)
);
CREATE INDEX units_area_idx ON units (area_code);

ALTER TABLE teams ADD COLUMN unit_id integer REFERENCES units (id);
ALTER TABLE users ADD COLUMN unit_id integer REFERENCES units (id);

-- The unit handling an incident (its town's unit of the category's lead department at
-- intake), and how many times it has moved between units since (a flag above a limit).
ALTER TABLE incidents ADD COLUMN lead_unit_id integer REFERENCES units (id);
ALTER TABLE incidents ADD COLUMN handoffs smallint NOT NULL DEFAULT 0 CHECK (handoffs >= 0);
CREATE INDEX incidents_lead_unit_idx ON incidents (lead_unit_id) WHERE status NOT IN ('closed', 'rejected', 'merged');

-- A hop between units on the timeline: from which unit to which.
ALTER TABLE incident_events ADD COLUMN from_unit_id integer REFERENCES units (id);
ALTER TABLE incident_events ADD COLUMN to_unit_id integer REFERENCES units (id);

-- Every current town gets a unit of every department; teams without a unit join their
-- town's unit of their kind's department; incidents without a lead unit get their town's
-- unit of their category's lead department (the 综治中心 when the category has none).
-- Idempotent: run after this migration and after a dataset load.
CREATE FUNCTION ensure_units() RETURNS void LANGUAGE sql AS $$
  INSERT INTO units (department_code, area_code, name)
  SELECT d.code, a.code, regexp_replace(a.name, '(镇|街道|管委会|管理委员会)$', '') || d.unit_suffix
  FROM departments d
  CROSS JOIN (SELECT DISTINCT ON (code) code, name FROM areas
              WHERE level = 'town' AND valid_to IS NULL ORDER BY code, valid_from DESC) a
  ON CONFLICT (department_code, area_code) DO NOTHING;

  UPDATE teams t SET unit_id = u.id
  FROM units u JOIN departments d ON d.code = u.department_code
  WHERE t.unit_id IS NULL AND t.kind = ANY (d.team_kinds) AND u.area_code = left(t.home_area_code, 9);

  UPDATE incidents i SET lead_unit_id = u.id
  FROM units u
  WHERE i.lead_unit_id IS NULL AND u.area_code = i.town_code
    AND u.department_code = coalesce((SELECT l.department_code FROM category_leads l WHERE l.category_code = i.category), 'zongzhi');
$$;

-- existing rows change without a live event each (migrations/0011_live_events.sql)
SET LOCAL riskmap.bulk_load = 'on';
SELECT ensure_units();
