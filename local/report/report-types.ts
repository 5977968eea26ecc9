/** The shapes of the ops report, shared by its rows and both renderers. */

/** A table as both renderers draw it: a title, column heads and rows of cells. */
export interface Table {
  title: string;
  head: string[];
  rows: (string | number)[][];
  /** Said under the table (what is not in this run, how a figure is made). */
  note?: string;
}

/** A chart of the HTML page: one series per dataset over the labels (days, rungs, grades). */
export interface Chart {
  id: string;
  title: string;
  kind: 'line' | 'bar';
  stacked?: boolean;
  /** Values are percentages (roll rates). */
  percent?: boolean;
  labels: string[];
  /** `null`: no value that day (a roll rate with no loan in the bucket 30 days before). */
  datasets: { label: string; data: (number | null)[] }[];
}

/** One row of the ops view, as on the CloudWatch dashboard. */
export interface ReportSection {
  title: string;
  tables: Table[];
  charts: Chart[];
  /** What the row will hold once the part of Duebell that publishes it lands. */
  missing?: string;
}
