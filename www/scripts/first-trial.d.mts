// Types for first-trial.mjs (run by node in the build; its logic is tested by test/first-trial.test.ts).
export declare const FIRST_TRIAL_BUDGET_GZIP: number;
export declare function references(file: string, text: string): { imports: string[]; workers: string[]; wasm: string[] };
export declare function htmlReferences(html: string): string[];
export declare function fetchedBeforeFirstTrial(html: string, read: (path: string) => string, isStudyWorker: (path: string) => boolean): string[];
export declare function checkBudget(gzipBytes: number, budget?: number): { ok: boolean; message: string };
