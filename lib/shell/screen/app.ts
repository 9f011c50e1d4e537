/** What full-screen programs (vi, nano, less, watch) share: draw on start and resize; keys one by one. */
import type { Screen, ScreenApp } from "../types";
import { type ScreenKey, splitKeys } from "./text";

/** A full-screen program: it draws the whole screen when it starts and whenever the size changes. */
export abstract class FullScreenApp implements ScreenApp {
  /** Set by start (undefined until the terminal has given the program its screen). */
  protected screen!: Screen;

  start(screen: Screen): void {
    this.screen = screen;
    this.draw();
  }

  resize(): void {
    this.draw();
  }

  abstract input(data: string): void;
  protected abstract draw(): void;
}

/** A program driven by keys (vi, nano, less): each key in turn, then one redraw. */
export abstract class KeyedScreenApp extends FullScreenApp {
  /** Set when the program has closed its screen; later keys are ignored. */
  protected done = false;

  /** Each key in turn (stopping once one closes the program), then one redraw. */
  input(data: string): void {
    if (this.done) return;
    for (const key of splitKeys(data)) {
      if (this.done) return;
      this.key(key);
    }
    if (!this.done) this.draw();
  }

  protected abstract key(k: ScreenKey): void;
}
