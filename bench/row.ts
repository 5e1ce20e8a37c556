/** One figure of the benchmark report, beside its target. */
export interface Row {
  section: string;
  figure: string;
  value: string;
  target: string;
  /** null for a reference figure with no target. */
  met: boolean | null;
  note?: string;
  /** Why a miss happens and what would reach the target: printed only when missed. */
  ifMissed?: string;
}

export type AddRow = (row: Row) => void;
