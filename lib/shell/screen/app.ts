/** The part every key-driven full-screen program (vi, nano, less) shares: draw on start and resize, keys one by one. */
import type { Screen, ScreenApp } from "../types";
import { type ScreenKey, splitKeys } from "./text";

export abstract class KeyedScreenApp implements ScreenApp {
  protected screen!: Screen;
  /** Set when the program has closed its screen; later keys are ignored. */
  protected done = false;

  start(screen: Screen): void {
    this.screen = screen;
    this.draw();
  }

  resize(): void {
    this.draw();
  }

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
  protected abstract draw(): void;
}
