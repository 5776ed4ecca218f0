import { runTests } from "./harness.mjs";
import { tests as faults } from "./faults.test.mjs";
import { tests as hosting } from "./hosting.test.mjs";
import { tests as lessons } from "./lessons.test.mjs";
import { tests as link } from "./link.test.mjs";
import { tests as mnist } from "./mnist.test.mjs";
import { tests as playground } from "./playground.test.mjs";
import { tests as plots } from "./plots.test.mjs";
import { tests as scale } from "./scale.test.mjs";
import { tests as teaching } from "./teaching.test.mjs";
import { tests as terminator } from "./terminator.test.mjs";
import { tests as workers } from "./workers.test.mjs";

// The shards take tests from one queue in this order (e2e/harness.mjs): the longest first (the
// 10,000-trial study, then the files whose tests run 10-25 s), so that no browser is left with a
// long test when the other has run out of work.
process.exit((await runTests([...scale, ...playground, ...lessons, ...plots, ...hosting, ...mnist, ...faults, ...teaching, ...workers, ...link, ...terminator])) ? 0 : 1);
