import { describe, expect, it } from "vitest";
import { csvColumns, csvField, formatDuration, trialsCsv } from "../src/csv";
import type { FrozenTrial } from "wasmtune";

function trial(n: number, over: Partial<FrozenTrial> = {}): FrozenTrial {
  return {
    number: n,
    state: "COMPLETE",
    values: [n * 1.5],
    value: n * 1.5,
    params: {},
    distributions: {},
    intermediateValues: {},
    userAttrs: {},
    systemAttrs: {},
    datetimeStart: Date.UTC(2024, 0, 1, 0, 0, 0) + n * 1000,
    datetimeComplete: Date.UTC(2024, 0, 1, 0, 0, 0) + n * 1000 + 250,
    duration: 250,
    ...over,
  };
}

describe("trialsCsv (Optuna's trials_dataframe columns)", () => {
  it("orders columns as trials_dataframe: number, value, datetimes, duration, params, user/system attrs, state", () => {
    const ts = [
      trial(0, { params: { y: 2, x: 1 }, userAttrs: { note: "a" }, systemAttrs: { fail_reason: "boom" } }),
      trial(1, { params: { x: 3, opt: "adam" } }),
    ];
    expect(csvColumns(ts, 1)).toEqual([
      "number",
      "value",
      "datetime_start",
      "datetime_complete",
      "duration",
      "params_opt",
      "params_x",
      "params_y",
      "user_attrs_note",
      "system_attrs_fail_reason",
      "state",
    ]);
  });

  it("flattens params; a trial without a param leaves the cell empty", () => {
    const csv = trialsCsv([trial(1, { params: { x: 3 } }), trial(0, { params: { x: 1, y: true } })]);
    const [header, r0, r1] = csv.trim().split("\n");
    expect(header).toBe("number,value,datetime_start,datetime_complete,duration,params_x,params_y,state");
    expect(r0.split(",")[0]).toBe("0"); // rows in number order
    expect(r0.endsWith(",1,True,COMPLETE")).toBe(true);
    expect(r1.endsWith(",3,,COMPLETE")).toBe(true);
  });

  it("writes values_0, values_1 for two objectives, empty values for unfinished trials", () => {
    const csv = trialsCsv(
      [trial(0, { values: [1, 2], value: null }), trial(1, { values: null, value: null, state: "FAIL", datetimeComplete: null, duration: null })],
      2,
    );
    const [header, r0, r1] = csv.trim().split("\n");
    expect(header.startsWith("number,values_0,values_1,datetime_start")).toBe(true);
    expect(r0.startsWith("0,1,2,")).toBe(true);
    expect(r1.startsWith("1,,,")).toBe(true);
    expect(r1.endsWith(",,,FAIL")).toBe(true);
  });

  it("escapes commas, quotes and newlines", () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField("plain")).toBe("plain");
    expect(csvField(null)).toBe("");
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    const csv = trialsCsv([trial(0, { params: { "k": 'x,"y"\nz' } })]);
    expect(csv).toContain(',"x,""y""\nz",COMPLETE');
  });

  it("writes datetimes and durations as pandas does", () => {
    expect(formatDuration(1250.5)).toBe("0 days 00:00:01.250500");
    expect(formatDuration(90_061_000)).toBe("1 days 01:01:01.000000");
    const row = trialsCsv([trial(0)]).split("\n")[1];
    expect(row).toMatch(/^0,0,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.000000,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.250000,0 days 00:00:00\.250000,COMPLETE$/);
  });
});
