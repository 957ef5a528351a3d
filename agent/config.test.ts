import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentConfig, AgentConfigError, loadAgentConfig, parseAgentConfig } from './config.js';

const valid = {
  deviceId: 'cluster-0001',
  secret: 's3cret-s3cret-s3cret',
  brokerUrl: 'mqtts://mqtt.loa.example.vn:8883',
  controllerUrl: 'https://loa.example.vn',
  areaCodes: ['01834', '058', '06'],
  dataDir: '/var/lib/loa-agent',
};

function problemsFor(raw: unknown): string[] {
  try {
    parseAgentConfig(raw, '/etc/loa');
  } catch (err) {
    expect(err).toBeInstanceOf(AgentConfigError);
    return (err as AgentConfigError).problems;
  }
  throw new Error('expected the config to be rejected');
}

describe('agent config', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'loa-agent-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('applies the documented defaults', () => {
    const config = parseAgentConfig(valid, '/etc/loa');
    expect(config).toMatchObject({ heartbeatIntervalS: 30, player: 'alsa', power: { driver: 'none' } });
    expect(config.alsaDevice).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('accepts every optional field', () => {
    const full: AgentConfig = {
      ...valid,
      heartbeatIntervalS: 60,
      player: 'alsa',
      alsaDevice: 'hw:0,0',
      power: { driver: 'command', on: 'gpioset gpiochip0 17=1', off: 'gpioset gpiochip0 17=0' },
    };
    expect(parseAgentConfig(full, '/etc/loa')).toEqual(full);
  });

  it('accepts ws:// and wss:// brokers', () => {
    for (const brokerUrl of ['ws://10.0.0.1:8083/mqtt', 'wss://mqtt.example.vn/mqtt', 'mqtt://127.0.0.1:1883']) {
      expect(parseAgentConfig({ ...valid, brokerUrl }, '/').brokerUrl).toBe(brokerUrl);
    }
  });

  it('resolves a relative dataDir and tlsCaFile from the config file folder', () => {
    const ca = write('ca.pem', '-----BEGIN CERTIFICATE-----\n');
    const file = write('agent.json', JSON.stringify({ ...valid, dataDir: 'data', tlsCaFile: 'ca.pem' }));
    const config = loadAgentConfig(file);
    expect(config.dataDir).toBe(path.join(dir, 'data'));
    expect(config.tlsCaFile).toBe(ca);
  });

  it('reports a missing file', () => {
    expect(() => loadAgentConfig(path.join(dir, 'nope.json'))).toThrow(/nope\.json[\s\S]*file not found/);
  });

  it('reports a file that is not JSON', () => {
    const file = write('agent.json', '{ deviceId: cluster-1 }');
    expect(() => loadAgentConfig(file)).toThrow(/not valid JSON/);
  });

  it('reports a top level that is not an object', () => {
    expect(problemsFor([valid])).toEqual(['expected a JSON object at the top level']);
  });

  it('reports every bad field at once, by name', () => {
    const problems = problemsFor({
      ...valid,
      deviceId: 'bad/id',
      brokerUrl: 'http://broker',
      areaCodes: ['1'],
      heartbeatIntervalS: 0,
      player: 'pulse',
      power: { driver: 'command', on: 'x' },
      heartbeatInterval: 30,
    });
    const fields = problems.map((p) => p.split(':')[0]);
    expect(fields.sort()).toEqual(
      ['areaCodes.0', 'brokerUrl', 'deviceId', 'heartbeatInterval', 'heartbeatIntervalS', 'player', 'power'].sort(),
    );
    expect(problems.find((p) => p.startsWith('heartbeatInterval:'))).toMatch(/unknown field/);
    expect(problems.find((p) => p.startsWith('brokerUrl'))).toMatch(/mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\//);
    expect(problems.find((p) => p.startsWith('player'))).toMatch(/alsa, null, file.*"pulse"/);
  });

  it('names missing required fields', () => {
    const { secret: _s, areaCodes: _a, ...rest } = valid;
    expect(problemsFor(rest).sort()).toEqual(['areaCodes: missing (required)', 'secret: missing (required)']);
  });

  it('never prints the secret', () => {
    const problems = problemsFor({ ...valid, secret: 'short-secret' });
    expect(problems).toEqual([expect.stringMatching(/^secret: /)]);
    expect(problems.join()).not.toContain('short-secret');
  });

  it('rejects an empty area list and duplicate codes', () => {
    expect(problemsFor({ ...valid, areaCodes: [] })[0]).toMatch(/^areaCodes: /);
    expect(problemsFor({ ...valid, areaCodes: ['06', '06'] })[0]).toMatch(/^areaCodes: /);
  });

  it('checks that the CA file can be read, next to schema problems', () => {
    const problems = problemsFor({ ...valid, tlsCaFile: 'missing-ca.pem', controllerUrl: 'ftp://x' });
    expect(problems).toEqual([
      expect.stringMatching(/^controllerUrl: expected an http/),
      expect.stringMatching(/^tlsCaFile: cannot read \/etc\/loa\/missing-ca\.pem/),
    ]);
  });

  it('says which file is wrong in the message', () => {
    const file = write('agent.json', JSON.stringify({ ...valid, dataDir: '' }));
    expect(() => loadAgentConfig(file)).toThrow(`invalid agent config ${file}:\n  dataDir: `);
  });
});
