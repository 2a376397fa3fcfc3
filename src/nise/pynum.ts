// Python numbers as nise prints them. nise computes with Python ints and floats and writes them with
// str(): ints as plain digits (exact at any size), floats as the shortest round-trip repr that always
// keeps ".0" and switches to exponent form below 1e-4 and from 1e16 on. A TS port needs to know, for
// every value, whether Python would hold an int or a float: that is the `int` flag here.

/** A Python number: its value, whether it is an int, and the exact digits when an int exceeds 2^53. */
export interface PyNum {
  readonly v: number;
  readonly int: boolean;
  readonly big?: bigint;
}

export const pyInt = (v: number | bigint): PyNum =>
  typeof v === "bigint"
    ? Number.isSafeInteger(Number(v)) ? { v: Number(v), int: true } : { v: Number(v), int: true, big: v }
    : { v, int: true };
export const pyFloat = (v: number): PyNum => ({ v, int: false });

const bigOf = (a: PyNum): bigint => a.big ?? BigInt(a.v);

/** Python `a * b`: int × int stays an exact int, anything with a float is a float. */
export function pyMul(a: PyNum, b: PyNum): PyNum {
  if (a.int && b.int) {
    const p = a.v * b.v;
    if (a.big === undefined && b.big === undefined && Number.isSafeInteger(p)) return { v: p, int: true };
    return pyInt(bigOf(a) * bigOf(b));
  }
  return { v: a.v * b.v, int: false };
}

/** Python `a / b` (true division): always a float. */
export const pyDiv = (a: PyNum, b: PyNum): PyNum => ({ v: a.v / b.v, int: false });

/** Python `min(a, b)`: the first argument unless the second is strictly smaller (ties keep `a`'s type). */
export const pyMin = (a: PyNum, b: PyNum): PyNum => (b.v < a.v ? b : a);

/** Python `round(x, n)` for n > 0: a float. (Ties on the exact binary value round half-up here, half-even in Python; they need an exact ...5 tail, which random draws practically never hit.) */
export const pyRound = (x: number, n: number): PyNum => ({ v: Number(x.toFixed(n)), int: false });

/** Python `repr(float)`. */
export function formatPyFloat(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const exp = x.toExponential(); // shortest round-trip digits, e.g. "-1.2345e+17"
  const ePos = exp.indexOf("e");
  let mant = exp.slice(0, ePos);
  const e = Number(exp.slice(ePos + 1));
  let sign = "";
  if (mant[0] === "-") {
    sign = "-";
    mant = mant.slice(1);
  }
  const digits = mant.replace(".", "");
  if (e >= 16 || e < -4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    return `${sign}${m}e${e < 0 ? "-" : "+"}${es}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${"0".repeat(e + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** Python `str(n)` for an int held as a double (exact only up to 2^53; pass `big` for more). */
export function formatPyIntValue(v: number, big?: bigint): string {
  if (big !== undefined) return big.toString();
  if (Number.isSafeInteger(v)) return String(v);
  return BigInt(v).toString();
}

export const formatPyNum = (n: PyNum): string => (n.int ? formatPyIntValue(n.v, n.big) : formatPyFloat(n.v));

/** Python `str()` of a YAML scalar used as text (e.g. `resource_id: 11111111`). */
export function pyStr(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number") return formatPyFloat(value);
  if (typeof value === "boolean") return value ? "True" : "False";
  if (value === null || value === undefined) return "None";
  return String(value);
}
