// Polls until a condition holds: tests wait for what the code under test does, not for fixed sleeps.
// Once it resolves no timer of its own is left (unlike expect.poll), so tests that count live timers
// can use it.
export function until(condition: () => boolean, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (condition()) resolve();
      else if (Date.now() > deadline) reject(new Error(`${what} not met in time`));
      else setTimeout(check, 20);
    };
    check();
  });
}
