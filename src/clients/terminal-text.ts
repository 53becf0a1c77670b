/**
 * Removes what could make text act on a terminal instead of being shown: escape sequences (CSI,
 * OSC such as "set title", DCS and the rest), C0/C1 control characters, and the bidirectional
 * embeddings, overrides and isolates (U+202A–202E, U+2066–2069) with their marks (U+200E, U+200F,
 * U+061C), which let one user make the rest of a line read in another order. Tabs become spaces.
 */
const ESCAPE_SEQUENCE =
  /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[PX^_][^\u001b]*(?:\u001b\\)?|[@-Z\\-_]|.)?|\u009b[0-?]*[ -/]*[@-~]/g;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

export function sanitizeForTerminal(text: string): string {
  return text.replace(ESCAPE_SEQUENCE, '').replace(/\t/g, ' ').replace(CONTROL, '');
}
