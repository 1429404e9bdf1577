/** Why a form was refused, announced to screen readers; nothing when there is no error. */
export function FormError({ error, testId }: { error: string | null | undefined; testId?: string }) {
  if (!error) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId}>
      {error}
    </p>
  );
}

/** Props of SubmitRow. */
export interface SubmitRowProps {
  label: string;
  /** The submission is under way: the button waits. */
  pending: boolean;
  testId?: string;
  /** A 取消 button before the submit button. */
  cancel?: { label: string; onCancel: () => void };
}

/** A form's buttons: an optional cancel, then submit. */
export function SubmitRow({ label, pending, testId, cancel }: SubmitRowProps) {
  return (
    <div className="form-actions">
      {cancel && (
        <button type="button" className="button" onClick={cancel.onCancel}>
          {cancel.label}
        </button>
      )}
      <button type="submit" className="button primary" disabled={pending} data-testid={testId}>
        {label}
      </button>
    </div>
  );
}

/** A labelled one-line text field (required), as the incident panel's small forms use it. */
export function TextField({
  label,
  value,
  onChange,
  maxLength,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  maxLength: number;
  testId: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        required
        maxLength={maxLength}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </label>
  );
}

/** A labelled field of working hours (half hours, up to 2,000), as a deadline's length. */
export function HoursField({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
}) {
  return (
    <label className="field">
      <span>{label}</span>
      <input
        type="number"
        min="0.5"
        max="2000"
        step="0.5"
        required
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid={testId}
      />
    </label>
  );
}
