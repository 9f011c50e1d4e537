/** The pieces every form of the site is built from, so that they look and check alike. */
import { type FormEvent, type InputHTMLAttributes, type ReactNode, useEffect, useState } from "react";

/** A form's busy flag, its error and whether it has just saved. */
export function useForm() {
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  return { error, setError, saved, setSaved, busy, setBusy };
}

/** An onSubmit that keeps the browser from posting the form and hands `send` its fields (and the form). */
export function onSubmitData(
  send: (fields: FormData, form: HTMLFormElement) => Promise<void> | void,
): (e: FormEvent<HTMLFormElement>) => void {
  return (e) => {
    e.preventDefault();
    void send(new FormData(e.currentTarget), e.currentTarget);
  };
}

/** A form's main button; it cannot be pressed while the form is sending (or has nothing to send). */
export function SubmitButton({
  busy,
  disabled,
  children,
}: {
  busy: boolean;
  disabled?: boolean;
  children: ReactNode;
}) {
  // Until the page's script runs the browser would send the form itself (a GET with the
  // password in the address): the button waits for the script, as the login form's does.
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  return (
    <button className="primary" type="submit" disabled={busy || disabled || !ready}>
      {children}
    </button>
  );
}

/** What went wrong, announced to screen readers; nothing while all is well. */
export function ErrorLine({ error, id }: { error: string | null; id?: string }) {
  return error ? (
    <div className="error" role="alert" id={id}>
      {error}
    </div>
  ) : null;
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: string };

/** An input with its label above it. `grow`: takes the rest of a row form's width. */
export function Field({ label, grow, ...input }: InputProps & { grow?: boolean }) {
  return (
    <label className={grow ? "field grow" : "field"}>
      {label}
      <input {...input} />
    </label>
  );
}

/** A number from 0 to 100 — a score out of 100 or a percentage — the range the server accepts. */
export function PercentField(props: InputProps) {
  return <Field type="number" min={0} max={100} {...props} />;
}

/** A person's name, as long as the server keeps (100). */
export function NameField(props: InputProps) {
  return <Field name="name" required maxLength={100} {...props} />;
}

/** An email address, as long as the server accepts (200); the account's username to a password manager. */
export function EmailField(props: InputProps) {
  return <Field name="email" type="email" autoComplete="username" required maxLength={200} {...props} />;
}

/** A password, as long as the server accepts (200). */
export function PasswordField(props: InputProps) {
  return <Field name="password" type="password" required maxLength={200} {...props} />;
}

/** The language an account's pages and mail are in. */
export function LanguageField({ label, defaultValue }: { label: string; defaultValue: "ja" | "en" }) {
  return (
    <label className="field">
      {label}
      <select name="locale" defaultValue={defaultValue}>
        <option value="ja">日本語</option>
        <option value="en">English</option>
      </select>
    </label>
  );
}
