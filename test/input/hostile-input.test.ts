// Input a hostile or careless user gives (issue 20): nothing from a file's contents becomes a path,
// every member not read is named, a file that cannot be read is an error (never a skip), and what is
// unpacked is bounded by a setting the user can raise.
import test from "ava";
import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, symlinkSync, linkSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeTarGz } from "../../src/nise/tar.ts";
import { stageUserInput } from "../../src/input/user-input.ts";
import { openInput } from "../../src/input/open-input.ts";
import { POD_HEADER, POD_ROW, tempFolder } from "../nise/helpers.ts";
import { DataError, UsageError } from "../../src/errors.ts";
import { runGenerateCommand } from "../../src/commands/generate.ts";
import { extractPayload, gunzipToStage, STAGE_LIMIT_SETTING, StageBudget } from "../../src/input/stage-files.ts";
import { convertUserInput } from "../../src/run/real-parts.ts";
import { DailySummaryReference } from "../../src/reference/summary.ts";

const POD_CSV = Buffer.from(`${POD_HEADER}\r\n${POD_ROW}\r\n`);

const manifest = (fields: Record<string, unknown>) =>
  JSON.stringify({ cluster_id: "c1", uuid: "u1", start: "2024-01-01T00:00:00.000000+00:00", ...fields });

function payload(dir: string, name: string, fields: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, writeTarGz([{ name: "u1_openshift_report.0.csv", data: POD_CSV }, { name: "manifest.json", data: Buffer.from(manifest(fields)) }]));
  return path;
}

test("a manifest cluster_id holding a path is refused naming the manifest, and nothing is written outside the stage folder", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    // the stage is <dir>/stage/csv: "October-2025-x/../../../pwned" would resolve to <dir>/pwned-...
    const cluster = "x/../../../pwned";
    const tarball = payload(dir, "p.tar.gz", { cluster_id: cluster });
    const e1 = await t.throwsAsync(stageUserInput(tarball, join(dir, "stage", "csv")), { instanceOf: DataError });
    t.is(e1!.message, `${tarball}: manifest.json cluster_id "x/../../../pwned" is not a cluster id (letters, digits, ".", "_" and "-" only; no "/", ".." or control characters)`);
    // the extracted form: manifest.json beside the CSV
    const extracted = join(dir, "extracted");
    mkdirSync(extracted);
    writeFileSync(join(extracted, "manifest.json"), manifest({ cluster_id: cluster }));
    writeFileSync(join(extracted, "u1_openshift_report.0.csv"), POD_CSV);
    const e2 = await t.throwsAsync(stageUserInput(extracted, join(dir, "stage2", "csv")), { instanceOf: DataError });
    t.true(e2!.message.startsWith(`${join(extracted, "manifest.json")}: manifest.json cluster_id "x/../../../pwned"`), e2!.message);
    t.deepEqual(readdirSync(dir).filter((f) => f.startsWith("pwned")), [], "no file or link left outside the stage");
  } finally {
    cleanup();
  }
});

test("a manifest whose month is 13 or whose cluster_id holds a newline is refused naming the manifest and the field", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const month13 = payload(dir, "m.tar.gz", { start: "2025-13-01T00:00:00.000000+00:00" });
    const e1 = await t.throwsAsync(stageUserInput(month13, join(dir, "s1")), { instanceOf: DataError });
    t.is(e1!.message, `${month13}: manifest.json start "2025-13-01T00:00:00.000000+00:00" is not a date (YYYY-MM-DD..., month 01-12)`);
    const newline = payload(dir, "n.tar.gz", { cluster_id: "c1\nx" });
    const e2 = await t.throwsAsync(stageUserInput(newline, join(dir, "s2")), { instanceOf: DataError });
    t.regex(e2!.message, /n\.tar\.gz: manifest\.json cluster_id "c1\\nx" is not a cluster id/);
  } finally {
    cleanup();
  }
});

