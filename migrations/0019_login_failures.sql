-- 0019: failed sign-ins counted per username, whether or not such a user exists, so that an
-- unknown name is slowed down and locked exactly like a known one and the answers do not tell
-- which names are accounts. Kept in the database so every API process sees the same count.
-- A row is forgotten a day after its last failure (pruned whenever a failure is written);
-- users.failed_attempts and users.locked_until mirror the row of an existing account for the
-- user list.

CREATE TABLE login_failures (
  -- sign-in names are at most 40 characters; lower-casing may double a few (İ → i̇)
  username        text PRIMARY KEY CHECK (length(username) <= 80),
  failed_attempts integer NOT NULL CHECK (failed_attempts > 0),
  locked_until    timestamptz,
  last_failure_at timestamptz NOT NULL
);
CREATE INDEX login_failures_last_failure_idx ON login_failures (last_failure_at);
