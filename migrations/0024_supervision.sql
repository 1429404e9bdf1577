-- 0024: supervision (督办). A commander or a town coordinator orders the unit handling an
-- incident to act, with a note and a time by which the unit must answer (反馈); the unit
-- answers once. Orders and answers are on the incident's timeline ('supervise',
-- 'supervision_answer') and count in the assessment (api/lib/assessment.ts).

CREATE TABLE incident_supervisions (
  id          serial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  note        text NOT NULL CHECK (length(note) BETWEEN 1 AND 1000),
  respond_by  timestamptz NOT NULL,
  issued_by   text NOT NULL,
  issued_at   timestamptz NOT NULL DEFAULT now(),
  answer      text CHECK (answer IS NULL OR length(answer) BETWEEN 1 AND 2000),
  answered_by text,
  answered_at timestamptz,
  CHECK ((answer IS NULL) = (answered_at IS NULL) AND (answer IS NULL) = (answered_by IS NULL))
);
CREATE INDEX incident_supervisions_incident_idx ON incident_supervisions (incident_id);
-- the orders still waiting for their answer (the queue's 督办 mark)
CREATE INDEX incident_supervisions_open_idx ON incident_supervisions (incident_id) WHERE answered_at IS NULL;
