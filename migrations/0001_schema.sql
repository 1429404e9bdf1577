-- 0001: the Dongguan data model. Geometry is stored in EPSG:4326 (WGS84/CGCS2000);
-- distances are computed on geography or in metres. Every geometry column has a GiST index.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;

-- Every area code ever issued, so that versions of an area and its children can
-- reference it with a foreign key even though `areas` keeps several versions per code.
CREATE TABLE area_codes (
  code  text PRIMARY KEY,
  level text NOT NULL CHECK (level IN ('city', 'town', 'village', 'grid')),
  CHECK (
    (level = 'city' AND code ~ '^[0-9]{6}$') OR
    (level = 'town' AND code ~ '^[0-9]{9}$') OR
    (level = 'village' AND code ~ '^[0-9]{12}$') OR
    (level = 'grid' AND code ~ '^[0-9]{15}$')
  )
);

-- Areas, versioned: a change closes the old version (valid_to) and opens a new one.
-- A code is unique among the versions valid at any one time (exclusion constraint).
CREATE TABLE areas (
  id          bigserial PRIMARY KEY,
  code        text NOT NULL REFERENCES area_codes (code),
  level       text NOT NULL CHECK (level IN ('city', 'town', 'village', 'grid')),
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_code text REFERENCES area_codes (code),
  population  integer CHECK (population >= 0),
  households  integer CHECK (households >= 0),
  synthetic   boolean NOT NULL DEFAULT false,
  -- NULL only for units that have a code but no published outline (e.g. 东莞港).
  geom        geometry(MultiPolygon, 4326),
  version     integer NOT NULL DEFAULT 1 CHECK (version >= 1),
  valid_from  timestamptz NOT NULL DEFAULT now(),
  valid_to    timestamptz,
  CHECK (valid_to IS NULL OR valid_to > valid_from),
  CHECK ((level = 'city') = (parent_code IS NULL)),
  CHECK (geom IS NULL OR (ST_XMin(geom) >= -180 AND ST_XMax(geom) <= 180 AND ST_YMin(geom) >= -90 AND ST_YMax(geom) <= 90)),
  EXCLUDE USING gist (code WITH =, tstzrange(valid_from, valid_to) WITH &&)
);
CREATE INDEX areas_geom_idx ON areas USING gist (geom);
CREATE INDEX areas_parent_idx ON areas (parent_code) WHERE valid_to IS NULL;
CREATE INDEX areas_level_idx ON areas (level) WHERE valid_to IS NULL;

-- Reference categories: site kinds, GB/T 30428 component 大类/小类, risk source kinds,
-- GB/T 30428.2 incident 大类/小类 with the deadline, the team capability and the priority.
-- Codes are unique per kind only: GB/T 30428.2 numbers components and incidents
-- separately (0101 is 上水井盖 as a component and 私搭乱建 as an incident).
CREATE TABLE categories (
  kind             text NOT NULL CHECK (kind IN ('site', 'component', 'risk_source', 'incident')),
  code             text NOT NULL CHECK (code ~ '^[A-Z0-9]{2,8}$'),
  parent_code      text,
  name_zh          text NOT NULL,
  name_en          text NOT NULL,
  deadline_amount  integer CHECK (deadline_amount > 0),
  deadline_unit    text CHECK (deadline_unit IN ('working_hours', 'working_days')),
  team_capability  text,
  default_priority smallint CHECK (default_priority BETWEEN 1 AND 4),
  PRIMARY KEY (kind, code),
  FOREIGN KEY (kind, parent_code) REFERENCES categories (kind, code),
  CHECK ((deadline_amount IS NULL) = (deadline_unit IS NULL)),
  -- an incident 小类 (one with a parent) must say how long and who
  CHECK (kind <> 'incident' OR parent_code IS NULL OR
         (deadline_amount IS NOT NULL AND team_capability IS NOT NULL AND default_priority IS NOT NULL))
);

CREATE TABLE sites (
  id           bigint PRIMARY KEY,
  name         text NOT NULL,
  kind text NOT NULL,
  category_kind text NOT NULL DEFAULT 'site' CHECK (category_kind = 'site'),
  address      text,
  town_code    text REFERENCES area_codes (code),
  village_code text REFERENCES area_codes (code),
  grid_code    text REFERENCES area_codes (code),
  synthetic    boolean NOT NULL DEFAULT false,
  geom         geometry(Point, 4326) NOT NULL,
  CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
  FOREIGN KEY (category_kind, kind) REFERENCES categories (kind, code)
);
CREATE INDEX sites_geom_idx ON sites USING gist (geom);

