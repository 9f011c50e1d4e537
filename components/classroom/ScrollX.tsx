"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, useEffect, useRef, useState } from "react";

/**
 * A table that may be wider than the screen, scrolling sideways inside its own box (the page
 * itself never does). When it is wider, the reader is told so: a line above it says that it
 * scrolls, a shade on the edge that has more behind it, and the box takes keyboard focus (arrow
 * keys scroll it) under `label`. Without that cue a phone shows the first columns and nothing
 * says the rest (a gradebook's Total) is there.
 */
export function ScrollX({ label, children }: { label: string; children: ReactNode }) {
  const t = useTranslations("classroom");
  const ref = useRef<HTMLElement>(null);
  const [more, setMore] = useState({ left: false, right: false });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const update = () => {
      const left = el.scrollLeft > 1;
      const right = el.scrollLeft + el.clientWidth < el.scrollWidth - 1;
      setMore((m) => (m.left === left && m.right === right ? m : { left, right }));
    };
    update();
    const seen = new ResizeObserver(update);
    seen.observe(el);
    for (const child of el.children) seen.observe(child);
    el.addEventListener("scroll", update, { passive: true });
    return () => {
      seen.disconnect();
      el.removeEventListener("scroll", update);
    };
  }, []);
  const wider = more.left || more.right;
  return (
    <>
      {wider && (
        <p className="scroll-hint" data-testid="scroll-hint">
          {t("scrollHint")}
        </p>
      )}
      <div
        className="scroll-wrap"
        data-more-left={more.left || undefined}
        data-more-right={more.right || undefined}
      >
        <section ref={ref} className="scroll-x" aria-label={label} tabIndex={wider ? 0 : undefined}>
          {children}
        </section>
      </div>
    </>
  );
}
