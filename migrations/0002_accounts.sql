-- 0002: accounts, sessions, API keys, explicit cross-area grants and the audit log.
-- A user's scope is the subtree of their home area: area codes nest by prefix
-- (city 441900 ⊃ town 441900110 ⊃ village 441900110001 ⊃ grid 441900110001001).

CREATE TABLE users (
  id                  bigserial PRIMARY KEY,
  username            text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9_.-]{2,40}$'),
  display_name        text NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  role                text NOT NULL CHECK (role IN (
                        'admin', 'commander', 'town_coordinator', 'village_coordinator',
                        'dispatcher', 'grid_worker', 'viewer')),
  home_area_code      text NOT NULL REFERENCES area_codes (code),
  -- scrypt$N$r$p$salt$hash; never logged, never returned by the API.
  password_hash       text NOT NULL,
  disabled            boolean NOT NULL DEFAULT false,
  failed_attempts     integer NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  locked_until        timestamptz,
  created_at          timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- Sessions are looked up by the SHA-256 of the cookie token, so a leaked table
-- does not hand out live sessions.
CREATE TABLE sessions (
  token_hash   text PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  address      text
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Keys for machine integrations (video/IoT alarms, the 12345 hotline): a set of
-- permissions within an area; only the hash of the key is kept.
CREATE TABLE api_keys (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  key_hash    text NOT NULL UNIQUE,
  key_prefix  text NOT NULL,
  permissions text[] NOT NULL CHECK (permissions <@ ARRAY['read', 'report', 'accept', 'dispatch', 'verify', 'close']::text[]),
  area_code   text NOT NULL REFERENCES area_codes (code),
  created_by  bigint REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz
);

-- Explicit grants of work outside a user's home area (e.g. dispatch into a neighbouring town).
CREATE TABLE area_grants (
  id         bigserial PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  area_code  text NOT NULL REFERENCES area_codes (code),
  granted_by bigint REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz,
  UNIQUE (user_id, area_code)
);

-- Append-only: the trigger refuses UPDATE and DELETE; no API changes it.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    bigint,
  actor_name  text NOT NULL,
  actor_kind  text NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system', 'anonymous')),
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text,
  before      jsonb,
  after       jsonb,
  address     text
);
CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_name, at DESC);
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
