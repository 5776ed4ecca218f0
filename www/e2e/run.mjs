import { runTests } from "./harness.mjs";
import { tests } from "./playground.test.mjs";

process.exit((await runTests(tests)) ? 0 : 1);
