import type { SessionUser } from "@/lib/auth";
import { Topbar } from "../Topbar";

/** A page that refuses: the reason, and no data. */
export async function Refusal({ user, message }: { user: SessionUser; message: string }) {
  return (
    <>
      <Topbar user={user} />
      <main className="page">
        <p className="error" role="alert" data-testid="refusal">
          {message}
        </p>
      </main>
    </>
  );
}
