// How Java prints the values ZooKeeper's admin output contains (Long.toHexString, Double
// toString, Date.toString, Version.getFullVersion), so that Zoo's text matches byte for byte.

/** Zoo reports itself as this ZooKeeper version (srvr, mntr, envi). */
export const zooVersion = '3.8.0-zoo';

/** Long.toHexString: lowercase, no padding, two's complement for negatives. */
export function javaHex(value: bigint | number): string {
  return BigInt.asUintN(64, BigInt(value)).toString(16);
}

/** Double.toString: `0.0`, `1.3626`, `1.0E-4`, `1.2E7`. */
export function javaDouble(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e7) {
    const text = String(value);
    return text.includes('.') ? text : `${text}.0`;
  }
  const [mantissa = '0', exponent = '0'] = value.toExponential().split('e');
  const javaMantissa = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${javaMantissa}E${Number(exponent)}`;
}

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date.toString in UTC: `Thu Nov 21 10:15:00 UTC 2024`. */
export function javaDateUtc(epochMs: number): string {
  const date = new Date(epochMs);
  const time = [date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()].map(pad2);
  const weekday = weekdays[date.getUTCDay()] ?? '???';
  const month = months[date.getUTCMonth()] ?? '???';
  const day = pad2(date.getUTCDate());
  return `${weekday} ${month} ${day} ${time.join(':')} UTC ${date.getUTCFullYear()}`;
}

/** Version.getFullVersion style: `3.8.0-zoo, built on 2024-01-31 09:05 UTC`. */
export function formatVersion(version: string, builtAtMs: number): string {
  const date = new Date(builtAtMs);
  const day = [date.getUTCFullYear(), pad2(date.getUTCMonth() + 1), pad2(date.getUTCDate())];
  const time = `${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}`;
  return `${version}, built on ${day.join('-')} ${time} UTC`;
}

function pad2(value: number): string {
  return String(value).padStart(2, '0');
}
