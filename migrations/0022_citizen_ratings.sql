-- 0022: citizens follow their reports and rate the result (回访与评价). One rating per
-- incident, given with the report's tracking code once it has been resolved.
CREATE TABLE incident_ratings (
  incident_id bigint PRIMARY KEY REFERENCES incidents (id),
  rating      text NOT NULL CHECK (rating IN ('satisfied', 'basic', 'unsatisfied')),
  comment     text CHECK (length(comment) <= 500),
  rated_at    timestamptz NOT NULL DEFAULT now()
);
-- What the team wrote when it resolved the incident (the latest resolution): the result a
-- citizen is shown.
ALTER TABLE incidents ADD COLUMN result_note text;

CREATE TRIGGER incident_ratings_append_only BEFORE UPDATE OR DELETE ON incident_ratings
  FOR EACH ROW EXECUTE FUNCTION refuse_change();
