-- 0010: dispatch (DESIGN.md §5). A dispatch row follows the incident's state machine:
-- created by `dispatch` with a team, on_scene at `arrive`, completed at `resolve`,
-- cancelled at `return`; the team's status moves with it.
ALTER TABLE dispatches
  ADD COLUMN arrived_at    timestamptz,
  -- the road time and distance the dispatcher saw when sending the team
  ADD COLUMN travel_time_s double precision CHECK (travel_time_s >= 0),
  ADD COLUMN distance_m    double precision CHECK (distance_m >= 0),
  ADD COLUMN note          text;

-- Position fixes keep the time they were received as well as the time they were taken,
-- so a late fix (older than the team's current one) stays in the history.
ALTER TABLE team_positions
  ADD COLUMN received_at timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN applied boolean NOT NULL DEFAULT true;

-- Nearest available teams (KNN over `geom <-> point`) read only this part of the index.
CREATE INDEX teams_available_geom_idx ON teams USING gist (geom) WHERE status = 'available' AND on_duty;
