import { useState, type FormEvent } from 'react';
import type { IncidentDetail, JointTask, TaskStep } from '../api/client.ts';
import { FormError, HoursField, SubmitRow, TextField } from '../components/form-parts.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';
import { useAddTask, useStepTask } from './queries.ts';
import { departmentName, UnitSelect } from './unit-fields.tsx';

const OPEN: ReadonlySet<string> = new Set(['assigned', 'accepted']);

/**
 * Joint handling (联办) on an incident: the assisting units' tasks with their status and
 * deadline, the steps this user may take on each (with the note a refusal or a closing needs),
 * and the form that asks another unit of the town to assist.
 */
export function IncidentTasks({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  const steps = new Set(incident.taskSteps);
  const open = incident.tasks.filter((k) => OPEN.has(k.status));
  return (
    <>
      <h3 className="panel-subtitle">{t('task.title')}</h3>
      {incident.tasks.length === 0 ? (
        <p className="muted small">{t('task.none')}</p>
      ) : (
        <ul className="plain-list task-list" data-testid="incident-tasks">
          {incident.tasks.map((k) => (
            <TaskItem key={k.id} incidentId={incident.id} task={k} steps={steps} />
          ))}
        </ul>
      )}
      {open.length > 0 && incident.actions.includes('resolve') && (
        <p className="muted small" data-testid="tasks-block-resolve">
          {t('task.openBlocks')}
        </p>
      )}
      {steps.has('add') && <AddTaskForm incident={incident} busyUnits={open.map((k) => k.unit.id)} />}
    </>
  );
}

/** One task: unit, what, status, deadline, note; and the steps the user may take while it is open. */
function TaskItem({
  incidentId,
  task: k,
  steps,
}: {
  incidentId: number;
  task: JointTask;
  steps: Set<string>;
}) {
  const { t, language } = useI18n();
  const [note, setNote] = useState('');
  const step = useStepTask();
  const available = (['accept', 'done', 'refuse', 'close'] as const).filter(
    (s) => steps.has(s) && (s !== 'accept' || k.status === 'assigned'),
  );
  const take = (action: TaskStep) =>
    step.mutate(
      { id: incidentId, taskId: k.id, action, ...(note.trim() ? { note: note.trim() } : {}) },
      { onSuccess: () => setNote('') },
    );
  return (
    <li data-testid="incident-task" data-unit-id={k.unit.id} data-status={k.status}>
      <div>
        <strong>{k.unit.name}</strong>
        <span className="muted small">（{departmentName(t, k.unit.department)}）</span>{' '}
        <span className={`status-badge task-${k.status}`}>{t(`task.status.${k.status}`)}</span>
      </div>
      <div>{k.task}</div>
      <div className={k.overdue ? 'small overdue' : 'muted small'}>
        {t('task.deadline')} {formatTime(language, k.deadlineAt)}
      </div>
      {k.note && (
        <div className="small">
          {t('task.note')}：{k.note}
        </div>
      )}
      {OPEN.has(k.status) && available.length > 0 && (
        <div className="task-steps">
          <label className="field">
            <span>{t('task.reason')}</span>
            <input
              value={note}
              maxLength={1000}
              onChange={(e) => setNote(e.target.value)}
              data-testid="task-note"
            />
          </label>
          <div className="form-actions">
            {available.map((s) => (
              <button
                key={s}
                type="button"
                className={s === 'done' ? 'button primary' : 'button'}
                disabled={step.isPending}
                data-testid={`task-${s}`}
                onClick={() => take(s)}
              >
                {t(`task.step.${s}`)}
              </button>
            ))}
          </div>
          <FormError error={step.error ? errorMessage(step.error, t) : null} testId="task-error" />
        </div>
      )}
    </li>
  );
}

/** Asks another unit of the incident's town (not the lead, none with an open task here) to assist. */
function AddTaskForm({ incident, busyUnits }: { incident: IncidentDetail; busyUnits: number[] }) {
  const { t } = useI18n();
  const add = useAddTask();
  const [unitId, setUnitId] = useState<number | null>(null);
  const [text, setText] = useState('');
  const [hours, setHours] = useState('8');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (unitId === null) return;
    add.mutate(
      { id: incident.id, unitId, task: text, hours: Number(hours) },
      {
        onSuccess: () => {
          setUnitId(null);
          setText('');
        },
      },
    );
  };
  return (
    <form className="task-add" onSubmit={submit} data-testid="task-add-form">
      <UnitSelect
        townCode={incident.townCode}
        exclude={[...(incident.leadUnit ? [incident.leadUnit.id] : []), ...busyUnits]}
        label={t('task.unit')}
        testId="task-unit"
        value={unitId}
        onChange={setUnitId}
        required
      />
      <TextField label={t('task.text')} value={text} onChange={setText} maxLength={500} testId="task-text" />
      <HoursField label={t('task.hours')} value={hours} onChange={setHours} testId="task-hours" />
      <FormError error={add.error ? errorMessage(add.error, t) : null} testId="task-add-error" />
      <SubmitRow label={t('task.add')} pending={add.isPending} testId="task-add" />
    </form>
  );
}
