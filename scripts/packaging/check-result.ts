// One named check of the packaged app: passed with a short summary, or failed with its problems.
export interface CheckResult {
  name: string;
  ok: boolean;
  /** What was found (when ok) or what is wrong (when not). */
  details: string[];
}

export function checkOf(name: string, problems: string[], summaryWhenOk: string): CheckResult {
  return problems.length === 0
    ? { name, ok: true, details: [summaryWhenOk] }
    : { name, ok: false, details: problems };
}

export function formatCheck(check: CheckResult): string {
  const [first = '', ...rest] = check.details;
  const lines = [`${check.ok ? 'ok  ' : 'FAIL'}  ${check.name}: ${first}`];
  for (const detail of rest) lines.push(`        ${detail}`);
  return lines.join('\n');
}
