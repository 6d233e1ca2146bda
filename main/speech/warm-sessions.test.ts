import { afterEach, describe, expect, it } from 'vitest';
import { startScriptedServer } from '../../tests/helpers/scripted-server';
import type { ScriptedServer } from '../../tests/helpers/scripted-server';
import { until } from '../../tests/helpers/until';
import type { SessionConfig } from './session';
import { WarmSessions } from './warm-sessions';

const servers: ScriptedServer[] = [];
const pools: WarmSessions[] = [];

afterEach(async () => {
  for (const pool of pools.splice(0)) pool.close();
  for (const server of servers.splice(0)) await server.close();
});

/** Accepts every connection and keeps it open until the client goes. */
async function acceptingServer(): Promise<ScriptedServer> {
  const server = await startScriptedServer(async (connection) => {
    await connection.accept();
    await connection.closed;
  });
  servers.push(server);
  return server;
}

function pool(idleMs?: number): WarmSessions {
  const created = new WarmSessions(idleMs !== undefined ? { idleMs } : {});
  pools.push(created);
  return created;
}

function configFor(server: ScriptedServer, voiceId = 'v1'): SessionConfig {
  return { baseUrl: server.url, apiKey: 'k', voiceId, query: { output_format: 'pcm_16000' } };
}

describe('WarmSessions', () => {
  it('opens one socket however often the same stream is prepared, and hands it over once', async () => {
    const server = await acceptingServer();
    const warm = pool();
    warm.prepare(configFor(server));
    warm.prepare(configFor(server));
    const session = warm.take({ ...configFor(server), signal: new AbortController().signal });
    expect(session).toBeDefined();
    await session?.connect();
    expect(session?.state.kind).toBe('open');
    expect(server.connections).toHaveLength(1);
    expect(warm.take(configFor(server))).toBeUndefined();
    session?.cancel();
  });

  it('does not hand a socket to another voice, query or key, and replaces it when asked for another', async () => {
    const server = await acceptingServer();
    const warm = pool();
    warm.prepare(configFor(server));
    expect(warm.take(configFor(server, 'v2'))).toBeUndefined();
    expect(warm.take({ ...configFor(server), apiKey: 'other' })).toBeUndefined();
    expect(warm.take({ ...configFor(server), query: { output_format: 'pcm_22050' } })).toBeUndefined();
    await until(() => server.connections.length === 1, 5000, 'the first socket');
    warm.prepare(configFor(server, 'v2'));
    await server.connections[0]?.closed;
    expect(warm.take(configFor(server, 'v2'))).toBeDefined();
  });

  it('closes a socket nobody takes when its idle time is up', async () => {
    const server = await acceptingServer();
    const warm = pool(150);
    warm.prepare(configFor(server));
    await until(() => server.connections.length === 1, 5000, 'the socket');
    await server.connections[0]?.closed;
    expect(warm.take(configFor(server))).toBeUndefined();
  });

  it('closes before its first keep-alive would be due, having sent nothing but the BOS', async () => {
    const server = await acceptingServer();
    const warm = pool();
    // Keep-alives every 750 ms at a 1 s inactivity timeout: the socket goes before the first.
    warm.prepare({ ...configFor(server), query: { output_format: 'pcm_16000', inactivity_timeout: 1 } });
    await until(() => server.connections.length === 1, 5000, 'the socket');
    await server.connections[0]?.closed;
    expect(server.connections[0]?.messages).toEqual([{ text: ' ' }]);
  });

  it('never hands over a socket that failed to open', async () => {
    const server = await startScriptedServer((connection) => connection.refuse(401));
    servers.push(server);
    const warm = pool();
    warm.prepare(configFor(server));
    await until(() => server.connections.length === 1, 5000, 'the refused handshake');
    // The client reads the refusal's body (for at most a second) before it fails the session.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(warm.take(configFor(server))).toBeUndefined();
    expect(warm.opened).toBe(1);
  });
});
