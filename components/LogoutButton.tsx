"use client";

import { signOut } from "next-auth/react";

export function LogoutButton({ label }: { label: string }) {
  return (
    <button type="button" className="linkbtn" onClick={() => signOut({ callbackUrl: "/login" })}>
      {label}
    </button>
  );
}