test("symbolic and hard links inside a payload are listed as skipped and never followed", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const src = join(dir, "src");
    mkdirSync(src);
    writeFileSync(join(src, "u1_openshift_report.0.csv"), POD_CSV);
    writeFileSync(join(src, "manifest.json"), manifest({}));
    symlinkSync("/etc/passwd", join(src, "u1_openshift_report.1.csv"));
    linkSync(join(src, "u1_openshift_report.0.csv"), join(src, "u1_openshift_report.2.csv"));
    const tarball = join(dir, "p.tar.gz");
    execFileSync("tar", ["czf", tarball, "-C", src, "u1_openshift_report.0.csv", "u1_openshift_report.1.csv", "u1_openshift_report.2.csv", "manifest.json"]);
    const staged = await stageUserInput(tarball, join(dir, "stage"));
    t.deepEqual(staged.used.map((u) => basename(u.source)), ["p.tar.gz!u1_openshift_report.0.csv"]);
    t.deepEqual(
      staged.skipped.map((s) => [basename(s.source), s.reason]),
      [
        ["p.tar.gz!u1_openshift_report.1.csv", "a symbolic link: payload members are read only as regular files"],
        ["p.tar.gz!u1_openshift_report.2.csv", "a hard link: payload members are read only as regular files"],
      ],
    );
  } finally {
    cleanup();
  }
});

test("a .csv.gz cut short is an error naming the file, not a skip", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const input = join(dir, "in");
    mkdirSync(input);
    writeFileSync(join(input, "January-2024-c1-ocp_pod_usage-1.csv"), POD_CSV);
    const gz = gzipSync(Buffer.concat(Array.from({ length: 200 }, () => POD_CSV)));
    const cut = join(input, "January-2024-c1-ocp_pod_usage-2.csv.gz");
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length / 2)));
    const e = await t.throwsAsync(stageUserInput(input, join(dir, "stage")), { instanceOf: DataError });
    t.is(e!.message, `${cut}: not a readable gzip file (unexpected end of file); a file given as input must be read whole, so nothing was summed`);
  } finally {
    cleanup();
  }
});

test.serial("a payload that unpacks past STREAMBENCH_STAGE_LIMIT is refused naming the setting; raising it lets the same payload through", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  const saved = process.env[STAGE_LIMIT_SETTING];
  t.teardown(() => (saved === undefined ? delete process.env[STAGE_LIMIT_SETTING] : (process.env[STAGE_LIMIT_SETTING] = saved)));
  try {
    // 3,000 pod rows of 270 bytes: about 0.8 MB unpacked, from a tar.gz of a few KB
    const rows = Buffer.from(`${POD_ROW}\r\n`.repeat(3000));
    const tarball = join(dir, "bomb.tar.gz");
    writeFileSync(tarball, writeTarGz([{ name: "u1_openshift_report.0.csv", data: Buffer.concat([Buffer.from(`${POD_HEADER}\r\n`), rows]) }, { name: "manifest.json", data: Buffer.from(manifest({})) }]));
    process.env[STAGE_LIMIT_SETTING] = "500KB";
    const e = await t.throwsAsync(stageUserInput(tarball, join(dir, "s1")), { instanceOf: DataError });
    t.regex(e!.message, /bomb\.tar\.gz!u1_openshift_report\.0\.csv: unpacking the input would stage more than 0\.5 MiB \(STREAMBENCH_STAGE_LIMIT; raise it/);
    process.env[STAGE_LIMIT_SETTING] = "2MB";
    const staged = await stageUserInput(tarball, join(dir, "s2"));
    t.is(staged.used.length, 1);
  } finally {
    cleanup();
  }
});

