import { describe, expect, it } from 'vitest';
import { BenchArgsError, parseBenchArgs } from './args.js';

const known = ['transcode', 'api', 'agent-footprint'];

describe('npm run bench arguments', () => {
  it('runs everything at full size when given nothing', () => {
    expect(parseBenchArgs([], known)).toEqual({ names: [], params: {}, tiny: false, help: false });
  });

  it('takes scenario names in order, size overrides and the runner options', () => {
    const args = parseBenchArgs(['api', '--agents=1000', 'transcode', '--durationS=30', '--out', '/tmp/x', '--tiny'], known);
    expect(args).toEqual({ names: ['api', 'transcode'], params: { agents: '1000', durationS: '30' }, outDir: '/tmp/x', tiny: true, help: false });
    expect(parseBenchArgs(['--out=/tmp/y', 'api', 'api'], known)).toMatchObject({ names: ['api'], outDir: '/tmp/y' });
  });

  it('never takes a scenario name for the value of a size override', () => {
    expect(() => parseBenchArgs(['--agents', 'api'], known)).toThrow(/--agents=/);
  });

  it('refuses unknown scenarios and malformed options with a message naming them', () => {
    expect(() => parseBenchArgs(['fleet'], known)).toThrow(BenchArgsError);
    expect(() => parseBenchArgs(['fleet'], known)).toThrow(/unknown scenario "fleet"; known: transcode, api/);
    expect(() => parseBenchArgs(['--=3'], known)).toThrow(/bad option/);
    expect(() => parseBenchArgs(['--durationS='], known)).toThrow(/needs a value/);
  });
});
