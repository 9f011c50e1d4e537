"use client";

import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * The top bar's links and account controls: in a row on wide screens; on a phone folded under
 * one menu button (CSS decides which), so the bar never wraps or cuts "log out".
 */
export function NavMenu({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === "Escape" : !root.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener("keydown", close);
    document.addEventListener("pointerdown", close);
    return () => {
      document.removeEventListener("keydown", close);
      document.removeEventListener("pointerdown", close);
    };
  }, [open]);
  return (
    <span ref={root} style={{ display: "contents" }}>
      <button
        type="button"
        className="linkbtn menubtn"
        aria-expanded={open}
        aria-controls="topnav"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">☰</span>
        {label}
      </button>
      <nav id="topnav" className="topnav" data-open={open}>
        {children}
      </nav>
    </span>
  );
}
