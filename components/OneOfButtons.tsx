import type { ReactNode } from "react";

/**
 * Buttons of which one is chosen — a mode, a language, a pane (`toggle`: the chosen one is
 * aria-pressed) or the terminal's tabs (`tab`: role=tab, the chosen one aria-selected). The
 * element around them (a tablist, a row) and any other buttons in it stay with the caller.
 */
export function OneOfButtons<T extends string>({
  options,
  chosen,
  choose,
  label,
  as = "toggle",
  className,
}: {
  options: readonly T[];
  /** The chosen option (none is pressed when it is none of them). */
  chosen: string;
  choose: (option: T) => void;
  label: (option: T) => ReactNode;
  as?: "toggle" | "tab";
  className?: string;
}) {
  return (
    <>
      {options.map((option) => (
        <button
          key={option}
          type="button"
          className={className}
          {...(as === "tab"
            ? { role: "tab", "aria-selected": option === chosen }
            : { "aria-pressed": option === chosen })}
          onClick={() => choose(option)}
        >
          {label(option)}
        </button>
      ))}
    </>
  );
}
