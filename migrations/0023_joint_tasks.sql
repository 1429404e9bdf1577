-- 0023: joint handling (联办). The unit handling an incident (or a coordinator) asks other
-- units of the town to assist, each with a task of its own (协办任务): what to do and a
-- deadline in working time. A task is assigned → accepted → done, or refused with a reason;
-- the lead may close an open task with a reason. An incident cannot be resolved while one of
-- its tasks is open (api/db/task-repository.ts); every step is on the incident's timeline.

CREATE TABLE incident_tasks (
  id          serial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  unit_id     integer NOT NULL REFERENCES units (id),
  task        text NOT NULL CHECK (length(task) BETWEEN 1 AND 500),
  status      text NOT NULL DEFAULT 'assigned'
              CHECK (status IN ('assigned', 'accepted', 'done', 'refused', 'closed')),
  deadline_at timestamptz NOT NULL,
  -- what the assisting unit wrote when it finished or refused, or why the lead closed it
  note        text CHECK (note IS NULL OR length(note) <= 2000),
  created_by  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (status NOT IN ('refused', 'closed') OR note IS NOT NULL)
);
-- one open task per unit and incident
CREATE UNIQUE INDEX incident_tasks_open_idx ON incident_tasks (incident_id, unit_id)
  WHERE status IN ('assigned', 'accepted');
CREATE INDEX incident_tasks_unit_idx ON incident_tasks (unit_id) WHERE status IN ('assigned', 'accepted');
CREATE INDEX incident_tasks_incident_idx ON incident_tasks (incident_id);
