// When the reference broker is missing the bench installs it with apt-get, only where nobody is
// asked for a password, and says so; otherwise it names the command. apt-get is never really run here.
import { describe, expect, it } from 'vitest';
import { ensureMosquitto, type InstallerHost } from './reference-install.js';

function fakeHost(over: Partial<InstallerHost> & { aptWorksAfterUpdate?: boolean } = {}) {
  const ran: string[] = [];
  let installed = false;
  let updated = false;
  const host: InstallerHost = {
    uid: 0,
    hasAptGet: true,
    sudoWithoutPassword: async () => false,
    run: async (argv) => {
      ran.push(argv.join(' '));
      if (argv.includes('update')) {
        updated = true;
        return { code: 0, output: '' };
      }
      if (over.aptWorksAfterUpdate && !updated) return { code: 100, output: 'E: Unable to locate package mosquitto' };
      installed = true;
      return { code: 0, output: '' };
    },
    log: () => undefined,
    ...over,
  };
  return { host, ran, find: () => (installed ? '/usr/sbin/mosquitto' : null) };
}

describe('ensureMosquitto', () => {
  it('uses the installed broker and installs nothing', async () => {
    const { host, ran } = fakeHost();
    expect(await ensureMosquitto(host, true, () => '/usr/sbin/mosquitto')).toEqual({ binary: '/usr/sbin/mosquitto', installed: false });
    expect(ran).toEqual([]);
  });

  it('installs it with apt-get as root, updating the package lists when the first try cannot find it', async () => {
    const { host, ran, find } = fakeHost({ aptWorksAfterUpdate: true });
    expect(await ensureMosquitto(host, true, find)).toEqual({ binary: '/usr/sbin/mosquitto', installed: true });
    expect(ran).toEqual([
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mosquitto',
      'apt-get update',
      'env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mosquitto',
    ]);
  });

  it('goes through sudo -n for a user with passwordless sudo', async () => {
    const { host, ran, find } = fakeHost({ uid: 1000, sudoWithoutPassword: async () => true });
    expect(await ensureMosquitto(host, true, find)).toMatchObject({ installed: true });
    expect(ran[0]).toMatch(/^sudo -n env DEBIAN_FRONTEND=noninteractive apt-get install/);
  });

  it('skips with the command to run when installing would need a password, there is no apt-get, or --install=no', async () => {
    const user = fakeHost({ uid: 1000 });
    expect(await ensureMosquitto(user.host, true, user.find)).toEqual({ binary: null, why: expect.stringContaining('sudo apt-get install mosquitto') });
    const noApt = fakeHost({ hasAptGet: false });
    expect(await ensureMosquitto(noApt.host, true, noApt.find)).toEqual({ binary: null, why: expect.stringContaining('no apt-get') });
    const refused = fakeHost();
    expect(await ensureMosquitto(refused.host, false, refused.find)).toEqual({ binary: null, why: expect.stringContaining('--install=no') });
    expect([...user.ran, ...noApt.ran, ...refused.ran]).toEqual([]);
  });

  it('reports the end of apt-get’s output when the install fails', async () => {
    const { host, find } = fakeHost({
      run: async (argv) => (argv.includes('update') ? { code: 0, output: '' } : { code: 100, output: 'Reading package lists...\nE: Could not get lock /var/lib/dpkg/lock-frontend' }),
    });
    const found = await ensureMosquitto(host, true, find);
    expect(found).toEqual({ binary: null, why: expect.stringMatching(/exit 100\).*Could not get lock/) });
  });
});
