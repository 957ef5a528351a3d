import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, ConfigError, loadConfig } from './config.js';
import { PACKAGE_ROOT } from './paths.js';

describe('configuration', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ httpPort: 8080, mqttPort: 1883, httpHost: '0.0.0.0', timezone: 'Asia/Ho_Chi_Minh' });
    expect(config.paths.dataDir.endsWith('data')).toBe(true);
    expect(config.publicUrl).toBe('http://localhost:8080');
    expect(config.mqttUrl).toBe('mqtt://127.0.0.1:1883');
  });

  it('reports every problem at once, naming the variable', () => {
    try {
      loadConfig({ LOA_HTTP_PORT: 'eighty', LOA_MQTT_PORT: '70000', LOA_TIMEZONE: 'Mars/Olympus', LOA_MQTT_TLS_CERT: '/x.pem' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const name of ['LOA_HTTP_PORT', 'LOA_MQTT_PORT', 'LOA_TIMEZONE', 'LOA_MQTT_TLS_KEY']) expect(problems).toContain(name);
    }
  });

  it('refuses a short first-admin password', () => {
    expect(() => loadConfig({ LOA_ADMIN_PASSWORD: 'short' })).toThrow(/LOA_ADMIN_PASSWORD/);
  });

  it('is listed whole in .env.example and the README', () => {
    const example = readFileSync(`${PACKAGE_ROOT}/.env.example`, 'utf8');
    const readme = readFileSync(`${PACKAGE_ROOT}/README.md`, 'utf8');
    for (const spec of Object.values(CONFIG_KEYS)) {
      expect(example, spec.env).toContain(`${spec.env}=`);
      expect(readme, spec.env).toContain(`\`${spec.env}\``);
    }
  });
});