-- City components; code is the 16-digit GB/T 30428.2 code:
-- 6-digit area + 2-digit 大类 + 2-digit 小类 + 6-digit serial.
CREATE TABLE components (
  id           bigint PRIMARY KEY,
  code         text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{16}$'),
  kind text NOT NULL,
  category_kind text NOT NULL DEFAULT 'component' CHECK (category_kind = 'component'),
  status       text NOT NULL DEFAULT 'normal' CHECK (status IN ('normal', 'damaged', 'missing', 'removed')),
  town_code    text REFERENCES area_codes (code),
  village_code text REFERENCES area_codes (code),
  grid_code    text REFERENCES area_codes (code),
  synthetic    boolean NOT NULL DEFAULT false,
  geom         geometry(Point, 4326) NOT NULL,
  CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
  CHECK (substr(code, 7, 4) = kind),
  FOREIGN KEY (category_kind, kind) REFERENCES categories (kind, code)
);
CREATE INDEX components_geom_idx ON components USING gist (geom);

-- Risk sources: level 1 重大 (red), 2 较大 (orange), 3 一般 (yellow), 4 低 (blue).
CREATE TABLE risk_sources (
  id              bigint PRIMARY KEY,
  name            text NOT NULL,
  kind text NOT NULL,
  category_kind text NOT NULL DEFAULT 'risk_source' CHECK (category_kind = 'risk_source'),
  level           smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
  impact_radius_m double precision NOT NULL CHECK (impact_radius_m > 0 AND impact_radius_m <= 50000),
  town_code       text REFERENCES area_codes (code),
  village_code    text REFERENCES area_codes (code),
  grid_code       text REFERENCES area_codes (code),
  synthetic       boolean NOT NULL DEFAULT false,
  geom            geometry(Geometry, 4326) NOT NULL,
  CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON')),
  CHECK (ST_XMin(geom) >= -180 AND ST_XMax(geom) <= 180 AND ST_YMin(geom) >= -90 AND ST_YMax(geom) <= 90),
  FOREIGN KEY (category_kind, kind) REFERENCES categories (kind, code)
);
CREATE INDEX risk_sources_geom_idx ON risk_sources USING gist (geom);

CREATE TABLE cameras (
  id           bigint PRIMARY KEY,
  code         text NOT NULL UNIQUE,
  name         text NOT NULL,
  town_code    text REFERENCES area_codes (code),
  village_code text REFERENCES area_codes (code),
  grid_code    text REFERENCES area_codes (code),
  synthetic    boolean NOT NULL DEFAULT false,
  geom         geometry(Point, 4326) NOT NULL,
  CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90)
);
CREATE INDEX cameras_geom_idx ON cameras USING gist (geom);

CREATE TABLE teams (
  id             bigint PRIMARY KEY,
  name           text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('police', 'urban_management', 'grid_worker', 'fire', 'medical', 'volunteer', 'mediator')),
  capabilities   text[] NOT NULL DEFAULT '{}',
  status         text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'dispatched', 'on_scene', 'off_duty')),
  on_duty        boolean NOT NULL DEFAULT true,
  home_area_code text REFERENCES area_codes (code),
  synthetic      boolean NOT NULL DEFAULT false,
  position_at    timestamptz,
  geom           geometry(Point, 4326),
  CHECK (geom IS NULL OR (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90)),
  CHECK ((geom IS NULL) = (position_at IS NULL))
);
CREATE INDEX teams_geom_idx ON teams USING gist (geom);

CREATE TABLE team_positions (
  id          bigserial PRIMARY KEY,
  team_id     bigint NOT NULL REFERENCES teams (id),
  recorded_at timestamptz NOT NULL,
  geom        geometry(Point, 4326) NOT NULL,
  CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90)
);
CREATE INDEX team_positions_team_idx ON team_positions (team_id, recorded_at);
CREATE INDEX team_positions_geom_idx ON team_positions USING gist (geom);

