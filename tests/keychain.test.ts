// The secret store against a REAL Secret Service: gnome-keyring on a private D-Bus session bus, in a
// child process with a private HOME and runtime dir, so the user's own keyring is never touched. The
// child's environment is built from scratch (no DISPLAY, no inherited bus address), so even on a
// desktop machine nothing can reach the real session bus.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const FIXTURE = resolve('tests/fixtures/keychain-exercise.ts');
const KEY = `sk_${randomBytes(24).toString('hex')}`;

/** Starts gnome-keyring unlocked (creating the login keyring on first use), then runs the fixture. */
const WITH_UNLOCKED_KEYRING =
  'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec node --import tsx "$0" "$1"';
/** Starts gnome-keyring WITHOUT unlocking it; it cannot prompt headless, so the keyring stays locked. */
const WITH_LOCKED_KEYRING =
  'gnome-keyring-daemon --start --components=secrets >/dev/null; exec node --import tsx "$0" "$1"';

interface Sandbox {
  home: string;
  runtime: string;
}

const sandboxes: string[] = [];

async function sandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'hark-keychain-'));
  sandboxes.push(root);
  const home = join(root, 'home');
  const runtime = join(root, 'runtime');
  await mkdir(home, { mode: 0o700 });
  await mkdir(runtime, { mode: 0o700 }); // XDG_RUNTIME_DIR must be private to its user
  return { home, runtime };
}

afterEach(async () => {
  await Promise.all(sandboxes.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Only what the child needs: no DISPLAY, no WAYLAND_DISPLAY, no DBUS_SESSION_BUS_ADDRESS. */
function isolatedEnv({ home, runtime }: Sandbox): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: runtime,
    LANG: 'C.UTF-8',
    HARK_TEST_KEY: KEY,
  };
}

interface ChildRun {
  result: Record<string, unknown>;
  output: string;
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  return new Promise((resolvePromise, reject) => {
    execFile(command, args, { env, timeout: 25_000, cwd: process.cwd() }, (error, stdout, stderr) => {
      const output = `${stdout}\n${stderr}`;
      const line = stdout.split('\n').find((l) => l.startsWith('RESULT '));
      if (!line) {
        reject(new Error(`no RESULT line (${error?.message ?? 'exit 0'}):\n${output}`));
        return;
      }
      resolvePromise({ result: JSON.parse(line.slice('RESULT '.length)) as Record<string, unknown>, output });
    });
  });
}

function inKeyringSession(box: Sandbox, script: string, scenario: string): Promise<ChildRun> {
  return run('dbus-run-session', ['--', 'sh', '-c', script, FIXTURE, scenario], isolatedEnv(box));
}

function expectNoKeyIn(child: ChildRun): void {
  expect(child.output).not.toContain(KEY);
}

describe('secret store on a real gnome-keyring', () => {
  it('sets, reads, reports and clears the key in a private keyring', async () => {
    const box = await sandbox();
    const child = await inKeyringSession(box, WITH_UNLOCKED_KEYRING, 'full');
    expect(child.result).toMatchObject({
      statusBefore: { state: 'absent' },
      invalid: { ok: false, code: 'invalid_key' },
      set: { ok: true },
      statusAfterSet: { state: 'stored' },
      readBack: true,
      readByFreshStore: true,
      clear: { ok: true },
      statusAfterClear: { state: 'absent' },
      readAfterClear: 'undefined',
      clearAgain: { ok: true },
    });
    // The keyring that was used is the private one, not the user's.
    expect(existsSync(join(box.home, '.local/share/keyrings/login.keyring'))).toBe(true);
    expectNoKeyIn(child);
  });

  it('keeps the key across processes, and says so when the keyring is locked', async () => {
    const box = await sandbox();
    const first = await inKeyringSession(box, WITH_UNLOCKED_KEYRING, 'store-only');
    expect(first.result).toEqual({ set: { ok: true } });
    const second = await inKeyringSession(box, WITH_LOCKED_KEYRING, 'locked');
    expect(second.result).toMatchObject({
      set: { ok: false, code: 'keychain_unavailable', problem: 'locked' },
      clear: { ok: true }, // keytar reports "nothing deleted" for a locked item rather than an error
    });
    expect(String((second.result.set as { message: string }).message)).toMatch(/locked.*Unlock/);
    const third = await inKeyringSession(box, WITH_UNLOCKED_KEYRING, 'read-and-clear');
    expect(third.result).toEqual({
      status: { state: 'stored' },
      readBack: true,
      clear: { ok: true },
      statusAfterClear: { state: 'absent' },
    });
    for (const child of [first, second, third]) expectNoKeyIn(child);
  });
});

describe('secret store without a usable keychain', () => {
  it('no D-Bus session: status unavailable with a clear message, and a session-only key works', async () => {
    const box = await sandbox();
    const child = await run(process.execPath, ['--import', 'tsx', FIXTURE, 'unavailable'], isolatedEnv(box));
    expect(child.result).toMatchObject({
      status: { state: 'unavailable' },
      read: 'undefined',
      set: { ok: false, code: 'keychain_unavailable', problem: 'no-session-bus' },
      statusSessionOnly: { state: 'session-only' },
      readSessionOnly: true,
      clear: { ok: true },
      readAfterClear: 'undefined',
    });
    const status = child.result.status as { message: string };
    expect(status.message).toMatch(/No D-Bus session is running/);
    expect(status.message).toMatch(/dbus-run-session/);
    expectNoKeyIn(child);
  });

  it('a D-Bus session without any Secret Service provider: status names the missing provider', async () => {
    const box = await sandbox();
    // A session bus that knows no services at all, so nothing can be auto-started for org.freedesktop.secrets.
    const config = join(box.runtime, 'bus.conf');
    await writeFile(
      config,
      `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=${box.runtime}</listen>
  <policy context="default"><allow send_destination="*" eavesdrop="true"/><allow eavesdrop="true"/><allow own="*"/></policy>
</busconfig>
`,
    );
    const child = await run(
      'dbus-run-session',
      [`--config-file=${config}`, '--', process.execPath, '--import', 'tsx', FIXTURE, 'unavailable'],
      isolatedEnv(box),
    );
    expect(child.result).toMatchObject({
      status: { state: 'unavailable' },
      read: 'undefined',
      set: { ok: false, problem: 'no-secret-service' },
      readSessionOnly: true,
    });
    expect((child.result.status as { message: string }).message).toMatch(
      /No Secret Service provider.*gnome-keyring/,
    );
    expectNoKeyIn(child);
  });
});
