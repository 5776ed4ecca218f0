// The page's memory as the Chrome DevTools Protocol sees it: for the page and every worker (the
// study worker, evaluators, a race), the JS heap in use (`Runtime.getHeapUsage`) plus the bytes of
// every WebAssembly.Memory alive in it (found with `Runtime.queryObjects`, so the product needs no
// hook). Workers are reached through the page's CDP session with Target auto-attach, recursively
// (evaluator workers are the study worker's children).

/** Starts watching `page`; `sample()` returns the totals now, in bytes. */
export async function watchMemory(context, page) {
  const root = await context.newCDPSession(page);
  const targets = new Map(); // sessionId → { type, url }
  let nextId = 1;
  const waiting = new Map(); // id → resolve/reject
  root.on("Target.attachedToTarget", ({ sessionId, targetInfo }) => {
    targets.set(sessionId, { type: targetInfo.type, url: targetInfo.url });
    // Its own workers, too (evaluators are started by the study worker).
    void send(sessionId, "Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false }).catch(() => {});
  });
  root.on("Target.detachedFromTarget", ({ sessionId }) => targets.delete(sessionId));
  root.on("Target.receivedMessageFromTarget", ({ sessionId, message }) => {
    const m = JSON.parse(message);
    // Nested targets report through their parent's session.
    if (m.method === "Target.attachedToTarget") {
      targets.set(m.params.sessionId, { type: m.params.targetInfo.type, url: m.params.targetInfo.url, parent: sessionId });
      void send(m.params.sessionId, "Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false }).catch(() => {});
    } else if (m.method === "Target.detachedFromTarget") targets.delete(m.params.sessionId);
    if (m.id !== undefined && waiting.has(m.id)) {
      const w = waiting.get(m.id);
      waiting.delete(m.id);
      m.error ? w.reject(new Error(m.error.message)) : w.resolve(m.result);
    }
  });
  /** A command to the target of `sessionId` (through its parent when nested). */
  function send(sessionId, method, params = {}) {
    const id = nextId++;
    const t = targets.get(sessionId);
    const message = JSON.stringify({ id, method, params });
    return new Promise((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      const deliver = t?.parent
        ? send(t.parent, "Target.sendMessageToTarget", { sessionId, message })
        : root.send("Target.sendMessageToTarget", { sessionId, message });
      deliver.catch((e) => {
        waiting.delete(id);
        reject(e);
      });
    });
  }
  await root.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });

  async function measure(call, withWasm) {
    const heap = (await call("Runtime.getHeapUsage")).usedSize;
    if (!withWasm) return { heap, wasm: 0 };
    const proto = await call("Runtime.evaluate", { expression: "WebAssembly.Memory.prototype" });
    const found = await call("Runtime.queryObjects", { prototypeObjectId: proto.result.objectId });
    const sum = await call("Runtime.callFunctionOn", {
      objectId: found.objects.objectId,
      functionDeclaration: "function () { return this.reduce((n, m) => n + m.buffer.byteLength, 0); }",
      returnByValue: true,
    });
    return { heap, wasm: sum.result.value };
  }

  return {
    /** JS heap (the page's after a garbage collection) and wasm memory of the page and each worker
     *  now, and their total. `withWasm`
     *  false: the JS heaps alone (finding the wasm memories is a heap walk, and Chromium's
     *  renderer crashes when one runs in a worker busy with wasm; a study's wasm memory only
     *  grows, so its size at the end bounds it at every moment before). */
    async sample(withWasm = true) {
      // The page's live heap: garbage not yet collected is not memory the page needs (the
      // workers are left alone: see above).
      await root.send("HeapProfiler.collectGarbage");
      const parts = [{ target: "page", ...(await measure((m, p) => root.send(m, p), withWasm)) }];
      for (const [sessionId, t] of targets) {
        if (!/worker/.test(t.type)) continue;
        try {
          parts.push({ target: `${t.type} ${t.url.split("/").pop()}`, ...(await measure((m, p) => send(sessionId, m, p), withWasm)) });
        } catch {
          // a worker that ended between the listing and the question
        }
      }
      return { parts, total: parts.reduce((n, p) => n + p.heap + p.wasm, 0) };
    },
    async close() {
      await root.detach().catch(() => {});
    },
  };
}

/** Runs a study in a fresh browser context: opens `url`, lets `setup(page)` configure it, presses
 *  Start, and samples the JS heaps every `everyMs` until the study finishes, then everything once
 *  the views have settled. Returns the final total and a bound on the peak (bytes): the largest
 *  sum of JS heaps seen plus the wasm memory at the end (which only grew), with the final parts. */
export async function studyMemory(newContext, url, setup, everyMs = 2000) {
  const env = await newContext();
  try {
    const page = await env.context.newPage();
    await page.goto(url);
    await page.waitForSelector('#status[data-state="idle"]');
    await setup(page);
    const mem = await watchMemory(env.context, page);
    await page.click("#start");
    let heaps = 0;
    let finished = false;
    const done = page.waitForSelector('#status[data-state="finished"]', { timeout: 0 }).then(() => (finished = true));
    while (!finished) {
      heaps = Math.max(heaps, (await mem.sample(false)).total);
      await Promise.race([done, new Promise((r) => setTimeout(r, everyMs))]);
    }
    await page.waitForSelector('#results[data-views="settled"]', { timeout: 0 });
    const last = await mem.sample();
    const wasm = last.parts.reduce((n, p) => n + p.wasm, 0);
    const trials = Number(await page.getAttribute("#progress", "data-done"));
    await mem.close();
    return { peak: Math.max(heaps + wasm, last.total), final: last.total, parts: last.parts, trials };
  } finally {
    await env.close();
  }
}
