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

process.exit((await runTests([...playground, ...plots, ...link, ...workers, ...teaching, ...lessons, ...hosting, ...faults, ...scale, ...terminator, ...mnist])) ? 0 : 1);
