// Code that arrives in a link is someone else's: the page shows it as text and runs nothing until
// the user allows it. Code typed into the editor here, the default example, and code allowed once
// in this tab (remembered in sessionStorage, so a reload does not ask again) run without asking.
import { DEFAULT_CUSTOM_CODE } from "../objectives";

const KEY = "wasmtune-allowed-code";
const typed = new Set<string>([DEFAULT_CUSTOM_CODE]);

function allowedInTab(): string[] {
  try {
    const v = JSON.parse(sessionStorage.getItem(KEY) ?? "[]");
    return Array.isArray(v) ? v.filter((c): c is string => typeof c === "string") : [];
  } catch {
    return [];
  }
}

/** Whether `code` may run without asking. */
export function isAllowed(code: string): boolean {
  return typed.has(code) || allowedInTab().includes(code);
}

/** Code the user typed (or edited) in this page. */
export function markTyped(code: string): void {
  typed.add(code);
}

/** The user read `code` and allows it, for this tab. */
export function allow(code: string): void {
  typed.add(code);
  try {
    sessionStorage.setItem(KEY, JSON.stringify([...allowedInTab().slice(-9), code]));
  } catch {
    // storage unavailable: allowed for this page only
  }
}

/** Shows `code` (as text, never markup) in `box` and calls `onAllow` when the user allows it. */
export function askToAllow(box: HTMLElement, code: string, onAllow: () => void): void {
  const text = box.querySelector<HTMLElement>(".code")!;
  text.textContent = code;
  box.hidden = false;
  const allowButton = box.querySelector<HTMLButtonElement>("button.allow")!;
  allowButton.onclick = () => {
    allow(code);
    box.hidden = true;
    onAllow();
  };
  box.querySelector<HTMLButtonElement>("button.dismiss")!.onclick = () => {
    box.hidden = true;
  };
}
