/**
 * Mail for invitations and password resets, through nodemailer when SMTP is configured
 * (SMTP_URL, e.g. smtps://user:pass@mail.example.org, and MAIL_FROM). Without SMTP nothing is
 * sent and the caller shows the link to hand over. Tests pass nodemailer's JSON transport.
 */
import nodemailer, { type Transporter } from "nodemailer";

export interface Mailer {
  transport: Transporter;
  from: string;
}

let cached: Mailer | null | undefined;

/** The configured mailer, or null when SMTP_URL is not set. */
export function mailerFromEnv(env: NodeJS.ProcessEnv = process.env): Mailer | null {
  if (cached !== undefined) return cached;
  const url = env.SMTP_URL?.trim();
  cached = url
    ? {
        transport: nodemailer.createTransport(url),
        from: env.MAIL_FROM?.trim() || "kubeclass <no-reply@localhost>",
      }
    : null;
  return cached;
}

const TEXT = {
  INVITE: {
    ja: {
      subject: "kubeclass への招待",
      body: (name: string, link: string, days: number) =>
        `${name} さん\n\nkubeclass のアカウントが用意されました。次のリンクを開いてパスワードを設定してください（${days}日間有効、1回限り）。\n\n${link}\n`,
    },
    en: {
      subject: "Your kubeclass invitation",
      body: (name: string, link: string, days: number) =>
        `Hello ${name},\n\nAn account on kubeclass is ready for you. Open this link to choose your password (valid for ${days} days, once):\n\n${link}\n`,
    },
  },
  RESET: {
    ja: {
      subject: "kubeclass パスワードの再設定",
      body: (name: string, link: string) =>
        `${name} さん\n\n次のリンクを開いて新しいパスワードを設定してください（24時間有効、1回限り）。\n\n${link}\n`,
    },
    en: {
      subject: "Reset your kubeclass password",
      body: (name: string, link: string) =>
        `Hello ${name},\n\nOpen this link to choose a new password (valid for 24 hours, once):\n\n${link}\n`,
    },
  },
} as const;

/** Sends the link when there is a mailer; returns whether it was sent. */
export async function deliverLink(
  mailer: Mailer | null,
  args: { to: string; name: string; kind: "INVITE" | "RESET"; link: string; locale: "ja" | "en" },
): Promise<boolean> {
  if (!mailer) return false;
  const t = TEXT[args.kind][args.locale];
  await mailer.transport.sendMail({
    from: mailer.from,
    to: args.to,
    subject: t.subject,
    text: t.body(args.name, args.link, 7),
  });
  return true;
}
