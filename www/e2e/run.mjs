import { runTests } from "./harness.mjs";
import { tests as playground } from "./playground.test.mjs";
import { tests as plots } from "./plots.test.mjs";

process.exit((await runTests([...playground, ...plots])) ? 0 : 1);
