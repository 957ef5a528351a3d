// Every benchmark scenario `npm run bench` knows, by the name given on the command line
// (`npm run bench -- transcode --agents=1000`). One line per scenario; each lives in its own file.
// The order is the table: the fleet first, then the broker, media, agent and API.
import type { Scenario } from '../scenario.js';
import { agentFootprintScenario } from './agent-footprint.js';
import { apiScenario } from './api.js';
import { brokerVsMosquittoScenario } from './broker-vs-mosquitto.js';
import { connectionsScenario } from './connections.js';
import { emergencyScenario } from './emergency.js';
import { scheduledStartScenario } from './scheduled-start.js';
import { telemetryScenario } from './telemetry.js';
import { transcodeScenario } from './transcode.js';

export const SCENARIOS: Record<string, Scenario> = {
  connections: connectionsScenario,
  telemetry: telemetryScenario,
  emergency: emergencyScenario,
  'scheduled-start': scheduledStartScenario,
  'broker-vs-mosquitto': brokerVsMosquittoScenario,
  transcode: transcodeScenario,
  'agent-footprint': agentFootprintScenario,
  api: apiScenario,
};
