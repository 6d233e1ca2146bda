/** One option of a radio group or select: its value, its name on screen and an optional explanation. */
export interface Choice<V extends string> {
  value: V;
  label: string;
  description?: string;
}
