/** Local calendar days: budgets reset at local midnight, whatever the time zone or a DST change. */

/** The local date at `now`, as YYYY-MM-DD. */
export function localDay(now: number): string {
  const date = new Date(now);
  const pad = (value: number): string => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The next local midnight after `now`: 23 or 25 hours away on a DST change, not 24. */
export function nextMidnight(now: number): number {
  const date = new Date(now);
  // Hour 24 of today is 00:00 of tomorrow; Date does the calendar and the DST arithmetic.
  date.setHours(24, 0, 0, 0);
  return date.getTime();
}
