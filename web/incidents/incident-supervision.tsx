import { useState, type FormEvent } from 'react';
import type { IncidentDetail, Supervision } from '../api/client.ts';
import { FormError, HoursField, SubmitRow, TextField } from '../components/form-parts.tsx';
import { errorMessage } from '../lib/error-message.ts';
import { formatTime } from '../lib/format.ts';
import { useI18n } from '../i18n.ts';
import { useAnswerSupervision, useSupervise } from './queries.ts';

/**
 * Supervision (督办) on an incident: the orders with the time to answer by (overdue in red) and
 * the answers; the form to order it (commanders, town coordinators) and to answer an open order
 * (the handling unit).
 */
export function IncidentSupervision({ incident }: { incident: IncidentDetail }) {
  const { t } = useI18n();
  const steps = new Set(incident.supervisionSteps);
  const open = incident.supervisions.find((s) => s.answeredAt === null);
  return (
    <>
      <h3 className="panel-subtitle">{t('supervision.title')}</h3>
      {incident.supervisions.length === 0 ? (
        <p className="muted small">{t('supervision.none')}</p>
      ) : (
        <ul className="plain-list task-list" data-testid="incident-supervisions">
          {incident.supervisions.map((s) => (
            <SupervisionItem key={s.id} incidentId={incident.id} order={s} canAnswer={steps.has('answer')} />
          ))}
        </ul>
      )}
      {steps.has('issue') && !open && <SuperviseForm incidentId={incident.id} />}
    </>
  );
}

function SupervisionItem({
  incidentId,
  order: s,
  canAnswer,
}: {
  incidentId: number;
  order: Supervision;
  canAnswer: boolean;
}) {
  const { t, language } = useI18n();
  const [answer, setAnswer] = useState('');
  const send = useAnswerSupervision();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send.mutate({ id: incidentId, supervisionId: s.id, answer }, { onSuccess: () => setAnswer('') });
  };
  return (
    <li data-testid="incident-supervision" data-answered={s.answeredAt !== null}>
      <div>{s.note}</div>
      <div className="muted small">
        {t('supervision.issuedBy', { who: s.issuedBy, time: formatTime(language, s.issuedAt) })}
      </div>
      {s.answeredAt === null ? (
        <div className={s.overdue ? 'small overdue' : 'muted small'} data-testid="supervision-respond-by">
          {s.overdue
            ? t('supervision.overdue')
            : t('supervision.respondBy', { time: formatTime(language, s.respondBy) })}
        </div>
      ) : (
        <div className="small" data-testid="supervision-answer-text">
          {t('supervision.answered', { who: s.answeredBy ?? '', time: formatTime(language, s.answeredAt) })}{' '}
          {s.answer}
        </div>
      )}
      {s.answeredAt === null && canAnswer && (
        <form className="task-steps" onSubmit={submit}>
          <TextField
            label={t('supervision.answer')}
            value={answer}
            onChange={setAnswer}
            maxLength={2000}
            testId="supervision-answer"
          />
          <SubmitRow label={t('supervision.send')} pending={send.isPending} testId="supervision-send" />
          <FormError error={send.error ? errorMessage(send.error, t) : null} testId="supervision-error" />
        </form>
      )}
    </li>
  );
}

/** Orders supervision with what the unit must do and the working hours it has to answer. */
function SuperviseForm({ incidentId }: { incidentId: number }) {
  const { t } = useI18n();
  const supervise = useSupervise();
  const [note, setNote] = useState('');
  const [hours, setHours] = useState('4');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    supervise.mutate({ id: incidentId, note, hours: Number(hours) }, { onSuccess: () => setNote('') });
  };
  return (
    <form className="task-add" onSubmit={submit} data-testid="supervise-form">
      <TextField
        label={t('supervision.note')}
        value={note}
        onChange={setNote}
        maxLength={1000}
        testId="supervise-note"
      />
      <HoursField label={t('supervision.hours')} value={hours} onChange={setHours} testId="supervise-hours" />
      <SubmitRow label={t('supervision.issue')} pending={supervise.isPending} testId="supervise-submit" />
      <FormError error={supervise.error ? errorMessage(supervise.error, t) : null} testId="supervise-error" />
    </form>
  );
}