test("a folder holding only a Koku parquet tree is refused with one message that says where such a tree is read", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const table = join(dir, "tree", "data", "1234567", "OCP", "source=s1", "year=2025", "month=10", "openshift_pod_usage_line_items");
    mkdirSync(table, { recursive: true });
    writeFileSync(join(table, "part-00000.parquet"), "PAR1");
    const e = await t.throwsAsync(stageUserInput(join(dir, "tree"), join(dir, "stage")), { instanceOf: DataError });
    t.is(e!.message, `--input ${join(dir, "tree")}: a Koku parquet tree, which run reads only from S3: upload it and give --input s3://bucket/prefix (aggregate --input reads the folder itself)`);
  } finally {
    cleanup();
  }
});

test("without a month in the manifest, a first data row in month 13 is refused naming the CSV, line 2 and the column", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const tarball = join(dir, "p.tar.gz");
    const csv = Buffer.from(`${POD_HEADER}\r\n${POD_ROW.replaceAll("2024-01-01 00:00:00", "2024-13-01 00:00:00")}\r\n`);
    writeFileSync(tarball, writeTarGz([{ name: "u1_openshift_report.0.csv", data: csv }, { name: "manifest.json", data: Buffer.from(JSON.stringify({ cluster_id: "c1", uuid: "u1" })) }]));
    const e = await t.throwsAsync(stageUserInput(tarball, join(dir, "stage")), { instanceOf: DataError });
    // the month is read from interval_start (the 3rd column), whose 2024-01-01 became 2024-13-01
    t.is(e!.message, `${tarball}!u1_openshift_report.0.csv: line 2, column "interval_start": "2024-13-01 00:00:00 +0000 UTC" is not a date (month 01-12)`);
  } finally {
    cleanup();
  }
});

test("a folder reached twice through a link is read once, a link loop ends, and a named pipe is listed as skipped, never opened", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const input = join(dir, "in");
    mkdirSync(join(input, "data"), { recursive: true });
    mkdirSync(join(input, "sub"));
    writeFileSync(join(input, "data", "January-2024-c1-ocp_pod_usage.csv"), POD_CSV);
    symlinkSync("data", join(input, "alias")); // the same folder under a second name: its CSV would be summed twice
    symlinkSync("..", join(input, "sub", "up")); // a loop back to the input folder
    execFileSync("mkfifo", [join(input, "January-2024-c1-ocp_pod_usage-2.csv")]); // opening it would block for ever
    const staged = await stageUserInput(input, join(dir, "stage"));
    // the walk goes in name order: alias/ comes before data/, so the CSV is read as alias/...
    t.deepEqual(staged.used.map((u) => u.source), [join(input, "alias", "January-2024-c1-ocp_pod_usage.csv")]);
    t.deepEqual(
      staged.skipped.map((s) => [s.source, s.reason]),
      [
        [join(input, "January-2024-c1-ocp_pod_usage-2.csv"), "not a regular file (a named pipe, device or socket): not read"],
        [join(input, "data"), `the same folder as ${join(input, "alias")} (reached through a link): read once`],
        [join(input, "sub", "up"), `the same folder as ${input} (reached through a link): read once`],
      ],
    );
    t.not(staged.dir, input, "the folder is not read in place, where the readers would open the pipe");
  } finally {
    cleanup();
  }
});

test("run --input: bad data in a payload member is named by the payload and member the user gave, not by the staged copy", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    // the member's 2nd row is cut after the 12th field: no line end, too few fields
    const cut = Buffer.from(`${POD_HEADER}\r\n${POD_ROW}\r\n${POD_ROW.split(",").slice(0, 12).join(",")}`);
    const tarball = join(dir, "p.tar.gz");
    writeFileSync(tarball, writeTarGz([{ name: "u1_openshift_report.0.csv", data: cut }, { name: "manifest.json", data: Buffer.from(manifest({})) }]));
    const sink = new DailySummaryReference({ enabledTagKeys: null });
    // staged as run stages it, beside its data folder
    const opened = await openInput(tarball, join(dir, "out.input-stage"));
    if (opened.kind !== "csv") return t.fail(`a payload is CSV input, not ${opened.kind}`);
    const e = await t.throwsAsync(convertUserInput(opened.staged, join(dir, "out"), sink), { instanceOf: DataError });
    // header line 1, the whole row line 2, the cut row line 3
    t.true(e!.message.startsWith(`${tarball}!u1_openshift_report.0.csv:3: `), e!.message);
    t.false(e!.message.includes(".input-stage"), e!.message);
  } finally {
    cleanup();
  }
});

