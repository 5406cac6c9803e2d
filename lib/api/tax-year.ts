/**
 * Tax years as the bank reports them: tax year 2026 runs from 1 March 2025 to the end of February
 * 2026 (the last day of February, 28th or 29th). Dates are UTC, like every time the API gives.
 */

/** The tax year a moment falls in. */
export function taxYearOf(moment: Date): number {
  return moment.getUTCMonth() >= 2 ? moment.getUTCFullYear() + 1 : moment.getUTCFullYear();
}

/** The last tax years that have ended by `now`, newest first. */
export function completedTaxYears(now: Date, count: number): number[] {
  const current = taxYearOf(now);
  return Array.from({ length: count }, (_, i) => current - 1 - i);
}

/** The first and last day of a tax year, as ISO dates (2025-03-01 … 2026-02-28). */
export function taxYearDates(taxYear: number): { from: string; to: string } {
  const lastOfFebruary = new Date(Date.UTC(taxYear, 2, 0)); // day 0 of March: the last day of February
  return { from: `${taxYear - 1}-03-01`, to: lastOfFebruary.toISOString().slice(0, 10) };
}
