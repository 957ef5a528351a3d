// Every benchmark scenario `npm run bench` knows, by the name given on the command line
// (`npm run bench -- transcode --agents=1000`). One line per scenario; each lives in its own file.
import type { Scenario } from '../scenario.js';
import { connectionsScenario } from './connections.js';
import { emergencyScenario } from './emergency.js';
import { scheduledStartScenario } from './scheduled-start.js';
import { telemetryScenario } from './telemetry.js';
import { transcodeScenario } from './transcode.js';

export const SCENARIOS: Record<string, Scenario> = {
  transcode: transcodeScenario,
  connections: connectionsScenario,
  telemetry: telemetryScenario,
  emergency: emergencyScenario,
  'scheduled-start': scheduledStartScenario,
};