CREATE TABLE incidents (
  id           bigint PRIMARY KEY,
  client_key   text UNIQUE,
  category text NOT NULL,
  category_kind text NOT NULL DEFAULT 'incident' CHECK (category_kind = 'incident'),
  channel      text NOT NULL CHECK (channel IN ('patrol', 'citizen', 'open311', 'video', 'iot', 'hotline', 'venue_code', 'desk')),
  description  text NOT NULL DEFAULT '',
  status       text NOT NULL DEFAULT 'reported' CHECK (status IN (
                 'reported', 'accepted', 'rejected', 'dispatched', 'on_scene', 'resolved',
                 'verified', 'closed', 'extension_requested', 'merged')),
  priority     smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
  reported_at  timestamptz NOT NULL DEFAULT now(),
  deadline_at  timestamptz,
  closed_at    timestamptz,
  town_code    text REFERENCES area_codes (code),
  village_code text REFERENCES area_codes (code),
  grid_code    text REFERENCES area_codes (code),
  site_id      bigint REFERENCES sites (id),
  merged_into  bigint REFERENCES incidents (id),
  synthetic    boolean NOT NULL DEFAULT false,
  geom         geometry(Point, 4326) NOT NULL,
  CHECK (ST_X(geom) BETWEEN -180 AND 180 AND ST_Y(geom) BETWEEN -90 AND 90),
  FOREIGN KEY (category_kind, category) REFERENCES categories (kind, code)
);
CREATE SEQUENCE incidents_id_seq OWNED BY incidents.id;
ALTER TABLE incidents ALTER COLUMN id SET DEFAULT nextval('incidents_id_seq');
CREATE INDEX incidents_geom_idx ON incidents USING gist (geom);
CREATE INDEX incidents_status_idx ON incidents (status);
CREATE INDEX incidents_reported_idx ON incidents (reported_at);

-- The timeline is append-only: the trigger below refuses UPDATE and DELETE.
CREATE TABLE incident_events (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  at          timestamptz NOT NULL DEFAULT now(),
  actor       text NOT NULL,
  action      text NOT NULL,
  from_status text,
  to_status   text,
  note        text
);
CREATE INDEX incident_events_incident_idx ON incident_events (incident_id, id);

CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP;
END $$;
CREATE TRIGGER incident_events_append_only BEFORE UPDATE OR DELETE ON incident_events
  FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE dispatches (
  id           bigserial PRIMARY KEY,
  incident_id  bigint NOT NULL REFERENCES incidents (id),
  team_id      bigint NOT NULL REFERENCES teams (id),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'on_scene', 'completed', 'cancelled')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  created_by   text NOT NULL,
  ended_at     timestamptz
);
-- A team serves one incident at a time: at most one open dispatch per team.
CREATE UNIQUE INDEX dispatches_one_open_per_team ON dispatches (team_id) WHERE status IN ('active', 'on_scene');
CREATE INDEX dispatches_incident_idx ON dispatches (incident_id);

-- Road network: directed where oneway (source → target only).
CREATE TABLE road_nodes (
  id   bigint PRIMARY KEY,
  geom geometry(Point, 4326) NOT NULL
);
CREATE INDEX road_nodes_geom_idx ON road_nodes USING gist (geom);

CREATE TABLE road_edges (
  id        bigint PRIMARY KEY,
  source    bigint NOT NULL REFERENCES road_nodes (id),
  target    bigint NOT NULL REFERENCES road_nodes (id),
  length_m  double precision NOT NULL CHECK (length_m > 0),
  speed_kmh double precision NOT NULL CHECK (speed_kmh > 0 AND speed_kmh <= 130),
  oneway    boolean NOT NULL DEFAULT false,
  class     text NOT NULL CHECK (class IN ('expressway', 'arterial', 'secondary', 'local')),
  synthetic boolean NOT NULL DEFAULT false,
  geom      geometry(LineString, 4326) NOT NULL,
  CHECK (source <> target)
);
CREATE INDEX road_edges_geom_idx ON road_edges USING gist (geom);

-- Working-day calendar: days that differ from the Monday–Friday rule.
-- holiday: a weekday off; workday: a weekend day worked (调休上班).
CREATE TABLE calendar_days (
  day  date PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
  name text NOT NULL
);

-- Which sample dataset (if any) has been loaded, so a restart does not load it twice.
CREATE TABLE dataset_loads (
  name      text PRIMARY KEY,
  scale     text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  counts    jsonb NOT NULL
);

-- Label point of each area version, kept by trigger so map labels cost nothing per request.
ALTER TABLE areas ADD COLUMN label_point geometry(Point, 4326);
CREATE FUNCTION areas_set_label_point() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.label_point := CASE WHEN NEW.geom IS NULL THEN NULL ELSE ST_PointOnSurface(NEW.geom) END;
  RETURN NEW;
END $$;
CREATE INDEX areas_label_point_idx ON areas USING gist (label_point);
CREATE TRIGGER areas_label_point BEFORE INSERT OR UPDATE OF geom ON areas
  FOR EACH ROW EXECUTE FUNCTION areas_set_label_point();
