// Lesson links: `#lesson=ID` opens lesson ID with its own configuration. (A page showing a lesson
// mirrors its whole configuration in the hash like any other; this short form is for sharing.)
import type { RunSpec } from "../protocol";
import { lessonById } from "./catalog";

/** The short link of a lesson. */
export const lessonLink = (id: string): string => `#lesson=${encodeURIComponent(id)}`;

/** The lesson a short link names (undefined: not a lesson link, or an unknown lesson). */
export function lessonIdFromHash(hash: string): string | undefined {
  const m = /^#?lesson=([\w-]+)$/.exec(hash);
  return m && lessonById(m[1]) ? m[1] : undefined;
}

/** The configuration of the lesson a short link names, or null. */
export function lessonSpecFromHash(hash: string): RunSpec | null {
  const id = lessonIdFromHash(hash);
  return id ? lessonById(id)!.spec() : null;
}

/** The same configuration as a full playground: nothing hidden, no lesson beside it. */
export function leaveLesson(spec: RunSpec): RunSpec {
  const next = structuredClone(spec);
  delete next.lesson;
  delete next.hide;
  return next;
}