test("an extracted payload's manifest.json over 1 MiB is refused naming it, as inside a payload, instead of being read whole", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const extracted = join(dir, "extracted");
    mkdirSync(extracted);
    // valid JSON after 2 MiB of blanks: 2,097,152 + the manifest's bytes > 1,048,576
    const path = join(extracted, "manifest.json");
    const text = " ".repeat(2 * 1024 * 1024) + manifest({});
    writeFileSync(path, text);
    writeFileSync(join(extracted, "u1_openshift_report.0.csv"), POD_CSV);
    const e = await t.throwsAsync(stageUserInput(extracted, join(dir, "stage")), { instanceOf: DataError });
    t.is(e!.message, `${path}: manifest.json of ${Buffer.byteLength(text)} bytes (at most 1048576)`);
  } finally {
    cleanup();
  }
});

test("a .csv.gz that cannot be opened (gone since the folder was listed) is an error naming it, not a crash of the process", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const gone = join(dir, "January-2024-c1-ocp_pod_usage.csv.gz");
    const e = await t.throwsAsync(gunzipToStage(gone, join(dir, "staged.csv"), new StageBudget(1e6)), { instanceOf: DataError });
    t.true(e!.message.startsWith(`${gone}: not a readable gzip file (ENOENT`), e!.message);
  } finally {
    cleanup();
  }
});

test("only a payload's first manifest.json is held in memory; a second is listed as skipped and its bytes dropped", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const tarball = join(dir, "p.tar.gz");
    const second = manifest({ cluster_id: "other" });
    writeFileSync(
      tarball,
      writeTarGz([
        { name: "manifest.json", data: Buffer.from(manifest({})) },
        { name: "u1_openshift_report.0.csv", data: POD_CSV },
        { name: "again/manifest.json", data: Buffer.from(second) },
      ]),
    );
    const members = await extractPayload(tarball, (i) => join(dir, `m${i}.csv`), new StageBudget(1e6));
    t.deepEqual(
      members.map((m) => [m.member.name, m.text !== undefined]),
      [["manifest.json", true], ["u1_openshift_report.0.csv", false], ["again/manifest.json", false]],
    );
    const staged = await stageUserInput(tarball, join(dir, "stage"));
    t.deepEqual(staged.used.map((u) => u.clusterId), ["c1"], "the first manifest's cluster");
    t.deepEqual(staged.skipped, [{ source: `${tarball}!again/manifest.json`, reason: "a second manifest.json: the payload's first is read" }]);
  } finally {
    cleanup();
  }
});

test("generate refuses a cluster id that --input would refuse: \"..\" would package the payloads beside --insights-upload DIR, a space is no cluster id", async (t) => {
  const { dir, cleanup } = tempFolder("hostile");
  try {
    const yml = join("test", "fixtures", "nise", "random-defaults", "manifest.yml");
    for (const id of ["..", ".hidden", "my cluster"]) {
      const upload = join(dir, "up");
      const e = await t.throwsAsync(runGenerateCommand(["--static-report-file", yml, "--ocp-cluster-id", id, "--out", join(dir, "out"), "--insights-upload", upload]), { instanceOf: UsageError });
      t.is(e!.message, `--ocp-cluster-id: must be 1 to 50 letters, digits, ".", "_" or "-" (nise allows 50), not starting with ".", got ${JSON.stringify(id)}`);
      t.deepEqual(readdirSync(dir), [], `${id}: nothing written`);
    }
  } finally {
    cleanup();
  }
});
