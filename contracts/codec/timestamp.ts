/**
 * Datetimes on the wire: `google.protobuf.Timestamp` (seconds since the epoch and nanos), whose range is
 * 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999999Z (its definition: "the range is from
 * 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z"). The codec carries milliseconds (JavaScript's
 * precision); a datetime outside the range is refused on encode and on decode alike, and so are nanos outside
 * 0…999,999,999.
 */

/** 0001-01-01T00:00:00Z in seconds since the epoch. */
export const TIMESTAMP_MIN_SECONDS = -62_135_596_800;
/** 9999-12-31T23:59:59Z in seconds since the epoch. */
export const TIMESTAMP_MAX_SECONDS = 253_402_300_799;
/** The first instant a Timestamp carries, in ms. */
export const TIMESTAMP_MIN_MS = TIMESTAMP_MIN_SECONDS * 1000;
/** The last millisecond a Timestamp carries. */
export const TIMESTAMP_MAX_MS = TIMESTAMP_MAX_SECONDS * 1000 + 999;
/** The largest nanos a Timestamp carries. */
export const TIMESTAMP_MAX_NANOS = 999_999_999;

/** The message of a datetime outside the range (quotes no value). */
export const TIMESTAMP_RANGE_MESSAGE = 'outside the range a protobuf Timestamp carries (0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z).';

/** True when `ms` is an instant a Timestamp carries. */
export function inTimestampRange(ms: number): boolean {
  return ms >= TIMESTAMP_MIN_MS && ms <= TIMESTAMP_MAX_MS;
}

const zero = 48;
const digit = (s: string, i: number) => s.charCodeAt(i) - zero;
const isDigit = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** Days from 1970-01-01 to a civil date (proleptic Gregorian; H. Hinnant's algorithm). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * The instant of an ISO-8601 datetime string in ms, or NaN. The UTC forms `YYYY-MM-DDTHH:MM:SS[.f…]Z` are read
 * digit by digit (fraction digits past the millisecond are dropped, as `Date.parse` does); any other form
 * (an offset, no seconds, local time) is left to `Date.parse`. Assumes nothing about `s`: a malformed string gives
 * NaN, never a throw.
 */
export function msFromIso(s: string): number {
  const ms = utcIsoMs(s);
  return Number.isNaN(ms) ? Date.parse(s) : ms;
}

/**
 * The instant of a datetime in the UTC form `YYYY-MM-DDTHH:MM:SS[.f…]Z` with a real calendar date, read digit by
 * digit (fraction digits past the millisecond dropped); NaN for any other string.
 */
export function utcIsoMs(s: string): number {
  const n = s.length;
  if (
    n >= 20 && s.charCodeAt(n - 1) === 90 /* Z */ && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 && s.charCodeAt(16) === 58 && isDigit(s, 0) && isDigit(s, 1) && isDigit(s, 2) && isDigit(s, 3) &&
    isDigit(s, 5) && isDigit(s, 6) && isDigit(s, 8) && isDigit(s, 9) && isDigit(s, 11) && isDigit(s, 12) && isDigit(s, 14) &&
    isDigit(s, 15) && isDigit(s, 17) && isDigit(s, 18)
  ) {
    let ms = 0;
    if (n > 20) {
      if (s.charCodeAt(19) !== 46 /* . */ || n === 21) return NaN;
      for (let i = 20; i < n - 1; i++) if (!isDigit(s, i)) return NaN;
      ms = digit(s, 20) * 100 + (n > 22 ? digit(s, 21) * 10 : 0) + (n > 23 ? digit(s, 22) : 0);
    }
    const y = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    const mo = digit(s, 5) * 10 + digit(s, 6);
    const d = digit(s, 8) * 10 + digit(s, 9);
    const h = digit(s, 11) * 10 + digit(s, 12);
    const mi = digit(s, 14) * 10 + digit(s, 15);
    const sec = digit(s, 17) * 10 + digit(s, 18);
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return NaN;
    return (daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec) * 1000 + ms;
  }
  return NaN;
}

function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` of an instant within the Timestamp range (what `Date.prototype.toISOString` gives there). */
export function isoFromMs(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  let rest = ms - days * 86_400_000;
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000);
  rest -= mi * 60_000;
  const sec = Math.floor(rest / 1000);
  const milli = rest - sec * 1000;
  // civil from days (H. Hinnant)
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  const yy = y < 10 ? `000${y}` : y < 100 ? `00${y}` : y < 1000 ? `0${y}` : `${y}`;
  return `${yy}-${pad2(m)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}.${pad3(milli)}Z`;
}
